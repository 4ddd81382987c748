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

/** Session timers (RFC 4028) against the raw test UA over UDP on 127.0.0.1. */
class SessionTimerTest {

    /** One Session-Expires second lasts 20 ms here: a 90 s session is 1.8 s. */
    private static final long SECOND_MS = 20;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String OFFER = String.join("\r\n",
            "v=0", "o=alice 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
            "m=audio 7078 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000") + "\r\n";

    private final RecordingCallAcceptor acceptor = new RecordingCallAcceptor();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private SipServer server;
    private SipTestClient client;
    private long cseq = 10;

    private void start() throws Exception {
        int port = FreePorts.sipPort();
        // Keepalives off: only the session timer may end these calls.
        server = new SipServer(TestSipConfig.on(port).udpOnly().keepaliveIntervalMs(0).build(), acceptor)
                .sessionTimerSecondMs(SECOND_MS).clientT1Ms(50);
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

    private SipMessage establish(TestDialog dialog, String headers) throws Exception {
        client.send(dialog.inviteWithHeaders(headers, OFFER));
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        client.send(dialog.ack(ok));
        return ok;
    }

    private String update(TestDialog dialog, String headers) {
        return dialog.request("UPDATE", TestDialog.branch(), cseq++, "UPDATE", headers, null, null);
    }

    @Test
    void requireTimerIsAcceptedAndTheOkNamesTheCallerAsRefresher() throws Exception {
        start();
        TestDialog dialog = client.dialog("4711001");
        SipMessage ok = establish(dialog, "Supported: timer\r\nRequire: timer\r\nSession-Expires: 1800\r\n");

        assertEquals("1800;refresher=uac", ok.header("Session-Expires").orElse("").replace(" ", ""), ok.toString());
        assertTrue(ok.headerValues("Require").contains("timer"), ok.toString());
        assertTrue(String.join(",", ok.headerLines("Allow")).contains("UPDATE"), ok.toString());
    }

    @Test
    void intervalBelowMinSeGets422WithMinSeAndNoCall() throws Exception {
        start();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.inviteWithHeaders("Supported: timer\r\nSession-Expires: 60\r\n", OFFER));

        SipMessage refused = client.awaitResponse(422, "INVITE");
        assertEquals("90", refused.header("Min-SE").orElse(null));
        assertTrue(acceptor.calls.isEmpty(), "the core never saw it");

        // The caller tries again with the floor it was told: accepted.
        TestDialog retry = client.dialog("4711001");
        SipMessage ok = establish(retry, "Supported: timer\r\nSession-Expires: 90\r\nMin-SE: 90\r\n");
        assertEquals("90;refresher=uac", ok.header("Session-Expires").orElse("").replace(" ", ""));
    }

    @Test
    void malformedSessionExpiresGets400() throws Exception {
        start();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.inviteWithHeaders("Session-Expires: 90;refresher=nobody\r\n", OFFER));
        client.awaitResponse(400, "INVITE");
        assertTrue(acceptor.calls.isEmpty());
    }

    @Test
    void callerRefreshesKeepTheCallAndTheirAbsenceEndsItWithBye() throws Exception {
        start();
        TestDialog dialog = client.dialog("4711001");
        establish(dialog, "Supported: timer\r\nSession-Expires: 90;refresher=uac\r\n");
        long expiresMs = (90 - 30) * SECOND_MS; // N - min(32, N/3): 1.2 s here

        // Refreshes every 0.6 s (UPDATE without a body) for three times the expiry: the call stays.
        long until = System.nanoTime() + Duration.ofMillis(3 * expiresMs).toNanos();
        long lastRefresh = 0;
        while (System.nanoTime() < until) {
            long sentAt = System.nanoTime();
            client.send(update(dialog, "Supported: timer\r\nSession-Expires: 90;refresher=uac\r\n"));
            SipMessage ok = client.awaitResponse(200, "UPDATE", dialog.callId());
            lastRefresh = sentAt;
            assertEquals("90;refresher=uac", ok.header("Session-Expires").orElse("").replace(" ", ""), ok.toString());
            long next = System.nanoTime() + Duration.ofMillis(expiresMs / 2).toNanos();
            await().atMost(Duration.ofMillis(expiresMs)).until(() -> System.nanoTime() >= next);
        }
        assertFalse(client.everReceived(m -> !m.isResponse() && m.method().equals("BYE")), "refreshed calls stay");

        SipMessage bye = client.awaitRequest("BYE");
        long tookMs = (System.nanoTime() - lastRefresh) / 1_000_000;
        assertTrue(tookMs >= expiresMs - 2 * SECOND_MS, "BYE only at expiry: " + tookMs + " ms");
        client.respond(bye, 200, "OK");
        RecordingCallHandle handle = acceptor.handle(dialog.callId());
        await().atMost(WAIT).until(() -> handle.remoteHangUps.get() == 1);
        await().atMost(WAIT).until(() -> server.activeDialogs() == 0);
    }

    @Test
    void bridgeAsRefresherSendsReInviteWithItsSdpAndEndsTheCallOn481() throws Exception {
        start();
        TestDialog dialog = client.dialog("4711001");
        // No Supported: timer (a proxy put Session-Expires in): the bridge must refresh, and not require timer.
        SipMessage ok = establish(dialog, "Session-Expires: 90\r\n");
        assertEquals("90;refresher=uas", ok.header("Session-Expires").orElse("").replace(" ", ""), ok.toString());
        assertFalse(ok.headerValues("Require").contains("timer"), ok.toString());

        SipMessage refresh = client.awaitRequest("INVITE");
        assertEquals(dialog.callId(), refresh.callId());
        assertTrue(refresh.header("Session-Expires").orElse("").replace(" ", "").startsWith("90;refresher=uas"), refresh.toString());
        assertTrue(refresh.body().contains("m=audio 40000"), "our current SDP:\n" + refresh.body());
        client.respond(refresh, 200, "OK", "Contact: <sip:alice@127.0.0.1:" + client.localPort() + ">\r\n"
                + "Content-Type: application/sdp\r\n", OFFER);
        SipMessage ack = client.awaitRequest("ACK");
        assertEquals(refresh.cseqNumber(), ack.cseqNumber());

        // The next refresh finds the caller gone.
        SipMessage second = client.awaitRequest("INVITE");
        client.respond(second, 481, "Call/Transaction Does Not Exist");
        SipMessage bye = client.awaitRequest("BYE");
        client.respond(bye, 200, "OK");
        RecordingCallHandle handle = acceptor.handle(dialog.callId());
        await().atMost(WAIT).until(() -> handle.remoteHangUps.get() == 1);
    }
}
