package io.confbridge.sip;

import io.confbridge.sip.support.FreePorts;
import io.confbridge.sip.support.RecordingCallAcceptor;
import io.confbridge.sip.support.RecordingCallHandle;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Require: 100rel} (RFC 3262) on the 180 the bridge sends while {@code sip.answerDelayMs} runs. */
class ReliableProvisionalTest {

    private static final long ANSWER_DELAY_MS = 1_500;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String OFFER = String.join("\r\n",
            "v=0", "o=alice 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
            "m=audio 7078 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000") + "\r\n";

    private final RecordingCallAcceptor acceptor = new RecordingCallAcceptor();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private SipTestClient client;

    private void start() throws Exception {
        int port = FreePorts.sipPort();
        SipServer server = new SipServer(
                TestSipConfig.on(port).udpOnly().answerDelayMs(ANSWER_DELAY_MS).keepaliveIntervalMs(0).build(), acceptor);
        toClose.add(server);
        server.start();
        client = SipTestClient.udp(port);
        toClose.add(0, client);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void required100relGetsAReliable180AndItsPrackA200ThenTheCallIsAnswered() throws Exception {
        start();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.inviteWithHeaders("Supported: timer\r\nRequire: 100rel\r\n", OFFER));

        SipMessage ringing = client.awaitResponse(180, "INVITE", dialog.callId());
        assertTrue(ringing.headerValues("Require").contains("100rel"), ringing.toString());
        String rseq = ringing.header("RSeq").orElseThrow(() -> new AssertionError("no RSeq:\n" + ringing)).trim();
        assertTrue(rseq.matches("\\d+"), rseq);
        assertTrue(ringing.toTag().isPresent(), ringing.toString());
        dialog.learn(ringing);

        client.send(dialog.request("PRACK", TestDialog.branch(), 2, "PRACK",
                "RAck: " + rseq + " " + ringing.cseqNumber() + " INVITE\r\n", null, null));
        client.awaitResponse(200, "PRACK", dialog.callId());

        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        assertEquals(ringing.toTag(), ok.toTag(), "one dialog: the 180's tag is the 200's");
        client.send(dialog.ack(ok));
        RecordingCallHandle handle = acceptor.handle(dialog.callId());
        await().atMost(WAIT).until(() -> handle.starts.get() == 1);
    }

    @Test
    void unacknowledgedReliable180IsSentAgainAndTheAnswerWaitsForItsPrack() throws Exception {
        start();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.inviteWithHeaders("Require: 100rel\r\n", OFFER));

        SipMessage first = client.awaitResponse(180, "INVITE", dialog.callId());
        SipMessage again = client.awaitResponse(180, "INVITE", dialog.callId());
        assertEquals(first.header("RSeq"), again.header("RSeq"), "a retransmission, not a new response");
        // The answer delay runs out, but no 2xx may overtake the unacknowledged reliable 180.
        await().during(Duration.ofMillis(ANSWER_DELAY_MS + 500)).atMost(Duration.ofMillis(ANSWER_DELAY_MS + 2_000))
                .until(() -> !client.everReceived(m -> m.isResponse() && m.statusCode() == 200));

        dialog.learn(first);
        client.send(dialog.request("PRACK", TestDialog.branch(), 2, "PRACK",
                "RAck: " + first.header("RSeq").orElseThrow().trim() + " " + first.cseqNumber() + " INVITE\r\n", null, null));
        client.awaitResponse(200, "PRACK", dialog.callId());
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        client.send(dialog.ack(ok));
        RecordingCallHandle handle = acceptor.handle(dialog.callId());
        await().atMost(WAIT).until(() -> handle.starts.get() == 1);
    }

    @Test
    void withoutRequire100relThe180IsUnchanged() throws Exception {
        start();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(OFFER));

        SipMessage ringing = client.awaitResponse(180, "INVITE", dialog.callId());
        assertFalse(ringing.header("RSeq").isPresent(), ringing.toString());
        assertFalse(ringing.headerValues("Require").contains("100rel"), ringing.toString());
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        client.send(dialog.ack(ok));
    }
}
