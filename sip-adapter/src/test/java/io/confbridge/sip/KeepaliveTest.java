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
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sip.keepaliveIntervalMs}: in-dialog OPTIONS to each confirmed call, over real UDP on 127.0.0.1. */
class KeepaliveTest {

    private static final long INTERVAL_MS = 1_000;
    /** T1 of the bridge's OPTIONS: Timer F is 64 of them, 3.2 s. */
    private static final int T1_MS = 50;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String OFFER = String.join("\r\n",
            "v=0", "o=alice 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
            "m=audio 7078 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000") + "\r\n";

    private final RecordingCallAcceptor acceptor = new RecordingCallAcceptor();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private SipServer server;
    private SipTestClient client;

    private void start(long keepaliveIntervalMs) throws Exception {
        int port = FreePorts.sipPort();
        server = new SipServer(TestSipConfig.on(port).udpOnly().keepaliveIntervalMs(keepaliveIntervalMs).build(), acceptor)
                .clientT1Ms(T1_MS);
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

    private TestDialog establish() throws Exception {
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(OFFER));
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        client.send(dialog.ack(ok));
        return dialog;
    }

    @Test
    void optionsAnswered481EndsTheCallWithByeAndTheCoreHearsIt() throws Exception {
        start(INTERVAL_MS);
        TestDialog dialog = establish();

        SipMessage options = client.awaitRequest("OPTIONS");
        assertEquals(dialog.callId(), options.callId(), "in-dialog: the call's Call-ID");
        assertTrue(options.toTag().isPresent() && options.fromTag().isPresent(), options.toString());
        client.respond(options, 481, "Call/Transaction Does Not Exist");

        SipMessage bye = client.awaitRequest("BYE");
        assertEquals(dialog.callId(), bye.callId());
        client.respond(bye, 200, "OK");
        RecordingCallHandle handle = acceptor.handle(dialog.callId());
        await().atMost(WAIT).until(() -> handle.remoteHangUps.get() == 1);
        await().atMost(WAIT).until(() -> server.activeDialogs() == 0);
    }

    @Test
    void unansweredOptionsEndTheCallAfterTimerF() throws Exception {
        start(INTERVAL_MS);
        TestDialog dialog = establish();
        long confirmedAt = System.nanoTime();

        client.awaitRequest("OPTIONS"); // and never answered, nor its retransmissions
        SipMessage bye = client.await("BYE after the unanswered OPTIONS", m -> !m.isResponse() && m.method().equals("BYE"));
        long tookMs = (System.nanoTime() - confirmedAt) / 1_000_000;
        assertTrue(tookMs >= 64 * T1_MS, "not before Timer F: " + tookMs + " ms");
        assertTrue(tookMs < INTERVAL_MS + 64 * T1_MS + 3_000, "within interval + Timer F: " + tookMs + " ms");
        client.respond(bye, 200, "OK");
        RecordingCallHandle handle = acceptor.handle(dialog.callId());
        await().atMost(WAIT).until(() -> handle.remoteHangUps.get() == 1);
        await().atMost(WAIT).until(() -> server.activeDialogs() == 0);
    }

    @Test
    void anyOtherAnswerEven405ProvesTheCallerAlive() throws Exception {
        start(INTERVAL_MS);
        AtomicInteger probes = new AtomicInteger();
        AtomicInteger byes = new AtomicInteger();
        client.answerRequestsWith(request -> {
            if (request.method().equals("OPTIONS")) {
                probes.incrementAndGet();
                client.respond(request, 405, "Method Not Allowed");
            } else if (request.method().equals("BYE")) {
                byes.incrementAndGet();
                client.respond(request, 200, "OK");
            }
        });
        TestDialog dialog = establish();

        await().atMost(WAIT).until(() -> probes.get() >= 3);
        RecordingCallHandle handle = acceptor.handle(dialog.callId());
        assertEquals(0, handle.remoteHangUps.get(), "the call lives on");
        assertEquals(0, byes.get(), "no BYE");
        assertEquals(1, server.activeDialogs());
    }

    @Test
    void zeroIntervalSendsNoOptions() throws Exception {
        start(0);
        TestDialog dialog = establish();

        await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4))
                .until(() -> !client.everReceived(m -> !m.isResponse() && m.method().equals("OPTIONS")));
        assertEquals(0, acceptor.handle(dialog.callId()).remoteHangUps.get());
        assertFalse(client.everReceived(m -> !m.isResponse() && m.method().equals("BYE")));
    }
}
