package io.confbridge.sip;

import io.confbridge.config.AddressBlock;
import io.confbridge.config.BridgeConfig;
import io.confbridge.sip.support.FreePorts;
import io.confbridge.sip.support.RecordingCallAcceptor;
import io.confbridge.sip.support.SipMessage;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;
import io.confbridge.sip.support.TestSipConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 9 §2 on real sockets: floods get 503 with Retry-After, other sources and callers go on. */
class SipFloodLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String OFFER = String.join("\r\n", "v=0", "o=alice 1 1 IN IP4 127.0.0.1", "s=-",
            "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 7078 RTP/AVP 0") + "\r\n";

    private final RecordingCallAcceptor acceptor = new RecordingCallAcceptor();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private SipServer server;
    private int port;

    private static BridgeConfig.LimitsConfig limits(int perSource, int burst, int calls, int registers, String proxies) {
        return new BridgeConfig.LimitsConfig(perSource, burst, 100_000, calls, registers, 10, 64,
                AddressBlock.parseList("sip.trustedProxies", proxies));
    }

    private void start(BridgeConfig.LimitsConfig limits) {
        port = FreePorts.sipPort();
        server = new SipServer(TestSipConfig.on(port).build(), acceptor).limits(limits);
        toClose.add(server);
        server.start();
    }

    private SipTestClient client(String localAddress) throws Exception {
        SipTestClient client = SipTestClient.udpFrom(InetAddress.getByName(localAddress), port);
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
    void anInviteFloodFromOneSourceGets503WithRetryAfterWhileAnotherSourceIsAnswered() throws Exception {
        start(limits(1, 5, 1000, 5, ""));
        SipTestClient flooder = client("127.0.0.1");
        List<TestDialog> dialogs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            TestDialog dialog = flooder.dialog("4711001");
            dialogs.add(dialog);
            flooder.send(dialog.invite(OFFER));
        }
        SipMessage busy = flooder.awaitResponse(503, "INVITE");
        assertTrue(busy.header("Retry-After").isPresent(), busy.toString());
        assertTrue(Integer.parseInt(busy.header("Retry-After").orElseThrow().trim()) >= 1);
        await().atMost(WAIT).until(() -> acceptor.calls.size() == 5);
        await().atMost(WAIT).until(() -> server.admission().refusedCount() >= 7);

        SipTestClient legit = client("127.0.0.2");
        TestDialog call = legit.dialog("4711001");
        legit.send(call.invite(OFFER));
        legit.send(call.ack(legit.awaitResponse(200, "INVITE", call.callId())));
        assertEquals(6, acceptor.calls.size(), "the flood's 503s never reached the core");
        // OPTIONS are not limited: the flooder still learns the bridge is alive.
        flooder.send(dialogs.get(0).options());
        flooder.awaitResponse(200, "OPTIONS");
    }

    @Test
    void callsInProgressFromOneSourceAreCapped() throws Exception {
        start(limits(100, 100, 2, 5, ""));
        SipTestClient trunk = client("127.0.0.1");
        List<TestDialog> calls = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            TestDialog dialog = trunk.dialog("4711001");
            trunk.send(dialog.invite(OFFER));
            trunk.send(dialog.ack(trunk.awaitResponse(200, "INVITE", dialog.callId())));
            calls.add(dialog);
        }
        TestDialog third = trunk.dialog("4711001");
        trunk.send(third.invite(OFFER));
        SipMessage busy = trunk.awaitResponse(503, "INVITE", third.callId());
        trunk.send(third.ack(busy));
        assertTrue(busy.header("Retry-After").isPresent());

        trunk.send(calls.get(0).bye());
        trunk.awaitResponse(200, "BYE", calls.get(0).callId());
        await().atMost(WAIT).until(() -> server.admission().callsInProgress("127.0.0.1") == 1);
        TestDialog fourth = trunk.dialog("4711001");
        trunk.send(fourth.invite(OFFER));
        trunk.awaitResponse(200, "INVITE", fourth.callId());
    }

    @Test
    void aRegisterFloodGets503() throws Exception {
        start(limits(100, 100, 100, 2, ""));
        SipTestClient phone = client("127.0.0.1");
        TestDialog dialog = phone.dialog("alice");
        for (int i = 0; i < 6; i++) {
            phone.send(dialog.request("REGISTER", TestDialog.branch(), i + 1, "REGISTER", "Expires: 60\r\n", null, null));
        }
        // Without SIP accounts a REGISTER gets 405; past 2 a second (depth 4), 503 instead.
        phone.awaitResponse(405, "REGISTER");
        SipMessage busy = phone.awaitResponse(503, "REGISTER");
        assertTrue(busy.header("Retry-After").isPresent());
    }

    @Test
    void behindATrustedProxyEachCallerIdentityHasItsOwnLimit() throws Exception {
        start(limits(100, 100, 1, 5, "127.0.0.1/32"));
        SipTestClient proxy = client("127.0.0.1");
        TestDialog alice = proxy.dialog("4711001");
        proxy.send(alice.inviteWithHeaders("P-Asserted-Identity: <sip:alice@example.com>\r\n", OFFER));
        proxy.send(alice.ack(proxy.awaitResponse(200, "INVITE", alice.callId())));
        assertEquals("caller:alice@example.com", acceptor.call(alice.callId()).sourceKey());

        TestDialog bob = proxy.dialog("4711001");
        proxy.send(bob.inviteWithHeaders("P-Asserted-Identity: <sip:bob@example.com>\r\n", OFFER));
        proxy.send(bob.ack(proxy.awaitResponse(200, "INVITE", bob.callId())));

        TestDialog aliceAgain = proxy.dialog("4711001");
        proxy.send(aliceAgain.inviteWithHeaders("P-Asserted-Identity: <sip:alice@example.com>\r\n", OFFER));
        proxy.send(aliceAgain.ack(proxy.awaitResponse(503, "INVITE", aliceAgain.callId())));
    }

    @Test
    void wrongConferenceIdsPastTheLimitEndTheSourcesCallsAndBanItsInvites() throws Exception {
        start(new BridgeConfig.LimitsConfig(100, 100, 100_000, 100, 5, 2, 64, List.of()));
        SipTestClient scanner = client("127.0.0.1");
        List<TestDialog> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestDialog dialog = scanner.dialog("4711001");
            scanner.send(dialog.invite(OFFER));
            scanner.send(dialog.ack(scanner.awaitResponse(200, "INVITE", dialog.callId())));
            calls.add(dialog);
        }
        SipTestClient other = client("127.0.0.2");
        TestDialog bystander = other.dialog("4711001");
        other.send(bystander.invite(OFFER));
        other.send(bystander.ack(other.awaitResponse(200, "INVITE", bystander.callId())));

        // The core reports each wrong ID on the call's signalling; two a minute are allowed.
        acceptor.signalling(calls.get(0).callId()).conferenceIdRejected();
        acceptor.signalling(calls.get(1).callId()).conferenceIdRejected();
        assertEquals(List.of(), acceptor.handle(calls.get(0).callId()).goodbyes);
        acceptor.signalling(calls.get(2).callId()).conferenceIdRejected();

        for (TestDialog call : calls) {
            await().atMost(WAIT).until(() -> acceptor.handle(call.callId()).goodbyes.size() == 1);
            // The core says "Goodbye", then hangs up through the call's signalling, as this stand-in does
            // at once (ConferenceIdScanBanTest in bridge-server hears the prompt end to end).
            acceptor.signalling(call.callId()).hangUp(acceptor.handle(call.callId()).goodbyes.get(0));
        }
        await().atMost(WAIT).until(() -> scanner.everReceived(m -> !m.isResponse() && "BYE".equals(m.method())));
        TestDialog next = scanner.dialog("4711001");
        scanner.send(next.invite(OFFER));
        SipMessage banned = scanner.awaitResponse(503, "INVITE", next.callId());
        assertTrue(Integer.parseInt(banned.header("Retry-After").orElseThrow().trim()) > 30, banned.toString());
        assertEquals(List.of(), acceptor.handle(bystander.callId()).goodbyes, "another source's call goes on");
        assertEquals(0, acceptor.handle(bystander.callId()).remoteHangUps.get());
    }

    @Test
    void anUntrustedSourcesAssertedIdentityIsIgnored() throws Exception {
        start(limits(100, 100, 1, 5, "192.0.2.0/24"));
        SipTestClient caller = client("127.0.0.1");
        TestDialog alice = caller.dialog("4711001");
        caller.send(alice.inviteWithHeaders("P-Asserted-Identity: <sip:alice@example.com>\r\n", OFFER));
        caller.send(alice.ack(caller.awaitResponse(200, "INVITE", alice.callId())));
        assertEquals("127.0.0.1", acceptor.call(alice.callId()).sourceKey());
        TestDialog bob = caller.dialog("4711001");
        caller.send(bob.inviteWithHeaders("P-Asserted-Identity: <sip:bob@example.com>\r\n", OFFER));
        caller.send(bob.ack(caller.awaitResponse(503, "INVITE", bob.callId())));
    }
}
