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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 §1: SDP connection addresses that would make the bridge a reflector (multicast, broadcast,
 * unspecified) get 488, in an INVITE, a re-INVITE and the answer in an ACK; 0.0.0.0 stays the legacy
 * hold in a re-INVITE of an established call. The loopback rule needs a non-loopback peer, which tests
 * may not use: {@link MediaAddressTest} covers it.
 */
class SipMediaAddressTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RecordingCallAcceptor acceptor = new RecordingCallAcceptor();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private int port;

    private static String offer(String address, int rtpPort, String... extra) {
        List<String> lines = new ArrayList<>(List.of("v=0", "o=alice 2613 3214 IN IP4 127.0.0.1", "s=Talk",
                "c=IN " + (address.indexOf(':') >= 0 ? "IP6 " : "IP4 ") + address, "t=0 0",
                "m=audio " + rtpPort + " RTP/AVP 0 100", "a=rtpmap:100 telephone-event/8000", "a=sendrecv"));
        lines.addAll(List.of(extra));
        return String.join("\r\n", lines) + "\r\n";
    }

    private SipTestClient start() throws Exception {
        port = FreePorts.sipPort();
        SipServer server = new SipServer(
                TestSipConfig.on(port).build(), acceptor);
        toClose.add(server);
        server.start();
        SipTestClient client = SipTestClient.udp(port);
        toClose.add(0, client);
        return client;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"224.0.0.1", "239.1.2.3", "255.255.255.255", "0.0.0.0", "ff02::1", "::"})
    void inviteNamingAReflectingAddressIsRefusedWith488(String address) throws Exception {
        SipTestClient client = start();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(offer(address, 7078)));
        SipMessage refused = client.awaitResponse(488, "INVITE", dialog.callId());
        client.send(dialog.ack(refused));
        assertTrue(refused.header("Warning").orElse("").contains("Media address refused"), refused.toString());
        assertTrue(acceptor.calls.isEmpty(), "the core never saw the call");
    }

    @Test
    void inviteWhoseRtcpAddressIsMulticastIsRefused() throws Exception {
        SipTestClient client = start();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(offer("127.0.0.1", 7078, "a=rtcp:7079 IN IP4 224.0.0.9")));
        client.awaitResponse(488, "INVITE", dialog.callId());
        assertTrue(acceptor.calls.isEmpty());
    }

    @Test
    void loopbackOfferFromLoopbackIsAccepted() throws Exception {
        SipTestClient client = start();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(offer("127.0.0.1", 7078)));
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        client.send(dialog.ack(ok));
        assertEquals(new InetSocketAddress("127.0.0.1", 7078), acceptor.call(dialog.callId()).remoteRtp());
    }

    @ParameterizedTest
    @ValueSource(strings = {"224.0.0.1", "255.255.255.255"})
    void reInviteMovingMediaToAReflectingAddressIsRefusedAndTheCallGoesOn(String address) throws Exception {
        SipTestClient client = start();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(offer("127.0.0.1", 7078)));
        client.send(dialog.ack(client.awaitResponse(200, "INVITE", dialog.callId())));
        RecordingCallHandle handle = acceptor.handle(dialog.callId());

        client.send(dialog.reInvite(offer(address, 7090)));
        SipMessage refused = client.awaitResponse(488, "INVITE", dialog.callId());
        client.send(dialog.ack(refused));
        // The call still answers in-dialog requests, and its media never moved.
        client.send(dialog.reInvite(offer("127.0.0.1", 7092)));
        client.send(dialog.ack(client.awaitResponse(200, "INVITE", dialog.callId())));
        await().atMost(WAIT).until(() -> handle.mediaUpdates.size() == 1);
        assertEquals(new RecordingCallHandle.MediaUpdate(new InetSocketAddress("127.0.0.1", 7092), true),
                handle.mediaUpdates.get(0));
    }

    @Test
    void reInviteWithTheUnspecifiedAddressIsTheLegacyHold() throws Exception {
        SipTestClient client = start();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(offer("127.0.0.1", 7078)));
        client.send(dialog.ack(client.awaitResponse(200, "INVITE", dialog.callId())));
        RecordingCallHandle handle = acceptor.handle(dialog.callId());

        client.send(dialog.reInvite(offer("0.0.0.0", 7078)));
        client.send(dialog.ack(client.awaitResponse(200, "INVITE", dialog.callId())));
        await().atMost(WAIT).until(() -> handle.mediaUpdates.size() == 1);
        assertFalse(handle.mediaUpdates.get(0).sendAudio(), "held: nothing is sent to 0.0.0.0");
    }

    @Test
    void lateOfferAnswerNamingMulticastEndsTheCall() throws Exception {
        SipTestClient client = start();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(null));
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        client.send(dialog.ackWithSdp(ok, offer("224.0.0.1", 7080)));
        SipMessage bye = client.awaitRequest("BYE");
        client.respond(bye, 200, "OK");
        RecordingCallHandle handle = acceptor.handle(dialog.callId());
        await().atMost(WAIT).until(() -> handle.remoteHangUps.get() == 1);
        assertEquals(0, handle.starts.get(), "no media ever started");
    }
}
