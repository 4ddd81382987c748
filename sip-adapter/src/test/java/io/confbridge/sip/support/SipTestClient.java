package io.confbridge.sip.support;

import org.awaitility.core.ConditionTimeoutException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;


/**
 * A raw-text SIP user agent for tests: sends requests written as strings over UDP or TCP to
 * 127.0.0.1 and collects everything that comes back, so tests can wait for one message and check
 * that another never came.
 */
public final class SipTestClient implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final int serverPort;
    private final String transport;
    private final DatagramSocket udp;
    private final Socket tcp;
    private final List<SipMessage> inbox = new ArrayList<>();
    private final List<SipMessage> everything = new ArrayList<>();
    private final Thread reader;
    private volatile boolean closed;

    private SipTestClient(int serverPort, DatagramSocket udp, Socket tcp) {
        this.serverPort = serverPort;
        this.udp = udp;
        this.tcp = tcp;
        this.transport = udp != null ? "UDP" : "TCP";
        this.reader = new Thread(udp != null ? this::readUdp : this::readTcp, "sip-test-client-" + transport);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    public static SipTestClient udp(int serverPort) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
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

    public TestDialog dialog(String requestUser) {
        return new TestDialog(this, requestUser);
    }

    public int serverPort() {
        return serverPort;
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
        if (udp != null) {
            udp.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), serverPort));
        } else {
            OutputStream out = tcp.getOutputStream();
            out.write(bytes);
            out.flush();
        }
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
    public void respond(SipMessage request, int status, String reason) throws IOException {
        StringBuilder sb = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        for (String via : request.headerLines("Via")) {
            sb.append("Via: ").append(via).append("\r\n");
        }
        sb.append("From: ").append(request.header("From").orElse(null)).append("\r\n");
        sb.append("To: ").append(request.header("To").orElse(null)).append("\r\n");
        sb.append("Call-ID: ").append(request.callId()).append("\r\n");
        sb.append("CSeq: ").append(request.header("CSeq").orElse(null)).append("\r\n");
        sb.append("Content-Length: 0\r\n\r\n");
        send(sb.toString());
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
        SipMessage message = SipMessage.parse(text);
        synchronized (inbox) {
            inbox.add(message);
            everything.add(message);
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
    public void close() throws Exception {
        closed = true;
        if (udp != null) {
            udp.close();
        } else {
            tcp.close();
        }
        reader.join(2000);
    }
}
