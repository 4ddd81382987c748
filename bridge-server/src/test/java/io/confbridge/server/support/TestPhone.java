package io.confbridge.server.support;

import io.confbridge.sip.support.OutgoingCall;
import io.confbridge.sip.support.SipLogin;
import io.confbridge.sip.support.SipMessage;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real SIP phone on 127.0.0.1 for end-to-end tests: SIP over UDP through the tests' one user agent
 * ({@link SipTestClient}, each call an {@link OutgoingCall}) and RTP with G.711 and RFC 4733 events, as a
 * softphone or a SIPp scenario would send them.
 *
 * <p>Life of a call:
 * <ol>
 *   <li>{@link #dial} places the call with an SDP offer; on 2xx the SDP answer sets up the streams.</li>
 *   <li>While the call is up, the phone records every RTP packet from the bridge and can talk: DTMF events,
 *       a tone, silence.</li>
 *   <li>{@link #hangUp} sends BYE; a BYE from the bridge is answered 200 and noted.</li>
 * </ol>
 * A phone {@linkplain #signIn signed in} to a SIP account puts its username in From and answers one
 * digest challenge (401) a call ({@link SipLogin}). Requests from the bridge are answered on the SIP
 * receive thread. One call at a time.
 */
public final class TestPhone implements AutoCloseable {
    private static final String LOCALHOST = "127.0.0.1";
    /** The address this phone's SIP and RTP use and its SDP names: 127.0.0.1, or ::1 for an IPv6 phone. */
    private final String host;
    private static final Duration FINAL_RESPONSE_WAIT = Duration.ofSeconds(15);
    private static final Duration NON_INVITE_WAIT = Duration.ofSeconds(8);

    private final String name;
    private final SipTestClient sip;
    private final DatagramSocket rtpSocket;
    private final ScheduledExecutorService scheduler;
    private final RtpReceiver rtpReceiver;
    private final RtpSender rtpSender;

    private volatile OutgoingCall call;
    private volatile SdpAnswer answer;
    private volatile String fromUser;
    private volatile SipLogin login;
    /** Behind NAT: the SIP host:port and the SDP media address this phone claims; null for its own. */
    private volatile String natSip;
    private volatile InetSocketAddress natMedia;
    /** The {@code a=ptime} of this phone's offers: the packet time it asks the bridge to send in. */
    private volatile int ptimeMs = 20;
    /** The challenge answered in an earlier call, until the current one answers one. */
    private volatile SipLogin.Answer earlierDigestAnswer;

    public TestPhone(String name, int bridgeSipPort) {
        this(name, bridgeSipPort, LOCALHOST);
    }

    /** A phone whose SIP and RTP run on {@code loopback} ("127.0.0.1" or "::1"), as the bridge's must. */
    public TestPhone(String name, int bridgeSipPort, String loopback) {
        this.name = name;
        this.fromUser = name;
        this.host = loopback;
        try {
            this.sip = LOCALHOST.equals(loopback) ? SipTestClient.udp(bridgeSipPort)
                    : SipTestClient.udp(InetAddress.getByName(loopback), bridgeSipPort);
            this.rtpSocket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(loopback), 0));
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
        sip.answerRequestsWith(this::onRequest);
    }

    public String name() {
        return name;
    }

    public int sipPort() {
        return sip.localPort();
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
        OutgoingCall previous = call;
        if (previous != null && (previous.isUp() || !previous.outcome().isDone())) {
            throw new IllegalStateException(name + " already has a call: " + previous.callId());
        }
        if (previous != null) {
            previous.digestAnswer().ifPresent(a -> earlierDigestAnswer = a);
        }
        TestDialog dialog = sip.dialog(requestUriUser).from(fromUser).displayName(name);
        if (natSip != null) {
            dialog.behindNat(natSip);
        }
        InetSocketAddress media = natMedia;
        String body = media != null
                ? offer.body(name, media.getHostString(), media.getPort(), System.currentTimeMillis(), "sendrecv", ptimeMs)
                : offer.body(name, host, rtpPort(), System.currentTimeMillis(), "sendrecv", ptimeMs);
        answer = null;
        OutgoingCall placed = OutgoingCall.place(sip, dialog, body, answeringAs, authorization, this::onAnswered);
        call = placed;
        return placed.outcome().thenApply(SipMessage::statusCode);
    }

    /**
     * From the next call on, the phone claims private addresses, as a softphone behind NAT does: {@code sipHostPort}
     * in Via and Contact, {@code sdpMedia} in its SDP offer. Its packets still come from its own sockets, so
     * the bridge can reach it only where those come from.
     */
    public void behindNat(String sipHostPort, InetSocketAddress sdpMedia) {
        this.natSip = sipHostPort;
        this.natMedia = sdpMedia;
    }

    /**
     * Dials with an INVITE without SDP (late offer, as Cisco CUCM does by default): the bridge's 2xx
     * offers, and the ACK answers with {@code answerWith}'s formats on this phone's RTP port. The phone
     * then sends and decodes the first of its formats the bridge offered.
     *
     * @return the final status code
     */
    public int dialWithoutOffer(String requestUriUser, SdpOffer answerWith) {
        OutgoingCall previous = call;
        if (previous != null && (previous.isUp() || !previous.outcome().isDone())) {
            throw new IllegalStateException(name + " already has a call: " + previous.callId());
        }
        TestDialog dialog = sip.dialog(requestUriUser).from(fromUser).displayName(name);
        answer = null;
        OutgoingCall placed = OutgoingCall.placeWithoutOffer(sip, dialog,
                ok -> answerWith.body(name, host, rtpPort(), System.currentTimeMillis()),
                ok -> onAnswered(agreedFromOffer(ok.body(), answerWith)));
        call = placed;
        return await(placed.outcome().thenApply(SipMessage::statusCode), FINAL_RESPONSE_WAIT, "final response to INVITE");
    }

    /** The bridge's offer seen through this phone's answer: the first G.711 format both listed. */
    private static SdpAnswer agreedFromOffer(String bridgeOffer, SdpOffer answerWith) {
        SdpAnswer offered = SdpAnswer.parse(bridgeOffer);
        SdpAnswer answered = SdpAnswer.parse(answerWith.body("x", LOCALHOST, 9, 1));
        return new SdpAnswer(offered.rtpAddress(), answered.codec(), answered.audioPayloadType(),
                answerWith.offersTelephoneEvent() ? offered.telephoneEventPt() : java.util.OptionalInt.empty(),
                offered.formats(), bridgeOffer);
    }

    /**
     * Sends a re-INVITE offering {@code offer}'s formats on {@code rtpPort} with {@code direction}
     * ({@code sendrecv}, {@code sendonly}, {@code inactive}); on 2xx the bridge's answer becomes what the
     * phone sends and decodes. The phone keeps listening on its own RTP port.
     *
     * @return the final response
     */
    public SipMessage reInvite(SdpOffer offer, int rtpPort, String direction) {
        String body = offer.body(name, host, rtpPort, System.currentTimeMillis(), direction, ptimeMs);
        SipMessage response = await(requireCall().reInvite(body, null), FINAL_RESPONSE_WAIT, "final response to re-INVITE");
        if (response.statusCode() >= 200 && response.statusCode() < 300) {
            onAnswered(response);
        }
        return response;
    }

    /**
     * The packet time ({@code a=ptime}, any number of ms) this phone's next offers ask the bridge to send
     * in; 20 unless set. What the phone itself sends is chosen with {@link #startTone(double, double, int)}.
     */
    public void offerPacketTime(int ptimeMs) {
        this.ptimeMs = ptimeMs;
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
        OutgoingCall c = call;
        Optional<SipLogin.Answer> current = c == null ? Optional.empty() : c.digestAnswer();
        return current.or(() -> Optional.ofNullable(earlierDigestAnswer));
    }

    /** The status of the last final response to this phone's INVITE, or -1 while there is none. */
    public int lastFinalStatus() {
        return finalInviteResponse().map(SipMessage::statusCode).orElse(-1);
    }

    /**
     * Every final response to the current call's INVITE in arrival order, retransmissions included: a 2xx
     * after a 487 would show here.
     */
    public List<Integer> inviteFinalStatuses() {
        OutgoingCall c = call;
        return c == null ? List.of() : c.finalStatuses();
    }

    /** The final response to the last INVITE, for assertions on its headers. */
    public Optional<SipMessage> finalInviteResponse() {
        OutgoingCall c = call;
        return c == null ? Optional.empty() : c.finalResponse();
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
        OutgoingCall c = call;
        return c != null && c.provisional().isDone();
    }

    /**
     * Cancels the pending INVITE: waits for a provisional response (§9.1), sends CANCEL, and waits for the
     * CANCEL's final response and the INVITE's (a 487 is ACKed by the receive thread).
     */
    public CancelOutcome cancel() {
        OutgoingCall c = requireCall();
        await(c.provisional(), NON_INVITE_WAIT, "a provisional response before CANCEL");
        int cancelStatus = await(c.cancel(), NON_INVITE_WAIT, "final response to CANCEL").statusCode();
        int inviteStatus = await(c.outcome(), FINAL_RESPONSE_WAIT, "final response to the cancelled INVITE")
                .statusCode();
        return new CancelOutcome(cancelStatus, inviteStatus);
    }

    /** What came back from a CANCEL: its own status (200 expected) and the INVITE's (487 expected). */
    public record CancelOutcome(int cancelStatus, int inviteStatus) {
    }

    /** Stops talking and sends BYE in the dialog; returns the BYE's final status. */
    public int hangUp() {
        OutgoingCall c = requireCall();
        rtpSender.stopAudio();
        return await(c.bye(), NON_INVITE_WAIT, "final response to BYE").statusCode();
    }

    /** Waits until the bridge has sent BYE for the current call (answered 200 by the receive thread). */
    public boolean awaitByeFromBridge(Duration timeout) {
        OutgoingCall c = requireCall();
        try {
            c.byeFromServer().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
        OutgoingCall c = call;
        return c != null && c.byeFromServer().isDone();
    }

    /** Sends an out-of-dialog OPTIONS (a keep-alive ping) and returns its final status. */
    public int sendOptions() {
        String options = sip.dialog("bridge").from(name).displayName(name)
                .optionsWithHeaders("Accept: application/sdp\r\n");
        return await(sip.start(options).finalResponse(), NON_INVITE_WAIT, "final response to OPTIONS").statusCode();
    }

    /** Sends a datagram of arbitrary text to the bridge's SIP port, from this phone's SIP socket. */
    public void sendRaw(String text) {
        sendRaw(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends arbitrary bytes to the bridge's SIP port, for garbage that is not even text. */
    public void sendRaw(byte[] datagram) {
        try {
            sip.sendRaw(datagram);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        return requireCall().info(format.contentType, format.body(key));
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
        try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), 0))) {
            await(rtpSender.sendDtmf(keys, other), Duration.ofSeconds(5 + keys.length()), "injecting DTMF");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends raw bytes (an RTCP packet, say) from this phone's RTP socket to the bridge's RTP address. */
    public void sendFromRtpPort(byte[] datagram) {
        try {
            rtpSocket.send(new java.net.DatagramPacket(datagram, datagram.length, answer().rtpAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Streams a sine of {@code hz} at {@code dBFS} in 20 ms G.711 packets at real-time pace. */
    public void startTone(double hz, double dBFS) {
        rtpSender.startTone(hz, dBFS);
    }

    /**
     * As {@link #startTone}, but each packet is held back a random 0 to {@code maxDelayMs} (seeded), so the
     * bridge receives the stream with jitter and some packets out of order.
     */
    public void startJitteryTone(double hz, double dBFS, int maxDelayMs, long seed) {
        rtpSender.startJitteryTone(hz, dBFS, maxDelayMs, seed);
    }

    /** Streams a sine in G.711 packets of {@code ptimeMs} (10–60 ms) at real-time pace. */
    public void startTone(double hz, double dBFS, int ptimeMs) {
        rtpSender.startTone(hz, dBFS, ptimeMs);
    }

    public void stopTone() {
        rtpSender.stopAudio();
    }

    /** Streams digital silence in 20 ms packets, as an idle phone does; establishes the RTP source. */
    public void startSilence() {
        rtpSender.startSilence();
    }

    /** RTP packets this phone sent from its own RTP port (audio and events). */
    /** The RTP payloads of the last 500 packets this phone sent, oldest first. */
    public List<byte[]> recentPayloadsSent() {
        return rtpSender.recentPayloads();
    }

    public int packetsSent() {
        return rtpSender.packetsSent();
    }

    // ---------------------------------------------------------------- SIP: the bridge's requests

    /** On the SIP receive thread: the first 2xx of the call, before {@link #dial} returns. */
    private void onAnswered(SipMessage ok) {
        onAnswered(SdpAnswer.parse(ok.body()));
    }

    private void onAnswered(SdpAnswer parsed) {
        rtpReceiver.negotiated(parsed);
        rtpSender.negotiated(parsed);
        answer = parsed;
    }

    private void onRequest(SipMessage request) {
        OutgoingCall c = call;
        boolean inCurrentCall = c != null && c.callId().equals(request.callId());
        switch (request.method()) {
            case "BYE" -> {
                if (!inCurrentCall) {
                    sip.respond(request, 481, "Call/Transaction Does Not Exist");
                    return;
                }
                rtpSender.stopAudio();
                c.answerBye(request);
            }
            case "INVITE" -> {
                // A re-INVITE (session refresh, hold): keep what was negotiated.
                SdpAnswer a = answer;
                if (!inCurrentCall || a == null) {
                    sip.respond(request, 481, "Call/Transaction Does Not Exist");
                    return;
                }
                sip.respond(request, 200, "OK", "Contact: <sip:" + name + "@" + sip.uriHost() + ":" + sipPort()
                        + ">\r\nContent-Type: application/sdp\r\n", reInviteAnswer(a));
            }
            default -> sip.respond(request, 200, "OK");
        }
    }

    private String reInviteAnswer(SdpAnswer a) {
        String addrType = host.indexOf(':') >= 0 ? "IP6" : "IP4";
        StringBuilder formats = new StringBuilder().append(a.audioPayloadType());
        a.telephoneEventPt().ifPresent(pt -> formats.append(' ').append(pt));
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\no=").append(name).append(" 1 2 IN ").append(addrType).append(' ').append(host).append("\r\n")
                .append("s=-\r\nc=IN ").append(addrType).append(' ').append(host).append("\r\nt=0 0\r\n")
                .append("m=audio ").append(rtpPort()).append(" RTP/AVP ").append(formats).append("\r\n")
                .append("a=rtpmap:").append(a.audioPayloadType()).append(' ').append(a.codec().encodingName())
                .append("/8000\r\n");
        a.telephoneEventPt().ifPresent(pt -> sdp.append("a=rtpmap:").append(pt).append(" telephone-event/8000\r\n"));
        return sdp.append("a=sendrecv\r\n").toString();
    }

    private OutgoingCall requireCall() {
        OutgoingCall c = call;
        if (c == null) {
            throw new IllegalStateException(name + " has not dialled");
        }
        return c;
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
        sip.close();
        rtpReceiver.close();
    }

    @Override
    public String toString() {
        return "TestPhone[" + name + ", sip=" + sipPort() + ", rtp=" + rtpPort() + "]";
    }
}
