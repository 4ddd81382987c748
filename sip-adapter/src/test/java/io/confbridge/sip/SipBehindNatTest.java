package io.confbridge.sip;

import io.confbridge.sip.support.FreePorts;
import io.confbridge.sip.support.RecordingCallAcceptor;
import io.confbridge.sip.support.SipMessage;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;
import io.confbridge.sip.support.TestSipConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A caller behind NAT claims {@code 127.0.0.99:5099} (nothing listens there) in Via and Contact, while
 * its packets come from the test client's own socket: responses (RFC 3581 rport) and the bridge's BYE
 * must come back to that socket, over TCP on the very connection the call came on.
 */
class SipBehindNatTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PRIVATE = "127.0.0.99:5099";
    private static final String OFFER = String.join("\r\n", "v=0", "o=alice 1 1 IN IP4 127.0.0.99", "s=-",
            "c=IN IP4 127.0.0.99", "t=0 0", "m=audio 40000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000") + "\r\n";

    private final RecordingCallAcceptor acceptor = new RecordingCallAcceptor();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private int port;

    private void startServer() {
        port = FreePorts.sipPort();
        SipServer server = new SipServer(TestSipConfig.on(port).build(), acceptor);
        toClose.add(server);
        server.start();
    }

    private SipTestClient client(SipTestClient c) {
        toClose.add(0, c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** INVITE from behind NAT, 200, ACK; returns the 200. */
    private SipMessage establishBehindNat(SipTestClient client, TestDialog dialog) {
        dialog.behindNat(PRIVATE);
        client.send(dialog.invite(OFFER), client.server());
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        client.send(dialog.ack(ok), client.server());
        await().atMost(WAIT).until(() -> acceptor.handle(dialog.callId()).confirmations.get() == 1);
        return ok;
    }

    @Test
    void responsesGoToTheSourcePortAndNameIt() throws Exception {
        startServer();
        SipTestClient client = client(SipTestClient.udp(port));
        TestDialog dialog = client.dialog("4711001");
        SipMessage ok = establishBehindNat(client, dialog);
        String via = ok.header("Via").orElseThrow();
        assertTrue(via.contains("received=127.0.0.1"), via);
        assertTrue(via.contains("rport=" + client.localPort()), "RFC 3581 §4: " + via);
    }

    @Test
    void byeGoesToWhereTheInviteCameFromOverUdp() throws Exception {
        startServer();
        SipTestClient client = client(SipTestClient.udp(port));
        TestDialog dialog = client.dialog("4711001");
        establishBehindNat(client, dialog);

        acceptor.signalling(dialog.callId()).hangUp("meeting ended");
        SipMessage bye = client.awaitRequest("BYE");
        assertEquals(dialog.callId(), bye.callId());
        assertTrue(bye.startLine().startsWith("BYE sip:alice@" + PRIVATE), "Request-URI stays the Contact: " + bye.startLine());
        client.respond(bye, 200, "OK");
    }

    @Test
    void byeGoesBackOnTheTcpConnectionTheCallCameOn() throws Exception {
        startServer();
        SipTestClient client = client(SipTestClient.tcp(port));
        TestDialog dialog = client.dialog("4711001");
        establishBehindNat(client, dialog);

        acceptor.signalling(dialog.callId()).hangUp("meeting ended");
        SipMessage bye = client.awaitRequest("BYE");
        assertEquals(dialog.callId(), bye.callId());
        client.respond(bye, 200, "OK");
    }
}
