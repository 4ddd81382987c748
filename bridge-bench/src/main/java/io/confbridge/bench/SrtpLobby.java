package io.confbridge.bench;

import io.confbridge.rtp.SrtpContext;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SRTP lobby point of the benchmark (SIPp speaks no SRTP): holds N silent callers in a meeting's lobby,
 * all signalled over one SIP/TLS connection, each with its own UDP media socket, either with SDES keys
 * (RTP/SAVP, {@code --mode srtp}) or without ({@code --mode plain}, RTP/AVP over the same TLS), and
 * measures the bridge process's CPU over a steady window from {@code /proc/<pid>/stat}.
 *
 * <pre>
 * java -cp bridge-bench/target/bridge-bench-*.jar io.confbridge.bench.SrtpLobby \
 *      --tls-port 15061 --cert DATA/sip-tls-certificate.pem --conference ID --bridge-pid PID \
 *      --callers 1000 --mode srtp [--rate 200] [--settle 10] [--window 20]
 * </pre>
 * Prints one line: {@code RESULT mode=srtp callers=1000 answered=1000 cpu_core_pct=.. us_per_caller_s=..
 * pkts_per_s=.. auth_fail_sampled=..}. Packets are counted on every socket; one packet in 50 of each
 * caller is authenticated and decrypted (SRTP) so the client does not starve the bridge of CPU.
 */
public final class SrtpLobby {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int SAMPLE_EVERY = 50;

    private final Map<String, Caller> callers = new ConcurrentHashMap<>();
    private final AtomicLong packets = new AtomicLong();
    private final AtomicLong authFailures = new AtomicLong();
    private final AtomicLong verified = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private CountDownLatch byes;
    private OutputStream out;
    private final String mode;
    private final int tlsPort;
    private final String localHost = "127.0.0.1";
    private int localPort;

    private final class Caller {
        final String callId = "srtp-lobby-" + Long.toHexString(RANDOM.nextLong());
        final String fromTag = Long.toHexString(RANDOM.nextLong());
        final DatagramChannel media;
        final byte[] keyAndSalt = new byte[30];
        volatile String toTag;
        volatile SrtpContext bridgeKey;
        long received;

        Caller() throws IOException {
            media = DatagramChannel.open();
            media.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            media.configureBlocking(false);
            RANDOM.nextBytes(keyAndSalt);
        }

        int port() throws IOException {
            return ((InetSocketAddress) media.getLocalAddress()).getPort();
        }
    }

    private SrtpLobby(String mode, int tlsPort) {
        this.mode = mode;
        this.tlsPort = tlsPort;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String mode = opt.getOrDefault("mode", "srtp");
        if (!mode.equals("srtp") && !mode.equals("plain")) {
            throw new IllegalArgumentException("--mode srtp|plain");
        }
        SrtpLobby bench = new SrtpLobby(mode, Integer.parseInt(opt.get("tls-port")));
        bench.run(Path.of(opt.get("cert")), opt.get("conference"), Integer.parseInt(opt.get("callers")),
                Integer.parseInt(opt.getOrDefault("rate", "200")), Integer.parseInt(opt.getOrDefault("settle", "10")),
                Integer.parseInt(opt.getOrDefault("window", "20")), Long.parseLong(opt.getOrDefault("bridge-pid", "0")));
    }

    private void run(Path cert, String conference, int n, int rate, int settleS, int windowS, long bridgePid)
            throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("bridge", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", tlsPort);
             Selector selector = Selector.open()) {
            socket.startHandshake();
            localPort = socket.getLocalPort();
            out = socket.getOutputStream();
            Thread reader = new Thread(() -> readSip(socket), "sip-reader");
            reader.setDaemon(true);
            reader.start();
            List<Caller> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Caller c = new Caller();
                all.add(c);
                callers.put(c.callId, c);
                c.media.register(selector, SelectionKey.OP_READ, c);
            }
            Thread rx = new Thread(() -> receive(selector), "media-rx");
            rx.setDaemon(true);
            rx.start();
            long startNs = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long due = startNs + i * 1_000_000_000L / rate;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait(); // pacing the INVITEs of a load tool, not a test
                }
                invite(all.get(i), conference);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (answered.get() + refused.get() < n && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
            TimeUnit.SECONDS.sleep(settleS);
            long p0 = packets.get();
            long c0 = cpuTicks(bridgePid);
            long t0 = System.nanoTime();
            TimeUnit.SECONDS.sleep(windowS);
            long c1 = cpuTicks(bridgePid);
            long p1 = packets.get();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuSeconds = (c1 - c0) / 100.0; // USER_HZ
            double corePct = 100 * cpuSeconds / seconds;
            long held = answered.get();
            System.out.printf(Locale.ROOT, "RESULT mode=%s callers=%d answered=%d refused=%d cpu_core_pct=%.1f "
                            + "us_per_caller_s=%.1f pkts_per_s=%.0f verified=%d auth_fail_sampled=%d%n",
                    mode, n, held, refused.get(), corePct, held == 0 ? 0 : cpuSeconds * 1e6 / seconds / held,
                    (p1 - p0) / seconds, verified.get(), authFailures.get());
            byes = new CountDownLatch((int) held);
            for (Caller c : all) {
                if (c.toTag != null) {
                    send(request("BYE", c, 2, null));
                }
            }
            byes.await(30, TimeUnit.SECONDS);
            for (Caller c : all) {
                c.media.close();
            }
        }
    }

    private static long cpuTicks(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
        } catch (IOException e) {
            return 0;
        }
    }

    private void invite(Caller c, String conference) throws IOException {
        StringBuilder sdp = new StringBuilder();
        for (String l : new String[] {"v=0", "o=bench 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
                "m=audio " + c.port() + (mode.equals("srtp") ? " RTP/SAVP" : " RTP/AVP") + " 0 101",
                "a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=rtcp-mux",
                "a=sendrecv"}) {
            sdp.append(l).append("\r\n");
        }
        if (mode.equals("srtp")) {
            sdp.append("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:")
                    .append(Base64.getEncoder().encodeToString(c.keyAndSalt)).append("\r\n");
        }
        send(request("INVITE", c, 1, sdp.toString()).replace("sip:bridge@", "sip:" + conference + "@"));
    }

    private String request(String method, Caller c, int cseq, String body) {
        String uri = "sip:bridge@127.0.0.1:" + tlsPort + ";transport=tls";
        StringBuilder m = new StringBuilder();
        m.append(method).append(' ').append(uri).append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/TLS ").append(localHost).append(':').append(localPort)
                .append(";branch=z9hG4bK").append(Long.toHexString(RANDOM.nextLong())).append(";rport\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("From: <sip:bench@127.0.0.1>;tag=").append(c.fromTag).append("\r\n")
                .append("To: <").append(uri).append('>').append(c.toTag == null ? "" : ";tag=" + c.toTag).append("\r\n")
                .append("Call-ID: ").append(c.callId).append("\r\n")
                .append("CSeq: ").append(cseq).append(' ').append(method).append("\r\n")
                .append("Contact: <sip:bench@").append(localHost).append(':').append(localPort).append(";transport=tls>\r\n");
        if (body != null) {
            m.append("Content-Type: application/sdp\r\n");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        m.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
        if (body != null) {
            m.append(body);
        }
        return m.toString();
    }

    private synchronized void send(String message) {
        try {
            out.write(message.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("SIP/TLS write failed", e);
        }
    }

    private void readSip(SSLSocket socket) {
        try (InputStream in = new BufferedInputStream(socket.getInputStream())) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                int length = Integer.parseInt(header(head, "Content-Length", "l").orElse("0").trim());
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                onMessage(head, body);
            }
        } catch (IOException | RuntimeException e) {
            if (byes == null) {
                System.err.println("SIP reader: " + e);
            }
        }
    }

    private void onMessage(String head, String body) {
        String callId = header(head, "Call-ID", "i").orElse("").trim();
        Caller c = callers.get(callId);
        if (!head.startsWith("SIP/2.0")) {
            // OPTIONS keepalives and the like: 200, copying the dialog headers.
            StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\r\n");
            for (String line : head.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("via:") || lower.startsWith("v:") || lower.startsWith("from:") || lower.startsWith("f:")
                        || lower.startsWith("to:") || lower.startsWith("t:") || lower.startsWith("call-id:")
                        || lower.startsWith("i:") || lower.startsWith("cseq:")) {
                    ok.append(line).append("\r\n");
                }
            }
            send(ok.append("Content-Length: 0\r\n\r\n").toString());
            return;
        }
        int status = Integer.parseInt(head.substring(8, 11));
        String cseq = header(head, "CSeq", null).orElse("");
        if (c == null || status < 200) {
            return;
        }
        if (cseq.contains("BYE")) {
            byes.countDown();
            return;
        }
        String to = header(head, "To", "t").orElse("");
        int tag = to.indexOf("tag=");
        if (status >= 300) {
            refused.incrementAndGet();
            c.toTag = tag < 0 ? "x" : to.substring(tag + 4).split("[;>\\s]")[0];
            send(request("ACK", c, 1, null));
            c.toTag = null;
            return;
        }
        if (c.toTag != null) {
            send(request("ACK", c, 1, null)); // a retransmitted 200: our ACK crossed it
            return;
        }
        c.toTag = to.substring(tag + 4).split("[;>\\s]")[0];
        for (String line : body.split("\r?\n")) {
            if (line.startsWith("a=crypto:")) {
                String[] fields = line.substring(9).trim().split("\\s+");
                byte[] key = Base64.getDecoder().decode(fields[2].substring(7).split("\\|")[0]);
                c.bridgeKey = new SrtpContext(SrtpContext.Suite.valueOf(fields[1]), Arrays.copyOf(key, 16),
                        Arrays.copyOfRange(key, 16, 30));
            }
        }
        send(request("ACK", c, 1, null));
        answered.incrementAndGet();
    }

    private void receive(Selector selector) {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        byte[] copy = new byte[2048];
        try {
            while (selector.isOpen()) {
                selector.select(200);
                for (SelectionKey key : selector.selectedKeys()) {
                    Caller c = (Caller) key.attachment();
                    while (true) {
                        buffer.clear();
                        if (c.media.receive(buffer) == null) {
                            break;
                        }
                        packets.incrementAndGet();
                        SrtpContext bridgeKey = c.bridgeKey;
                        int second = buffer.position() > 1 ? buffer.get(1) & 0xFF : 0;
                        if (bridgeKey != null && (second < 192 || second > 223) && c.received++ % SAMPLE_EVERY == 0) {
                            int n = buffer.position();
                            buffer.flip();
                            buffer.get(copy, 0, n);
                            // Sampled packets only move forward, so the replay window lets each through.
                            if (bridgeKey.unprotect(copy, 0, n) == SrtpContext.AUTH_FAILED) {
                                authFailures.incrementAndGet();
                            } else {
                                verified.incrementAndGet();
                            }
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            // closed at the end
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (head.size() == 0 && (b == '\r' || b == '\n')) {
                continue; // keepalive CRLFs
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.UTF_8);
    }

    private static java.util.Optional<String> header(String head, String name, String compact) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String n = line.substring(0, colon).trim();
                if (n.equalsIgnoreCase(name) || (compact != null && n.equalsIgnoreCase(compact))) {
                    return java.util.Optional.of(line.substring(colon + 1).trim());
                }
            }
        }
        return java.util.Optional.empty();
    }
}
