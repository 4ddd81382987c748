package io.confbridge.sip.support;

import org.awaitility.core.ConditionTimeoutException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;


/**
 * The one SIP user agent of the tests, on 127.0.0.1 over UDP or TCP: the socket, and what comes back on
 * it. Used two ways:
 * <ul>
 *   <li>raw: a test {@link #send sends} requests written as strings ({@link TestDialog}) and
 *       {@link #await awaits} the messages that come back, or checks that one never came;</li>
 *   <li>as a phone's transaction layer: a request {@link #start started} as a {@link ClientTransaction}
 *       is retransmitted over UDP on Timers A/E and gets its responses by top Via branch and CSeq method,
 *       and requests from the server go to {@link #answerRequestsWith an answerer} instead of the inbox.</li>
 * </ul>
 * Whatever matches neither lands in the inbox. Everything received is kept for {@link #everReceived}.
 */
public final class SipTestClient implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** RFC 3261 §17.1.1.1 T1 and the transaction timeout 64·T1 (Timers B and F). */
    private static final long T1_MS = 500;
    private static final long TRANSACTION_TIMEOUT_MS = 64 * T1_MS;

    private final int serverPort;
    private final InetSocketAddress server;
    /** The loopback address both ends use: 127.0.0.1, or ::1 for an IPv6 client. */
    private final InetAddress host;
    private final String transport;
    private final DatagramSocket udp;
    private final Socket tcp;
    private final List<SipMessage> inbox = new ArrayList<>();
    private final List<SipMessage> everything = new ArrayList<>();
    private final Map<String, ClientTransaction> transactions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers;
    private final Thread reader;
    private volatile Consumer<SipMessage> answerer;
    private volatile boolean closed;

    private SipTestClient(int serverPort, DatagramSocket udp, Socket tcp) {
        this(InetAddress.getLoopbackAddress(), serverPort, udp, tcp);
    }

    private SipTestClient(InetAddress host, int serverPort, DatagramSocket udp, Socket tcp) {
        this.serverPort = serverPort;
        this.host = host;
        this.server = new InetSocketAddress(host, serverPort);
        this.udp = udp;
        this.tcp = tcp;
        this.transport = udp != null ? "UDP" : tcp instanceof SSLSocket ? "TLS" : "TCP";
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sip-test-client-timer");
            t.setDaemon(true);
            return t;
        });
        this.reader = new Thread(udp != null ? this::readUdp : this::readTcp, "sip-test-client-" + transport);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    public static SipTestClient udp(int serverPort) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(200);
        return new SipTestClient(serverPort, socket, null);
    }

    /**
     * A UDP client on {@code loopback} (127.0.0.1 or ::1) talking to a server on the same address:
     * its messages name that address ({@code [::1]} in URIs and Via).
     */
    public static SipTestClient udp(InetAddress loopback, int serverPort) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(loopback, 0));
        socket.setSoTimeout(200);
        return new SipTestClient(loopback, serverPort, socket, null);
    }

    /**
     * A UDP client whose packets come from {@code localAddress} (another loopback address, such as
     * 127.0.0.2), talking to a server on 127.0.0.1: a second "source" for per-source limits. Its messages
     * still name 127.0.0.1; with {@code rport} the answers come back to where it really is.
     */
    public static SipTestClient udpFrom(InetAddress localAddress, int serverPort) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(localAddress, 0));
        socket.setSoTimeout(200);
        return new SipTestClient(serverPort, socket, null);
    }

    public static SipTestClient tcp(int serverPort) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort), 5000);
        socket.setSoTimeout(200);
        return new SipTestClient(serverPort, null, socket);
    }

    /**
     * A TLS client trusting only {@code trusted} (the bridge's certificate), checking that it names
     * 127.0.0.1, with the protocols and cipher suites given (null: the JVM's defaults); the handshake is
     * done before this returns.
     */
    public static SipTestClient tls(int serverPort, X509Certificate trusted, String[] protocols, String[] suites)
            throws IOException, GeneralSecurityException {
        Socket plain = new Socket();
        SSLSocket socket;
        try {
            plain.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort), 5000);
            // Layered with the literal as peer host: the certificate is checked against 127.0.0.1, not
            // against the loopback address's name (localhost).
            socket = (SSLSocket) trustingOnly(trusted).getSocketFactory().createSocket(plain, "127.0.0.1", serverPort, true);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            plain.close();
            throw e;
        }
        try {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (protocols != null) {
                parameters.setProtocols(protocols);
            }
            if (suites != null) {
                parameters.setCipherSuites(suites);
            }
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(5000);
            socket.startHandshake();
            socket.setSoTimeout(200);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return new SipTestClient(serverPort, null, socket);
    }

    public static SipTestClient tls(int serverPort, X509Certificate trusted) throws IOException, GeneralSecurityException {
        return tls(serverPort, trusted, null, null);
    }

    /** An SSL context whose only trust anchor is {@code trusted}. */
    public static SSLContext trustingOnly(X509Certificate trusted) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("bridge", trusted);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** The TLS session of a {@link #tls} client. */
    public SSLSession tlsSession() {
        return ((SSLSocket) tcp).getSession();
    }

    public TestDialog dialog(String requestUser) {
        return new TestDialog(this, requestUser);
    }

    public int serverPort() {
        return serverPort;
    }

    /** Where out-of-dialog requests go. */
    public InetSocketAddress server() {
        return server;
    }

    /** This client's address as written in SIP URIs and Via: {@code 127.0.0.1} or {@code [::1]}. */
    public String uriHost() {
        String literal = host.getHostAddress();
        return literal.indexOf(':') >= 0 ? "[" + (host.isLoopbackAddress() ? "::1" : literal) + "]" : literal;
    }

    public String transport() {
        return transport;
    }

    public int localPort() {
        return udp != null ? udp.getLocalPort() : tcp.getLocalPort();
    }

    public void send(String message) throws IOException {
        sendRaw(message.getBytes(StandardCharsets.UTF_8));
    }

    public void sendRaw(byte[] bytes) throws IOException {
        sendRaw(bytes, server);
    }

    /**
     * Sends {@code message} to {@code destination}, a dialog's remote target; over TCP it goes down the
     * one connection whatever the destination.
     */
    public void send(String message, InetSocketAddress destination) {
        try {
            sendRaw(message.getBytes(StandardCharsets.UTF_8), destination);
        } catch (IOException e) {
            if (!closed) {
                throw new UncheckedIOException("sending SIP to " + destination, e);
            }
        }
    }

    private void sendRaw(byte[] bytes, InetSocketAddress destination) throws IOException {
        if (udp != null) {
            udp.send(new DatagramPacket(bytes, bytes.length, destination));
        } else {
            OutputStream out = tcp.getOutputStream();
            out.write(bytes);
            out.flush();
        }
    }

    /**
     * Sends {@code request} in a new client transaction: its responses, each copy, go to
     * {@code onResponse} on the receive thread and not to the inbox; over UDP it is sent again on Timers
     * A/E (§17.1.1.2, §17.1.2.2) until a response comes.
     */
    public ClientTransaction start(String request, InetSocketAddress destination, Consumer<SipMessage> onResponse) {
        SipMessage sent = SipMessage.parse(request);
        ClientTransaction tx = new ClientTransaction(request, destination, onResponse);
        // Registered before sending: the response may come back before send returns.
        transactions.put(key(sent.topViaBranch(), sent.method()), tx);
        send(request, destination);
        if (udp != null) {
            scheduleRetransmit(tx, T1_MS, 0);
        }
        return tx;
    }

    /** {@link #start(String, InetSocketAddress, Consumer)} to the server, for the final response alone. */
    public ClientTransaction start(String request) {
        return start(request, server, response -> { });
    }

    /**
     * From now on requests from the server (other than ACK, which is never answered) go to
     * {@code answerer} on the receive thread, which answers them with {@link #respond}; none lands in the
     * inbox.
     */
    public void answerRequestsWith(Consumer<SipMessage> answerer) {
        this.answerer = answerer;
    }

    /** Waits for a message matching {@code what} and takes it out of the inbox. */
    public SipMessage await(String description, Predicate<SipMessage> what) {
        SipMessage[] found = new SipMessage[1];
        try {
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> (found[0] = take(what)) != null);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no " + description + " arrived; received so far:\n" + everything(), e);
        }
        return found[0];
    }

    public SipMessage awaitResponse(int status, String method) {
        return await(status + " to " + method, m -> m.isResponse() && m.statusCode() == status && m.method().equals(method));
    }

    public SipMessage awaitResponse(int status, String method, String callId) {
        return await(status + " to " + method, m -> m.isResponse() && m.statusCode() == status
                && m.method().equals(method) && callId.equals(m.callId()));
    }

    public SipMessage awaitRequest(String method) {
        return await(method, m -> !m.isResponse() && m.method().equals(method));
    }

    /** Whether any message so far (taken or not) matches. */
    public boolean everReceived(Predicate<SipMessage> what) {
        synchronized (inbox) {
            return everything.stream().anyMatch(what);
        }
    }

    /** Answers a request from the bridge (its BYE) with {@code status}, echoing the dialog headers. */
    public void respond(SipMessage request, int status, String reason) {
        respond(request, status, reason, "", "");
    }

    /**
     * Answers a request from the server, §8.2.6.2: Via (all, in order), From, To, Call-ID and CSeq copied,
     * a To tag added if the request had none; {@code extraHeaders} are whole lines with CRLF.
     */
    public void respond(SipMessage request, int status, String reason, String extraHeaders, String body) {
        StringBuilder sb = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        for (String via : request.headerLines("Via")) {
            sb.append("Via: ").append(via).append("\r\n");
        }
        sb.append("From: ").append(request.header("From").orElse("")).append("\r\n");
        String to = request.header("To").orElse("");
        if (SipMessage.parameter(to, "tag").isEmpty()) {
            to = to + ";tag=" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        }
        sb.append("To: ").append(to).append("\r\n");
        sb.append("Call-ID: ").append(request.callId()).append("\r\n");
        sb.append("CSeq: ").append(request.header("CSeq").orElse("")).append("\r\n");
        sb.append(extraHeaders);
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        sb.append("Content-Length: ").append(content.length).append("\r\n\r\n").append(body);
        // The server sends from the port it listens on, so the reply goes there (RFC 3581 style).
        send(sb.toString(), server);
    }

    private static String key(String branch, String method) {
        return branch + " " + method;
    }

    private void scheduleRetransmit(ClientTransaction tx, long intervalMs, long elapsedMs) {
        if (elapsedMs + intervalMs >= TRANSACTION_TIMEOUT_MS || closed) {
            return;
        }
        tx.retransmit = timers.schedule(() -> {
            if (tx.responded || closed) {
                return;
            }
            send(tx.text, tx.destination);
            // §17.1.2.2 Timer E doubles up to T2 (4 s); for INVITE Timer A doubles without a cap.
            scheduleRetransmit(tx, Math.min(intervalMs * 2, 8 * T1_MS), elapsedMs + intervalMs);
        }, intervalMs, TimeUnit.MILLISECONDS);
    }

    private SipMessage take(Predicate<SipMessage> what) {
        synchronized (inbox) {
            for (int i = 0; i < inbox.size(); i++) {
                if (what.test(inbox.get(i))) {
                    return inbox.remove(i);
                }
            }
            return null;
        }
    }

    private String everything() {
        synchronized (inbox) {
            StringBuilder sb = new StringBuilder();
            for (SipMessage m : everything) {
                sb.append("---\n").append(m.startLine()).append(" / CSeq ").append(m.header("CSeq").orElse(null)).append('\n');
            }
            return sb.toString();
        }
    }

    private void deliver(String text) {
        SipMessage message;
        try {
            message = SipMessage.parse(text);
        } catch (RuntimeException e) {
            // Not SIP: a test UA must survive whatever the server sends; the test sees the effect.
            return;
        }
        synchronized (inbox) {
            everything.add(message);
        }
        ClientTransaction tx = message.isResponse()
                ? transactions.get(key(message.topViaBranch(), message.method())) : null;
        Consumer<SipMessage> answering = message.isResponse() ? null : answerer;
        try {
            if (tx != null) {
                tx.receive(message);
            } else if (answering != null) {
                if (!"ACK".equals(message.method())) {
                    answering.accept(message);
                }
            } else {
                synchronized (inbox) {
                    inbox.add(message);
                }
            }
        } catch (RuntimeException | AssertionError e) {
            // Same: a failing listener must not kill the receive thread.
        }
    }

    private void readUdp() {
        byte[] buffer = new byte[65536];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            if (!text.isBlank()) {
                deliver(text);
            }
        }
    }

    /** Frames SIP over TCP by the blank line after the headers and Content-Length (RFC 3261 §18.3). */
    private void readTcp() {
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            InputStream in = tcp.getInputStream();
            while (!closed) {
                int n;
                try {
                    n = in.read(chunk);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (n < 0) {
                    return;
                }
                pending.write(chunk, 0, n);
                String text = pending.toString(StandardCharsets.UTF_8);
                while (true) {
                    text = text.stripLeading();
                    int headEnd = text.indexOf("\r\n\r\n");
                    if (headEnd < 0) {
                        break;
                    }
                    SipMessage head = SipMessage.parse(text.substring(0, headEnd + 4));
                    String lengthHeader = head.header("Content-Length").orElse(null);
                    int length = lengthHeader == null ? 0 : Integer.parseInt(lengthHeader.trim());
                    if (text.length() < headEnd + 4 + length) {
                        break;
                    }
                    deliver(text.substring(0, headEnd + 4 + length));
                    text = text.substring(headEnd + 4 + length);
                }
                pending.reset();
                pending.write(text.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // Socket closed.
        }
    }

    @Override
    public void close() {
        closed = true;
        timers.shutdownNow();
        if (udp != null) {
            udp.close();
        } else {
            try {
                tcp.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
