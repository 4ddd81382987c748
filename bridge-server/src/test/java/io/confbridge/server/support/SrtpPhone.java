package io.confbridge.server.support;

import io.confbridge.rtp.SrtcpContext;
import io.confbridge.rtp.SrtpContext;
import io.confbridge.sip.support.SipMessage;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A phone that calls over SIP/TLS with SDES keys (RFC 4568) and speaks SRTP/SRTCP with the bridge's own
 * transform ({@link SrtpContext}, checked against RFC 3711's vectors), RTCP multiplexed on the RTP port:
 * it keeps every packet the bridge sends as it came off the wire and decrypted, and types keys as
 * RFC 4733 events in SRTP. For the SRTP end-to-end test and the SRTP lobby bench.
 */
public final class SrtpPhone implements AutoCloseable {
    private static final int TELEPHONE_EVENT_PT = 101;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One packet from the bridge: the bytes as received, and decrypted (null when it did not authenticate). */
    public record Received(byte[] wire, byte[] plain) {
    }

    private final SipTestClient sip;
    private final DatagramSocket rtp;
    private final byte[] keyAndSalt = new byte[30];
    private final SrtpContext.Suite suite;
    private volatile SrtpContext sending;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "srtp-phone");
        t.setDaemon(true);
        return t;
    });
    private final Thread receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger srtcpAuthenticated = new AtomicInteger();
    private final AtomicInteger srtcpRejected = new AtomicInteger();
    private volatile boolean closed;
    private volatile SrtpContext bridgeRtp;
    private volatile SrtcpContext bridgeRtcp;
    private volatile InetSocketAddress bridgeMedia;
    private TestDialog dialog;
    private SipMessage answer;
    private final int ssrc = RANDOM.nextInt();
    private int sequence = RANDOM.nextInt(1 << 15);
    private final long timestampBase = RANDOM.nextInt() & 0xFFFF_FFFFL;
    private final long epochNs = System.nanoTime();

    /** Connects to the bridge's TLS port, trusting the self-signed certificate in its data directory. */
    public SrtpPhone(RunningBridge bridge, SrtpContext.Suite suite) throws Exception {
        this(Integer.parseInt(bridge.overrides().get("sip.tlsPort")), bridge.dataDir().resolve("sip-tls-certificate.pem"),
                suite);
    }

    public SrtpPhone(int tlsPort, Path certificatePem, SrtpContext.Suite suite) throws Exception {
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(certificatePem)) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        this.suite = suite;
        this.sip = SipTestClient.tls(tlsPort, certificate);
        this.rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        rtp.setSoTimeout(200);
        RANDOM.nextBytes(keyAndSalt);
        this.sending = new SrtpContext(suite, Arrays.copyOf(keyAndSalt, 16), Arrays.copyOfRange(keyAndSalt, 16, 30));
        this.receiver = new Thread(this::receive, "srtp-phone-rx");
        receiver.setDaemon(true);
        receiver.start();
    }

    /** The {@code a=ptime} of the offer, 0 for none. */
    private volatile int ptimeMs;

    /** From the next offer on, asks for packets of {@code ms} ({@code a=ptime}); 0 for no such line. */
    public void offerPacketTime(int ms) {
        this.ptimeMs = ms;
    }

    /** The offer: RTP/SAVP, PCMU and telephone-event, rtcp-mux, our key under tag 1 (and the ptime asked for). */
    public String offer() {
        List<String> lines = new ArrayList<>(List.of("v=0", "o=srtpphone 1 1 IN IP4 127.0.0.1",
                "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
                "m=audio " + rtp.getLocalPort() + " RTP/SAVP 0 101", "a=rtpmap:0 PCMU/8000",
                "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=rtcp-mux", "a=sendrecv",
                "a=crypto:1 " + suite + " inline:" + Base64.getEncoder().encodeToString(keyAndSalt)));
        if (ptimeMs > 0) {
            lines.add("a=ptime:" + ptimeMs);
        }
        return String.join("\r\n", lines) + "\r\n";
    }

    /** INVITE over TLS with {@link #offer()}; on a 200 OK, reads the bridge's key and ACKs. The final status. */
    public int dial(String user) throws Exception {
        dialog = sip.dialog(user);
        sip.send(dialog.invite(offer()));
        SipMessage last = sip.await("final response to INVITE", m -> m.isResponse() && m.statusCode() >= 200
                && "INVITE".equals(m.cseqMethod()) && dialog.callId().equals(m.callId()));
        if (last.statusCode() != 200) {
            sip.send(dialog.ack(last));
            return last.statusCode();
        }
        answer = last;
        keysFromAnswer();
        String[] m = line("m=audio").split(" ");
        String c = line("c=IN").split(" ")[2];
        bridgeMedia = new InetSocketAddress(c, Integer.parseInt(m[1]));
        sip.send(dialog.ack(last));
        return 200;
    }

    /**
     * A re-INVITE with a new key of ours (RFC 4568 §7.1.4 rekeying): from its 200 OK on, packets go out
     * under the new key and the bridge's are read under the key its answer gives. The final status.
     */
    public int rekey() throws Exception {
        RANDOM.nextBytes(keyAndSalt);
        sip.send(dialog.reInvite(offer()));
        SipMessage last = sip.await("final response to re-INVITE", m -> m.isResponse() && m.statusCode() >= 200
                && "INVITE".equals(m.cseqMethod()) && dialog.callId().equals(m.callId()) && m != answer);
        sip.send(dialog.ack(last));
        if (last.statusCode() == 200) {
            sending = new SrtpContext(suite, Arrays.copyOf(keyAndSalt, 16), Arrays.copyOfRange(keyAndSalt, 16, 30));
            answer = last;
            keysFromAnswer();
        }
        return last.statusCode();
    }

    private void keysFromAnswer() {
        String crypto = line("a=crypto:");
        String[] fields = crypto.substring("a=crypto:".length()).trim().split("\\s+");
        byte[] bridgeKey = Base64.getDecoder().decode(fields[2].substring("inline:".length()).split("\\|")[0]);
        SrtpContext.Suite answered = SrtpContext.Suite.valueOf(fields[1]);
        bridgeRtcp = new SrtcpContext(Arrays.copyOf(bridgeKey, 16), Arrays.copyOfRange(bridgeKey, 16, 30));
        bridgeRtp = new SrtpContext(answered, Arrays.copyOf(bridgeKey, 16), Arrays.copyOfRange(bridgeKey, 16, 30));
    }

    /** The first line of the 200 OK's SDP starting with {@code prefix}. */
    public String line(String prefix) {
        return answer.bodyLines().stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " in\n" + answer.body()));
    }

    public SipMessage answer() {
        return answer;
    }

    public int hangUp() throws Exception {
        sip.send(dialog.bye());
        return sip.awaitResponse(200, "BYE", dialog.callId()).statusCode();
    }

    /** Types {@code keys} as RFC 4733 events in SRTP (three updates, three ends per key); done after the last. */
    public CompletableFuture<Void> sendDtmf(String keys) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        int perKey = 6;
        long keyPeriodMs = 220;
        AtomicInteger remaining = new AtomicInteger(keys.length() * perKey);
        for (int k = 0; k < keys.length(); k++) {
            char key = keys.charAt(k);
            int event = key == '*' ? 10 : key == '#' ? 11 : key - '0';
            long keyTimestamp = timestampBase + k * keyPeriodMs * 8;
            for (int p = 0; p < perKey; p++) {
                boolean end = p >= 3;
                int duration = 160 * (Math.min(p, 3) + 1);
                boolean marker = p == 0;
                byte[] payload = {(byte) event, (byte) ((end ? 0x80 : 0) | 10), (byte) (duration >> 8), (byte) duration};
                scheduler.schedule(() -> {
                    try {
                        send(TELEPHONE_EVENT_PT, marker, keyTimestamp, payload);
                    } catch (Exception e) {
                        done.completeExceptionally(e);
                        return;
                    }
                    if (remaining.decrementAndGet() == 0) {
                        done.complete(null);
                    }
                }, k * keyPeriodMs + p * 20L, TimeUnit.MILLISECONDS);
            }
        }
        return done;
    }

    /** Sends one 20 ms PCMU frame of silence in SRTP (keeps the stream alive, as a muted phone does). */
    public void sendSilence() throws Exception {
        byte[] frame = new byte[160];
        Arrays.fill(frame, (byte) 0xFF);
        send(0, false, timestampBase + (System.nanoTime() - epochNs) / 125_000L, frame);
    }

    private synchronized void send(int payloadType, boolean marker, long timestamp, byte[] payload) throws Exception {
        byte[] packet = new byte[12 + payload.length + 10];
        int seq = sequence++ & 0xFFFF;
        packet[0] = (byte) 0x80;
        packet[1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        packet[2] = (byte) (seq >>> 8);
        packet[3] = (byte) seq;
        for (int i = 0; i < 4; i++) {
            packet[4 + i] = (byte) (timestamp >>> (24 - 8 * i));
            packet[8 + i] = (byte) (ssrc >>> (24 - 8 * i));
        }
        System.arraycopy(payload, 0, packet, 12, payload.length);
        int length = sending.protect(packet, 0, 12 + payload.length);
        rtp.send(new DatagramPacket(packet, length, bridgeMedia));
    }

    private void receive() {
        byte[] buffer = new byte[2048];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                rtp.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (Exception e) {
                return;
            }
            byte[] wire = Arrays.copyOf(packet.getData(), packet.getLength());
            int second = wire.length > 1 ? wire[1] & 0xFF : 0;
            SrtpContext keyRtp = bridgeRtp;
            if (keyRtp == null) {
                received.add(new Received(wire, null));
            } else if (second >= 192 && second <= 223) {
                if (bridgeRtcp.unprotect(wire.clone(), 0, wire.length) >= 0) {
                    srtcpAuthenticated.incrementAndGet();
                } else {
                    srtcpRejected.incrementAndGet();
                }
            } else {
                byte[] plain = wire.clone();
                int length = keyRtp.unprotect(plain, 0, plain.length);
                received.add(new Received(wire, length < 0 ? null : Arrays.copyOf(plain, length)));
            }
        }
    }

    /** RTP packets from the bridge so far. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** SRTCP reports from the bridge that authenticated with its key. */
    public int srtcpAuthenticated() {
        return srtcpAuthenticated.get();
    }

    public int srtcpRejected() {
        return srtcpRejected.get();
    }

    @Override
    public void close() throws Exception {
        closed = true;
        scheduler.shutdownNow();
        rtp.close();
        try {
            receiver.join(2000);
        } finally {
            sip.close();
        }
    }
}
