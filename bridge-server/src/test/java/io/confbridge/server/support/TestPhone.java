package io.confbridge.server.support;

import io.confbridge.sip.support.SipLogin;
import io.confbridge.sip.support.SipMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real SIP phone on 127.0.0.1 for end-to-end tests: raw SIP text over UDP (RFC 3261) and RTP with G.711
 * and RFC 4733 events, as a softphone or a SIPp scenario would send them.
 *
 * <p>Life of a call:
 * <ol>
 *   <li>{@link #dial} sends INVITE with an SDP offer and retransmits it on Timer A until a response comes;
 *       100/180 are noted; on a final response the call is set up (2xx, ACKed to the Contact) or failed
 *       (3xx–6xx, ACKed in the INVITE transaction as §17.1.1.3 asks).</li>
 *   <li>While the call is up, the phone records every RTP packet from the bridge and can talk: DTMF events,
 *       a tone, silence.</li>
 *   <li>{@link #hangUp} sends BYE; a BYE from the bridge is answered 200 and noted.</li>
 * </ol>
 * A phone {@linkplain #signIn signed in} to a SIP account puts its username in From and answers one
 * digest challenge (401) a call: it ACKs the 401 and sends the INVITE again, same Call-ID and From tag,
 * next CSeq, with an {@code Authorization} header ({@link SipLogin}).
 * Requests from the bridge are answered on the phone's receive thread; responses from the bridge are
 * matched to their client transaction by top Via branch and CSeq method. Record-Route is not honoured:
 * the bridge is a user agent, not a proxy. One call at a time.
 */
public final class TestPhone implements AutoCloseable {
    private static final String LOCALHOST = "127.0.0.1";
    /** RFC 3261 §17.1.1.1 T1 and the transaction timeout 64·T1 (Timers B and F). */
    private static final long T1_MS = 500;
    private static final long TRANSACTION_TIMEOUT_MS = 64 * T1_MS;
    private static final Duration FINAL_RESPONSE_WAIT = Duration.ofSeconds(15);
    private static final Duration NON_INVITE_WAIT = Duration.ofSeconds(8);

    private final String name;
    private final InetSocketAddress bridgeSip;
    private final DatagramSocket sipSocket;
    private final DatagramSocket rtpSocket;
    private final ScheduledExecutorService scheduler;
    private final Thread sipThread;
    private final RtpReceiver rtpReceiver;
    private final RtpSender rtpSender;
    private final Map<String, ClientTransaction> transactions = new ConcurrentHashMap<>();
    private final List<SipMessage> strayResponses = new CopyOnWriteArrayList<>();
    private final List<SipMessage> requestsFromBridge = new CopyOnWriteArrayList<>();
    private final AtomicLong nextCseq = new AtomicLong(1);
    private final AtomicInteger unparsableDatagrams = new AtomicInteger();
    private final List<Integer> inviteFinalStatuses = new CopyOnWriteArrayList<>();

    private volatile Call call;
    private volatile int lastFinalStatus = -1;
    private volatile SdpAnswer answer;
    private volatile SipMessage finalInviteResponse;
    private volatile String fromUser;
    private volatile SipLogin login;
    private volatile SipLogin.Answer lastDigestAnswer;

    public TestPhone(String name, int bridgeSipPort) {
        this.name = name;
        this.fromUser = name;
        this.bridgeSip = new InetSocketAddress(LOCALHOST, bridgeSipPort);
        try {
            InetAddress loopback = InetAddress.getByName(LOCALHOST);
            this.sipSocket = new DatagramSocket(new InetSocketAddress(loopback, 0));
            this.rtpSocket = new DatagramSocket(new InetSocketAddress(loopback, 0));
        } catch (IOException e) {
            throw new UncheckedIOException("binding " + name + "'s sockets", e);
        }
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, name + "-timer");
            t.setDaemon(true);
            return t;
        });
        this.rtpReceiver = new RtpReceiver(rtpSocket, name);
        this.rtpSender = new RtpSender(rtpSocket, scheduler);
        this.sipThread = new Thread(this::sipReceiveLoop, name + "-sip-rx");
        this.sipThread.setDaemon(true);
        this.sipThread.start();
    }

    public String name() {
        return name;
    }

    public int sipPort() {
        return sipSocket.getLocalPort();
    }

    public int rtpPort() {
        return rtpSocket.getLocalPort();
    }

    // ---------------------------------------------------------------- SIP: the caller's side of a call

    /** Dials {@code sip:<requestUriUser>@127.0.0.1:<bridge port>} with the default offer; see {@link #dial(String, SdpOffer)}. */
    public int dial(String requestUriUser) {
        return dial(requestUriUser, SdpOffer.PCMU_PCMA_TELEPHONE_EVENT);
    }

    /**
     * Sends INVITE and waits for its final response; on 2xx the call is up (ACK sent, SDP answer parsed).
     *
     * @return the final status code
     */
    public int dial(String requestUriUser, SdpOffer offer) {
        return await(dialAsync(requestUriUser, offer), FINAL_RESPONSE_WAIT, "final response to INVITE");
    }

    /** Sends INVITE and returns at once; the future completes with the final status code. */
    public CompletableFuture<Integer> dialAsync(String requestUriUser, SdpOffer offer) {
        return dialAsync(requestUriUser, offer, login, null);
    }

    /**
     * Dials with {@code authorization} (an {@code Authorization} header value) in the very first INVITE
     * and answers no challenge: what someone replaying captured credentials sends.
     *
     * @return the final status code
     */
    public int dialWithAuthorization(String requestUriUser, String authorization) {
        return await(dialAsync(requestUriUser, SdpOffer.PCMU_PCMA_TELEPHONE_EVENT, null, authorization),
                FINAL_RESPONSE_WAIT, "final response to INVITE");
    }

    private CompletableFuture<Integer> dialAsync(String requestUriUser, SdpOffer offer, SipLogin answeringAs,
                                                 String authorization) {
        if (call != null && !call.ended) {
            throw new IllegalStateException(name + " already has a call: " + call.callId);
        }
        String requestUri = "sip:" + requestUriUser + "@" + LOCALHOST + ":" + bridgeSip.getPort();
        String callId = randomToken() + "@" + LOCALHOST;
        String fromTag = randomToken();
        String from = "\"" + name + "\" <sip:" + fromUser + "@" + LOCALHOST + ":" + sipPort() + ">;tag=" + fromTag;
        String to = "<" + requestUri + ">";
        String body = offer.body(name, LOCALHOST, rtpPort(), System.currentTimeMillis());
        Call newCall = new Call(callId, fromTag, from, to, requestUri, body, answeringAs);
        answer = null;
        inviteFinalStatuses.clear();
        finalInviteResponse = null;
        lastFinalStatus = -1;
        call = newCall;
        sendInvite(newCall, authorization);
        return newCall.outcome.thenApply(SipMessage::statusCode);
    }

    /** Sends the call's INVITE in a new client transaction (a new branch and CSeq), with credentials if given. */
    private void sendInvite(Call c, String authorization) {
        long cseq = nextCseq.getAndIncrement();
        String branch = newBranch();
        String invite = request("INVITE", c.requestUri, branch, c.from, c.to, c.callId, cseq, "INVITE",
                "Contact: " + contactHeader() + "\r\n"
                        + "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO\r\n"
                        + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                        + "Content-Type: application/sdp\r\n",
                c.offer);
        // Before sending: the response may come back before start() returns.
        c.inviteBranch = branch;
        c.inviteCseq = cseq;
        start("INVITE", branch, invite, bridgeSip);
    }

    /** The user part of From in this phone's next INVITEs; the phone's name unless set. */
    public void fromUser(String user) {
        this.fromUser = user;
    }

    /**
     * Sets the phone up with a SIP account: From carries {@code login}'s username from the next call on,
     * and a 401 to INVITE is answered with its credentials.
     */
    public void signIn(SipLogin login) {
        this.login = login;
        this.fromUser = login.username();
    }

    /** The last challenge this phone answered and the {@code Authorization} it sent, if any. */
    public Optional<SipLogin.Answer> lastDigestAnswer() {
        return Optional.ofNullable(lastDigestAnswer);
    }

    /** The status of the last final response to this phone's INVITE, or -1 while there is none. */
    public int lastFinalStatus() {
        return lastFinalStatus;
    }

    /**
     * Every final response to the current call's INVITE in arrival order, retransmissions included: a 2xx
     * after a 487 would show here.
     */
    public List<Integer> inviteFinalStatuses() {
        return List.copyOf(inviteFinalStatuses);
    }

    /** The final response to the last INVITE, for assertions on its headers. */
    public Optional<SipMessage> finalInviteResponse() {
        return Optional.ofNullable(finalInviteResponse);
    }

    /** The bridge's SDP answer of the call that is up. */
    public SdpAnswer answer() {
        SdpAnswer a = answer;
        if (a == null) {
            throw new IllegalStateException(name + " has no answered call");
        }
        return a;
    }

    /** True once the INVITE got a 1xx: the moment from which RFC 3261 §9.1 lets a UAC send CANCEL. */
    public boolean hasProvisionalResponse() {
        Call c = call;
        return c != null && c.provisional.isDone();
    }

    /**
     * Cancels the pending INVITE: waits for a provisional response (§9.1), sends CANCEL, and waits for the
     * CANCEL's final response and the INVITE's (a 487 is ACKed by the receive thread).
     */
    public CancelOutcome cancel() {
        Call c = requireCall();
        await(c.provisional, NON_INVITE_WAIT, "a provisional response before CANCEL");
        // §9.1: CANCEL copies Request-URI, Call-ID, To, From, the CSeq number and the top Via of the INVITE.
        String cancel = request("CANCEL", c.requestUri, c.inviteBranch, c.from, c.to, c.callId, c.inviteCseq,
                "CANCEL", "", "");
        ClientTransaction tx = start("CANCEL", c.inviteBranch, cancel, bridgeSip);
        int cancelStatus = await(tx.finalResponse, NON_INVITE_WAIT, "final response to CANCEL").statusCode();
        int inviteStatus = await(transactions.get(key(c.inviteBranch, "INVITE")).finalResponse,
                FINAL_RESPONSE_WAIT, "final response to the cancelled INVITE").statusCode();
        return new CancelOutcome(cancelStatus, inviteStatus);
    }

    /** What came back from a CANCEL: its own status (200 expected) and the INVITE's (487 expected). */
    public record CancelOutcome(int cancelStatus, int inviteStatus) {
    }

    /** Stops talking and sends BYE in the dialog; returns the BYE's final status. */
    public int hangUp() {
        Call c = requireCall();
        Dialog d = c.dialog;
        if (d == null) {
            throw new IllegalStateException(name + " has no established dialog to hang up");
        }
        rtpSender.stopAudio();
        String branch = newBranch();
        String bye = request("BYE", d.remoteTargetUri, branch, c.from, d.toWithTag, c.callId,
                nextCseq.getAndIncrement(), "BYE", "", "");
        ClientTransaction tx = start("BYE", branch, bye, d.remoteTarget);
        int status = await(tx.finalResponse, NON_INVITE_WAIT, "final response to BYE").statusCode();
        c.ended = true;
        return status;
    }

    /** Waits until the bridge has sent BYE for the current call (answered 200 by the receive thread). */
    public boolean awaitByeFromBridge(Duration timeout) {
        Call c = requireCall();
        try {
            c.byeFromBridge.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** True once the bridge has sent BYE for the current call. */
    public boolean byeReceivedFromBridge() {
        Call c = call;
        return c != null && c.byeFromBridge.isDone();
    }

    /** Sends an out-of-dialog OPTIONS (a keep-alive ping) and returns its final status. */
    public int sendOptions() {
        String uri = "sip:bridge@" + LOCALHOST + ":" + bridgeSip.getPort();
        String branch = newBranch();
        String options = request("OPTIONS", uri, branch, "<sip:" + name + "@" + LOCALHOST + ":" + sipPort()
                        + ">;tag=" + randomToken(), "<" + uri + ">", randomToken() + "@" + LOCALHOST,
                nextCseq.getAndIncrement(), "OPTIONS", "Accept: application/sdp\r\n", "");
        ClientTransaction tx = start("OPTIONS", branch, options, bridgeSip);
        return await(tx.finalResponse, NON_INVITE_WAIT, "final response to OPTIONS").statusCode();
    }

    /** Sends a datagram of arbitrary text to the bridge's SIP port, from this phone's SIP socket. */
    public void sendRaw(String text) {
        sendSip(text, bridgeSip);
    }

    /** Sends arbitrary bytes to the bridge's SIP port, for garbage that is not even text. */
    public void sendRaw(byte[] datagram) {
        try {
            sipSocket.send(new DatagramPacket(datagram, datagram.length, bridgeSip));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Responses that matched no transaction of this phone (for example to {@link #sendRaw}). */
    public List<SipMessage> strayResponses() {
        return List.copyOf(strayResponses);
    }

    /** Every request the bridge sent this phone, in order. */
    public List<SipMessage> requestsFromBridge() {
        return List.copyOf(requestsFromBridge);
    }

    // ---------------------------------------------------------------- RTP: listening

    /** How many RTP packets (audio and events) arrived from the bridge so far. */
    public int packetsReceived() {
        return rtpReceiver.count();
    }

    /** Every RTP packet received so far, in arrival order. */
    public List<ReceivedRtp> received() {
        return rtpReceiver.all();
    }

    /** Every RTP packet received since {@code nanoTime} ({@link System#nanoTime()} clock). */
    public List<ReceivedRtp> receivedSince(long nanoTime) {
        return rtpReceiver.since(nanoTime);
    }

    /** True if the audio of the last {@code window} is above about -44 dBFS RMS (prompt, music, voice). */
    public boolean isHearingAudio(Duration window) {
        return rtpReceiver.rmsOfLast(window) >= RtpReceiver.AUDIBLE_RMS;
    }

    /** RMS of the decoded audio of the last {@code window}, in 16-bit linear units. */
    public double audioRms(Duration window) {
        return rtpReceiver.rmsOfLast(window);
    }

    /** How many 20 ms frames received since {@code nanoTime} were audible: "the bridge said something since". */
    public int audibleFramesSince(long nanoTime) {
        return rtpReceiver.audibleFramesSince(nanoTime);
    }

    /**
     * The share of the last {@code window}'s audio energy at {@code hz} (Goertzel): near 1 for a clean tone,
     * near 0 when absent or when there was no audio at all.
     */
    public double toneLevel(double hz, Duration window) {
        return rtpReceiver.toneLevelOfLast(hz, window);
    }

    /** The 99th percentile gap between audio packet arrivals in the last {@code window}. */
    public Duration p99InterArrivalGap(Duration window) {
        return rtpReceiver.p99InterArrivalGap(window);
    }

    /** Received datagrams that were not RTP version 2 with a whole header. */
    public int malformedRtpReceived() {
        return rtpReceiver.malformed();
    }

    // ---------------------------------------------------------------- RTP: talking

    /**
     * Types {@code keys} (0–9, *, #, A–D) as RFC 4733 events, about 200 ms a key, and blocks until the last
     * packet is sent.
     */
    public void sendDtmf(String keys) {
        await(sendDtmfAsync(keys), Duration.ofSeconds(5 + keys.length()), "sending DTMF " + keys.length() + " keys");
    }

    /** Types {@code keys} as RFC 4733 events; the future completes after the last packet. */
    public CompletableFuture<Void> sendDtmfAsync(String keys) {
        return rtpSender.sendDtmf(keys, rtpSocket);
    }

    /** How a SIP INFO carries its key: the two bodies the bridge reads. */
    public enum InfoFormat {
        /** {@code application/dtmf-relay}: {@code Signal=5} and {@code Duration=160} lines (Cisco, SIPp). */
        DTMF_RELAY("application/dtmf-relay"),
        /** {@code application/dtmf}: the key alone. */
        DTMF("application/dtmf");

        private final String contentType;

        InfoFormat(String contentType) {
            this.contentType = contentType;
        }

        String body(char key) {
            return this == DTMF_RELAY ? "Signal=" + key + "\r\nDuration=160\r\n" : String.valueOf(key);
        }
    }

    /** Level of each of the two tones of an in-band key, as a keypad sends it. */
    public static final double INBAND_DBFS_PER_TONE = -10;

    /** Types {@code keys} as SIP INFO {@code application/dtmf-relay} requests, one after the other's 200. */
    public void sendDtmfInfo(String keys) {
        sendDtmfInfo(keys, InfoFormat.DTMF_RELAY);
    }

    /**
     * Types {@code keys} as SIP INFO requests in the dialog, one a press at the pace of {@link #sendDtmf}
     * (a key every 200 ms, or when the last INFO is answered if that takes longer), as a phone sends them
     * while its user types; fails unless every one is answered 200.
     */
    public void sendDtmfInfo(String keys, InfoFormat format) {
        long startNs = System.nanoTime();
        for (int k = 0; k < keys.length(); k++) {
            long dueNs = startNs + TimeUnit.MILLISECONDS.toNanos(k * RtpSender.KEY_PERIOD_MS);
            long waitNs = dueNs - System.nanoTime();
            if (waitNs > 0) {
                // The user's finger, not a test waiting for a result: the next press is due then.
                CompletableFuture<Void> due = new CompletableFuture<>();
                scheduler.schedule(() -> due.complete(null), waitNs, TimeUnit.NANOSECONDS);
                await(due, Duration.ofNanos(waitNs).plusSeconds(5), "the next key press");
            }
            int status = sendDtmfInfoKey(keys.charAt(k), format);
            if (status != 200) {
                throw new AssertionError(name + ": INFO for key " + keys.charAt(k) + " answered " + status);
            }
        }
    }

    /**
     * Types {@code keys} as SIP INFO requests, each sent the moment the last one is answered 200, as a
     * gateway relaying a buffered key string or a SIPp scenario does: the order of the requests is then
     * the only thing that orders the keys.
     */
    public void sendDtmfInfoBackToBack(String keys, InfoFormat format) {
        for (int k = 0; k < keys.length(); k++) {
            int status = sendDtmfInfoKey(keys.charAt(k), format);
            if (status != 200) {
                throw new AssertionError(name + ": INFO for key " + keys.charAt(k) + " answered " + status);
            }
        }
    }

    /** Sends one key as a SIP INFO request in the dialog and returns its final status. */
    public int sendDtmfInfoKey(char key, InfoFormat format) {
        return await(sendDtmfInfoAsync(key, format), NON_INVITE_WAIT, "final response to INFO").statusCode();
    }

    private CompletableFuture<SipMessage> sendDtmfInfoAsync(char key, InfoFormat format) {
        Call c = requireCall();
        Dialog d = c.dialog;
        if (d == null) {
            throw new IllegalStateException(name + " has no established dialog to send INFO in");
        }
        String branch = newBranch();
        String info = request("INFO", d.remoteTargetUri, branch, c.from, d.toWithTag, c.callId,
                nextCseq.getAndIncrement(), "INFO", "Content-Type: " + format.contentType + "\r\n",
                format.body(key));
        return start("INFO", branch, info, d.remoteTarget).finalResponse;
    }

    /**
     * Types {@code keys} in-band: 100 ms of each key's tone pair at {@link #INBAND_DBFS_PER_TONE} per tone,
     * 100 ms of silence after it, in G.711 at real-time pace; silence goes on afterwards. Blocks until the
     * gap after the last key is sent.
     */
    public void sendDtmfInband(String keys) {
        await(rtpSender.sendInbandDtmf(keys, INBAND_DBFS_PER_TONE), Duration.ofSeconds(5 + keys.length()),
                "sending " + keys.length() + " in-band keys");
    }

    /**
     * Types {@code keys}, each press sent on every one of {@code paths} at once (a gateway that relays a
     * key both as an event and as INFO, or as an event with its tones left in the audio); the next key
     * follows when every path has finished the last one. With one path this is that path's own pacing.
     */
    public void sendDtmfVia(String keys, KeyPath... paths) {
        if (paths.length == 1) {
            switch (paths[0]) {
                case RFC_4733 -> sendDtmf(keys);
                case SIP_INFO -> sendDtmfInfo(keys);
                case IN_BAND -> sendDtmfInband(keys);
            }
            return;
        }
        for (int k = 0; k < keys.length(); k++) {
            char key = keys.charAt(k);
            String one = String.valueOf(key);
            CompletableFuture<?>[] sent = new CompletableFuture<?>[paths.length];
            for (int p = 0; p < paths.length; p++) {
                sent[p] = switch (paths[p]) {
                    case RFC_4733 -> sendDtmfAsync(one);
                    case SIP_INFO -> sendDtmfInfoAsync(key, InfoFormat.DTMF_RELAY).thenAccept(response -> {
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException("INFO for key " + key + " answered "
                                    + response.statusCode());
                        }
                    });
                    case IN_BAND -> rtpSender.sendInbandDtmf(one, INBAND_DBFS_PER_TONE);
                };
            }
            await(CompletableFuture.allOf(sent), Duration.ofSeconds(8), "sending key " + key + " on "
                    + java.util.Arrays.toString(paths));
        }
    }

    /**
     * Sends the same RFC 4733 events as {@link #sendDtmf}, same SSRC and next sequence numbers, but from a
     * different local port: what an attacker who guessed the stream would inject. Blocks until sent.
     */
    public void injectDtmfFromOtherPort(String keys) {
        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(LOCALHOST), 0))) {
            await(rtpSender.sendDtmf(keys, other), Duration.ofSeconds(5 + keys.length()), "injecting DTMF");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Streams a sine of {@code hz} at {@code dBFS} in 20 ms G.711 packets at real-time pace. */
    public void startTone(double hz, double dBFS) {
        rtpSender.startTone(hz, dBFS);
    }

    public void stopTone() {
        rtpSender.stopAudio();
    }

    /** Streams digital silence in 20 ms packets, as an idle phone does; establishes the RTP source. */
    public void startSilence() {
        rtpSender.startSilence();
    }

    /** RTP packets this phone sent from its own RTP port (audio and events). */
    public int packetsSent() {
        return rtpSender.packetsSent();
    }

    // ---------------------------------------------------------------- the SIP transaction layer

    private static String newBranch() {
        // RFC 3261 §8.1.1.7: the magic cookie marks a branch unique across space and time.
        return "z9hG4bK" + randomToken();
    }

    private static String key(String branch, String method) {
        return branch + " " + method;
    }

    /** Sends a request in a new client transaction, retransmitting on Timers A/E until a response comes. */
    private ClientTransaction start(String method, String branch, String text, InetSocketAddress destination) {
        ClientTransaction tx = new ClientTransaction(text, destination);
        transactions.put(key(branch, method), tx);
        sendSip(text, destination);
        scheduleRetransmit(tx, T1_MS, 0);
        return tx;
    }

    private void scheduleRetransmit(ClientTransaction tx, long intervalMs, long elapsedMs) {
        if (elapsedMs + intervalMs >= TRANSACTION_TIMEOUT_MS || sipSocket.isClosed()) {
            return;
        }
        tx.retransmit = scheduler.schedule(() -> {
            if (tx.responded || tx.finalResponse.isDone() || sipSocket.isClosed()) {
                return;
            }
            sendSip(tx.text, tx.destination);
            // §17.1.2.2 Timer E doubles up to T2 (4 s); for INVITE Timer A doubles without a cap.
            scheduleRetransmit(tx, Math.min(intervalMs * 2, 8 * T1_MS), elapsedMs + intervalMs);
        }, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void sipReceiveLoop() {
        byte[] buffer = new byte[65535];
        DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
        while (!sipSocket.isClosed()) {
            try {
                datagram.setLength(buffer.length);
                sipSocket.receive(datagram);
            } catch (IOException e) {
                return;
            }
            SipMessage message;
            try {
                message = SipMessage.parse(datagram.getData(), datagram.getLength());
            } catch (RuntimeException e) {
                unparsableDatagrams.incrementAndGet();
                continue;
            }
            try {
                if (message.isResponse()) {
                    onResponse(message);
                } else {
                    onRequest(message, datagram.getSocketAddress());
                }
            } catch (RuntimeException e) {
                // A test UA must survive whatever the bridge sends; the test sees the effect, not a dead thread.
                unparsableDatagrams.incrementAndGet();
            }
        }
    }

    private void onResponse(SipMessage response) {
        ClientTransaction tx = transactions.get(key(response.topViaBranch(), response.cseqMethod()));
        if (tx == null) {
            strayResponses.add(response);
            return;
        }
        tx.responded = true;
        ScheduledFuture<?> retransmit = tx.retransmit;
        if (retransmit != null) {
            retransmit.cancel(false);
        }
        int status = response.statusCode();
        boolean isInvite = "INVITE".equals(response.cseqMethod());
        Call c = call;
        boolean ofCurrentCall = isInvite && c != null && c.callId.equals(response.callId());
        if (status < 200) {
            if (ofCurrentCall) {
                c.provisional.complete(null);
            }
            return;
        }
        if (ofCurrentCall) {
            inviteFinalStatuses.add(status);
            if (status < 300) {
                onInviteAccepted(c, response);
            } else {
                // §17.1.1.3: the INVITE client transaction ACKs a non-2xx final response itself, every copy.
                sendSip(ackForFailure(c, response), bridgeSip);
            }
            if (!tx.finalResponse.isDone()) {
                finalInviteResponse = response;
                lastFinalStatus = status;
                if (status != 401 || !answerChallenge(c, response)) {
                    c.outcome.complete(response);
                }
            }
        }
        tx.finalResponse.complete(response);
    }

    private void onInviteAccepted(Call c, SipMessage ok) {
        if (c.dialog == null) {
            String contact = ok.contactUri().orElseThrow(() -> new IllegalStateException("2xx without Contact"));
            Dialog dialog = new Dialog(
                    c.to + ";tag=" + ok.toTag().orElseThrow(() -> new IllegalStateException("2xx without To tag")),
                    contact, destinationOf(contact));
            SdpAnswer parsed = SdpAnswer.parse(ok.body());
            rtpReceiver.negotiated(parsed);
            rtpSender.negotiated(parsed);
            answer = parsed;
            // §13.2.2.4: the ACK for a 2xx is a new transaction sent to the remote target, same CSeq number.
            c.ack2xx = request("ACK", contact, "z9hG4bK" + randomToken(), c.from, dialog.toWithTag, c.callId,
                    c.inviteCseq, "ACK", "", "");
            c.dialog = dialog;
        }
        // Every retransmission of the 2xx gets the same ACK again.
        sendSip(c.ack2xx, c.dialog.remoteTarget);
        c.provisional.complete(null);
    }

    /**
     * Answers a 401 with the call's account, once a call (a second 401 is final: wrong realm, replay);
     * false when the phone has no account or already answered.
     */
    private boolean answerChallenge(Call c, SipMessage unauthorized) {
        if (c.login == null || c.challengeAnswered) {
            return false;
        }
        c.challengeAnswered = true;
        try {
            SipLogin.Answer answered = c.login.answer(unauthorized.headerLines("WWW-Authenticate"), "INVITE",
                    c.requestUri);
            lastDigestAnswer = answered;
            sendInvite(c, answered.authorization());
        } catch (RuntimeException | AssertionError e) {
            c.outcome.completeExceptionally(e);
        }
        return true;
    }

    /** The ACK of a non-2xx: same branch and CSeq number as the INVITE it answers (§17.1.1.3). */
    private String ackForFailure(Call c, SipMessage response) {
        String to = response.header("To").orElse(c.to);
        return request("ACK", c.requestUri, response.topViaBranch(), c.from, to, c.callId, response.cseqNumber(),
                "ACK", "", "");
    }

    private void onRequest(SipMessage request, SocketAddress source) {
        requestsFromBridge.add(request);
        String method = request.method();
        if ("ACK".equals(method)) {
            return;
        }
        Call c = call;
        boolean inCurrentCall = c != null && c.callId.equals(request.callId());
        switch (method) {
            case "BYE" -> {
                if (!inCurrentCall) {
                    respond(request, 481, "Call/Transaction Does Not Exist", "", "", source);
                    return;
                }
                respond(request, 200, "OK", "", "", source);
                rtpSender.stopAudio();
                c.ended = true;
                c.byeFromBridge.complete(null);
            }
            case "INVITE" -> {
                // A re-INVITE (session refresh, hold): keep what was negotiated.
                SdpAnswer a = answer;
                if (!inCurrentCall || a == null) {
                    respond(request, 481, "Call/Transaction Does Not Exist", "", "", source);
                    return;
                }
                respond(request, 200, "OK", "Contact: " + contactHeader() + "\r\nContent-Type: application/sdp\r\n",
                        reInviteAnswer(a), source);
            }
            default -> respond(request, 200, "OK", "", "", source);
        }
    }

    private String reInviteAnswer(SdpAnswer a) {
        StringBuilder formats = new StringBuilder().append(a.audioPayloadType());
        a.telephoneEventPt().ifPresent(pt -> formats.append(' ').append(pt));
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\no=").append(name).append(" 1 2 IN IP4 ").append(LOCALHOST).append("\r\n")
                .append("s=-\r\nc=IN IP4 ").append(LOCALHOST).append("\r\nt=0 0\r\n")
                .append("m=audio ").append(rtpPort()).append(" RTP/AVP ").append(formats).append("\r\n")
                .append("a=rtpmap:").append(a.audioPayloadType()).append(' ').append(a.codec().encodingName())
                .append("/8000\r\n");
        a.telephoneEventPt().ifPresent(pt -> sdp.append("a=rtpmap:").append(pt).append(" telephone-event/8000\r\n"));
        return sdp.append("a=sendrecv\r\n").toString();
    }

    /** §8.2.6.2: a response copies Via (all, in order), From, To (tagged), Call-ID and CSeq of the request. */
    private void respond(SipMessage request, int status, String reason, String extraHeaders, String body,
                         SocketAddress destination) {
        StringBuilder r = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        for (Map.Entry<String, String> h : request.headers()) {
            if (h.getKey().equalsIgnoreCase("Via")) {
                r.append("Via: ").append(h.getValue()).append("\r\n");
            }
        }
        r.append("From: ").append(request.header("From").orElse("")).append("\r\n");
        String to = request.header("To").orElse("");
        if (SipMessage.parameter(to, "tag").isEmpty()) {
            Call c = call;
            to = to + ";tag=" + (c != null ? c.fromTag : randomToken());
        }
        r.append("To: ").append(to).append("\r\n");
        r.append("Call-ID: ").append(request.callId()).append("\r\n");
        r.append("CSeq: ").append(request.header("CSeq").orElse("")).append("\r\n");
        r.append(extraHeaders);
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        r.append("Content-Length: ").append(bodyBytes.length).append("\r\n\r\n").append(body);
        // Replies go back where the request came from (RFC 3581 style), which is the bridge's SIP port.
        sendSip(r.toString(), (InetSocketAddress) destination);
    }

    private String request(String method, String requestUri, String branch, String from, String to, String callId,
                           long cseq, String cseqMethod, String extraHeaders, String body) {
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        return method + " " + requestUri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + LOCALHOST + ":" + sipPort() + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: " + from + "\r\n"
                + "To: " + to + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + cseqMethod + "\r\n"
                + "User-Agent: confbridge-test-phone\r\n"
                + extraHeaders
                + "Content-Length: " + bodyBytes.length + "\r\n"
                + "\r\n"
                + body;
    }

    private String contactHeader() {
        return "<sip:" + name + "@" + LOCALHOST + ":" + sipPort() + ">";
    }

    /** Where a SIP URI's requests go: its host and port, 5060 when it names none (§19.1.2). */
    static InetSocketAddress destinationOf(String sipUri) {
        String rest = sipUri.replaceFirst("^sips?:", "");
        int at = rest.indexOf('@');
        String hostPort = rest.substring(at + 1);
        int end = hostPort.length();
        for (char stop : new char[] {';', '?', '>'}) {
            int i = hostPort.indexOf(stop);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        hostPort = hostPort.substring(0, end);
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0 && !hostPort.endsWith("]")) {
            return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        }
        return new InetSocketAddress(hostPort, 5060);
    }

    private void sendSip(String text, InetSocketAddress destination) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            sipSocket.send(new DatagramPacket(bytes, bytes.length, destination));
        } catch (IOException e) {
            if (!sipSocket.isClosed()) {
                throw new UncheckedIOException("sending SIP to " + destination, e);
            }
        }
    }

    private Call requireCall() {
        Call c = call;
        if (c == null) {
            throw new IllegalStateException(name + " has not dialled");
        }
        return c;
    }

    private static String randomToken() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    private <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": no " + what + " within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + ": interrupted waiting for " + what);
        } catch (ExecutionException e) {
            throw new AssertionError(name + ": failed " + what, e.getCause());
        }
    }

    /** Stops the streams and closes both sockets; no BYE is sent (a phone that vanishes). */
    @Override
    public void close() {
        rtpSender.close();
        scheduler.shutdownNow();
        sipSocket.close();
        rtpReceiver.close();
        try {
            sipThread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TestPhone[" + name + ", sip=" + sipPort() + ", rtp=" + rtpPort() + "]";
    }

    /** A client transaction: the request as sent, where to, and its responses. */
    private static final class ClientTransaction {
        final String text;
        final InetSocketAddress destination;
        final CompletableFuture<SipMessage> finalResponse = new CompletableFuture<>();
        volatile boolean responded;
        volatile ScheduledFuture<?> retransmit;

        ClientTransaction(String text, InetSocketAddress destination) {
            this.text = text;
            this.destination = destination;
        }
    }

    /** The phone's one call, from INVITE to BYE. */
    private static final class Call {
        final String callId;
        final String fromTag;
        final String from;
        final String to;
        final String requestUri;
        final String offer;
        /** Answers a challenge with this account; null: the call answers none. */
        final SipLogin login;
        /** The final response that ends the INVITE (a 401 that is answered does not). */
        final CompletableFuture<SipMessage> outcome = new CompletableFuture<>();
        volatile String inviteBranch;
        volatile long inviteCseq;
        volatile boolean challengeAnswered;
        final CompletableFuture<Void> provisional = new CompletableFuture<>();
        final CompletableFuture<Void> byeFromBridge = new CompletableFuture<>();
        volatile Dialog dialog;
        volatile String ack2xx;
        volatile boolean ended;

        Call(String callId, String fromTag, String from, String to, String requestUri, String offer, SipLogin login) {
            this.callId = callId;
            this.fromTag = fromTag;
            this.from = from;
            this.to = to;
            this.requestUri = requestUri;
            this.offer = offer;
            this.login = login;
        }
    }

    /** The dialog state a 2xx establishes (§12.1.2): the remote tag and the remote target. */
    private record Dialog(String toWithTag, String remoteTargetUri, InetSocketAddress remoteTarget) {
    }
}
