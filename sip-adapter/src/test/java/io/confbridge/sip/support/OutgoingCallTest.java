package io.confbridge.sip.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The phone's UA core against a server played by hand on a real socket. */
class OutgoingCallTest {

    private static final String CHALLENGE = "Digest realm=\"confbridge\", nonce=\"n0nce\", qop=\"auth\", algorithm=SHA-256";

    private final DatagramSocket server = bind();
    private final SipTestClient client = udpTo(server.getLocalPort());

    @AfterEach
    void close() {
        client.close();
        server.close();
    }

    @Test
    void aRetransmitted401IsAckedAgainButAnsweredOnceAndTheCallGoesOn() throws Exception {
        OutgoingCall call = OutgoingCall.place(client, client.dialog("4711001").from("mufasa"), "v=0\r\n",
                SipLogin.sha256("mufasa", "secret"), null, ok -> { });

        Received invite = next(m -> m.method().equals("INVITE"));
        String unauthorized = response(invite.message, "401 Unauthorized", ";tag=srv1",
                "WWW-Authenticate: " + CHALLENGE + "\r\n");
        send(unauthorized, invite.source);
        send(unauthorized, invite.source);
        next(m -> m.method().equals("ACK"));
        next(m -> m.method().equals("ACK"));

        Received answered = next(m -> m.method().equals("INVITE") && m.header("Authorization").isPresent());
        assertEquals(invite.message.callId(), answered.message.callId());
        assertEquals(invite.message.cseqNumber() + 1, answered.message.cseqNumber());
        send(response(answered.message, "200 OK", ";tag=srv2",
                "Contact: <sip:bridge@127.0.0.1:" + server.getLocalPort() + ">\r\n"), answered.source);
        SipMessage ack = next(m -> m.method().equals("ACK")).message;

        assertEquals(200, call.outcome().get(5, TimeUnit.SECONDS).statusCode());
        assertEquals(List.of(401, 401, 200), call.finalStatuses());
        assertTrue(call.isUp());
        assertEquals("srv2", ack.toTag().orElseThrow());
        assertEquals("sip:bridge@127.0.0.1:" + server.getLocalPort(), ack.startLine().split(" ")[1],
                "the ACK of a 2xx goes to the remote target");
    }

    private record Received(SipMessage message, SocketAddress source) {
    }

    /** The next request matching {@code what}, skipping retransmissions and others in between. */
    private Received next(Predicate<SipMessage> what) throws IOException {
        byte[] buffer = new byte[65535];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            server.receive(packet);
            SipMessage message = SipMessage.parse(packet.getData(), packet.getLength());
            if (what.test(message)) {
                return new Received(message, packet.getSocketAddress());
            }
        }
    }

    private static String response(SipMessage request, String statusLine, String toTag, String extraHeaders) {
        return "SIP/2.0 " + statusLine + "\r\n"
                + "Via: " + request.header("Via").orElseThrow() + "\r\n"
                + "From: " + request.header("From").orElseThrow() + "\r\n"
                + "To: " + request.header("To").orElseThrow() + toTag + "\r\n"
                + "Call-ID: " + request.callId() + "\r\n"
                + "CSeq: " + request.header("CSeq").orElseThrow() + "\r\n"
                + extraHeaders
                + "Content-Length: 0\r\n\r\n";
    }

    private void send(String text, SocketAddress to) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        server.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static DatagramSocket bind() {
        try {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            // Bounds every receive: a missing message fails the test instead of hanging it.
            socket.setSoTimeout(5000);
            return socket;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SipTestClient udpTo(int port) {
        try {
            return SipTestClient.udp(port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
