package io.confbridge.sip;

import io.confbridge.call.NewCall;
import io.confbridge.sip.support.FreePorts;
import io.confbridge.sip.support.RecordingCallAcceptor;
import io.confbridge.sip.support.SipMessage;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;
import io.confbridge.sip.support.TestSipConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIP over [::1]: the server binds ::1, answers with {@code c=IN IP6}, and its BYE reaches the caller. */
class SipIpv6Test {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RecordingCallAcceptor acceptor = new RecordingCallAcceptor();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private int port;

    private static String sdp(String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    private void server() throws Exception {
        port = FreePorts.sipPort();
        SipServer server = new SipServer(
                TestSipConfig.on(port).address("::1").build(), acceptor);
        toClose.add(server);
        server.start();
    }

    private SipTestClient client() throws Exception {
        SipTestClient client = SipTestClient.udp(InetAddress.getByName("::1"), port);
        toClose.add(0, client);
        return client;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void answersAnIpv6OfferInIp6AndSendsByeOverIpv6() throws Exception {
        server();
        SipTestClient client = client();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(sdp("v=0", "o=alice 1 1 IN IP6 ::1", "s=-", "c=IN IP6 ::1", "t=0 0",
                "m=audio 7078 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000")));
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        List<String> answer = ok.bodyLines();
        assertTrue(answer.contains("c=IN IP6 ::1"), answer::toString);
        assertTrue(answer.stream().anyMatch(l -> l.matches("o=confbridge \\d+ 1 IN IP6 ::1")), answer::toString);
        assertTrue(ok.header("Contact").orElse("").contains("[::1]:" + port), ok.header("Contact").orElse(""));
        client.send(dialog.ack(ok));

        NewCall call = acceptor.call(dialog.callId());
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 7078), call.remoteRtp());
        assertTrue(call.signallingSource().getAddress() instanceof java.net.Inet6Address, call.signallingSource().toString());
        await().atMost(WAIT).until(() -> acceptor.handle(dialog.callId()).starts.get() == 1);

        acceptor.signalling(dialog.callId()).hangUp("test ends it");
        SipMessage bye = client.awaitRequest("BYE");
        assertEquals(dialog.callId(), bye.callId());
        client.respond(bye, 200, "OK");
    }

    @Test
    void lateOfferOverIpv6OffersIp6() throws Exception {
        server();
        SipTestClient client = client();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(null));
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        assertTrue(ok.bodyLines().contains("c=IN IP6 ::1"), ok.body());
        assertTrue(ok.bodyLines().stream().anyMatch(l -> l.matches("o=confbridge \\d+ 1 IN IP6 ::1")), ok.body());
        client.send(dialog.ackWithSdp(ok, sdp("v=0", "o=alice 1 1 IN IP6 ::1", "s=-", "c=IN IP6 ::1", "t=0 0",
                "m=audio 7078 RTP/AVP 0")));
        await().atMost(WAIT).until(() -> acceptor.handle(dialog.callId()).starts.get() == 1);
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 7078),
                acceptor.handle(dialog.callId()).negotiated.get(0).remoteRtp());
    }
}
