package io.confbridge.sip;

import io.confbridge.call.NegotiatedMedia;
import io.confbridge.call.NewCall;
import io.confbridge.codec.Codec;
import io.confbridge.sip.support.FreePorts;
import io.confbridge.sip.support.RecordingCallAcceptor;
import io.confbridge.sip.support.RecordingCallHandle;
import io.confbridge.sip.support.SipMessage;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;
import io.confbridge.sip.support.TestSipConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Late offer (an INVITE without SDP: our offer in the 200 OK, the answer in the ACK) and re-INVITEs
 * that switch codec among those negotiated, against the raw-text SIP client on 127.0.0.1.
 */
class SipLateOfferTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RecordingCallAcceptor acceptor = new RecordingCallAcceptor();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private int port;

    private static String sdp(String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    private static String answer(int rtpPort, String formats, String... attributes) {
        List<String> lines = new ArrayList<>(List.of("v=0", "o=trunk 77 1 IN IP4 127.0.0.1", "s=-",
                "c=IN IP4 127.0.0.1", "t=0 0", "m=audio " + rtpPort + " RTP/AVP " + formats));
        lines.addAll(List.of(attributes));
        return sdp(lines.toArray(String[]::new));
    }

    private SipServer server() throws Exception {
        port = FreePorts.sipPort();
        SipServer server = new SipServer(
                TestSipConfig.on(port).build(), acceptor);
        toClose.add(server);
        server.start();
        return server;
    }

    private SipTestClient client() throws Exception {
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

    /** INVITE without SDP → 200 OK with our offer. */
    private SipMessage lateOffer(SipTestClient client, TestDialog dialog) throws Exception {
        client.send(dialog.invite(null));
        return client.awaitResponse(200, "INVITE", dialog.callId());
    }

    @Test
    void inviteWithoutSdpGetsOurOfferAndTheAnswerInTheAckStartsTheCall() throws Exception {
        server();
        SipTestClient client = client();
        TestDialog dialog = client.dialog("4711001");
        SipMessage ok = lateOffer(client, dialog);

        assertEquals("application/sdp", ok.header("Content-Type").orElse(null));
        List<String> offer = ok.bodyLines();
        assertTrue(offer.contains("m=audio 40000 RTP/AVP 111 9 0 8 101"), offer::toString);
        assertTrue(offer.contains("a=rtpmap:111 opus/48000/2"), offer::toString);
        assertTrue(offer.contains("a=rtpmap:9 G722/8000"), offer::toString);
        assertTrue(offer.contains("a=rtpmap:0 PCMU/8000"), offer::toString);
        assertTrue(offer.contains("a=rtpmap:8 PCMA/8000"), offer::toString);
        assertTrue(offer.contains("a=rtpmap:101 telephone-event/8000"), offer::toString);
        assertTrue(offer.contains("a=fmtp:101 0-16"), offer::toString);
        assertTrue(offer.contains("a=sendrecv"), offer::toString);
        assertTrue(offer.contains("c=IN IP4 127.0.0.1"), offer::toString);
        NewCall call = acceptor.call(dialog.callId());
        assertNull(call.remoteRtp(), "no remote before the answer");
        RecordingCallHandle handle = acceptor.handle(dialog.callId());
        assertEquals(0, handle.starts.get(), "the call starts with the answer, not before");

        client.send(dialog.ackWithSdp(ok, answer(7080, "8 101", "a=rtpmap:8 PCMA/8000",
                "a=rtpmap:101 telephone-event/8000", "a=sendrecv")));
        await().atMost(WAIT).until(() -> handle.starts.get() == 1);
        assertEquals(List.of(new NegotiatedMedia(new InetSocketAddress("127.0.0.1", 7080), Codec.PCMA, 8, 101, true)),
                handle.negotiated);
    }

    /** Issue 11 §4: the answer's a=ptime is the packet time the answerer wants: the call is sent in it. */
    @Test
    void thePacketTimeOfTheAnswerInTheAckIsWhatTheCallIsSentIn() throws Exception {
        server();
        SipTestClient client = client();
        TestDialog dialog = client.dialog("4711001");
        SipMessage ok = lateOffer(client, dialog);
        assertTrue(ok.bodyLines().contains("a=ptime:20"), ok.bodyLines()::toString);
        assertTrue(ok.bodyLines().contains("a=maxptime:60"), ok.bodyLines()::toString);
        RecordingCallHandle handle = acceptor.handle(dialog.callId());

        client.send(dialog.ackWithSdp(ok, answer(7080, "0 101", "a=rtpmap:0 PCMU/8000",
                "a=rtpmap:101 telephone-event/8000", "a=ptime:40", "a=sendrecv")));
        await().atMost(WAIT).until(() -> handle.starts.get() == 1);
        assertEquals(List.of(new NegotiatedMedia(new InetSocketAddress("127.0.0.1", 7080), Codec.PCMU, 0, 101, true,
                null, 40)), handle.negotiated);
    }

    @Test
    void ackWithoutAnswerEndsTheCallWithBye() throws Exception {
        server();
        SipTestClient client = client();
        TestDialog dialog = client.dialog("4711001");
        SipMessage ok = lateOffer(client, dialog);
        client.send(dialog.ack(ok));
        SipMessage bye = client.awaitRequest("BYE");
        assertEquals(dialog.callId(), bye.callId());
        client.respond(bye, 200, "OK");
        RecordingCallHandle handle = acceptor.handle(dialog.callId());
        await().atMost(WAIT).until(() -> handle.remoteHangUps.get() == 1);
        assertEquals(0, handle.starts.get());
    }

    @Test
    void answerWithoutOurCodecsOrUnparseableEndsTheCallWithBye() throws Exception {
        server();
        SipTestClient client = client();
        TestDialog incompatible = client.dialog("4711001");
        client.send(incompatible.ackWithSdp(lateOffer(client, incompatible),
                answer(7080, "18", "a=rtpmap:18 G729/8000")));
        assertEquals(incompatible.callId(), client.awaitRequest("BYE").callId());

        TestDialog refused = client.dialog("4711001");
        client.send(refused.ackWithSdp(lateOffer(client, refused), answer(0, "0")));
        assertEquals(refused.callId(), client.await("BYE for the refused stream",
                m -> !m.isResponse() && m.method().equals("BYE") && m.callId().equals(refused.callId())).callId());

        TestDialog garbage = client.dialog("4711001");
        client.send(garbage.ackWithSdp(lateOffer(client, garbage), "this is not SDP\r\n"));
        client.await("BYE for the garbage answer",
                m -> !m.isResponse() && m.method().equals("BYE") && m.callId().equals(garbage.callId()));
        for (TestDialog d : List.of(incompatible, refused, garbage)) {
            RecordingCallHandle handle = acceptor.handle(d.callId());
            await().atMost(WAIT).until(() -> handle.remoteHangUps.get() == 1);
            assertEquals(0, handle.starts.get());
        }
    }

    @Test
    void reInviteSwitchesAmongTheNegotiatedCodecsAndAnswersItsDirection() throws Exception {
        server();
        SipTestClient client = client();
        TestDialog dialog = client.dialog("4711001");
        SipMessage ok = lateOffer(client, dialog);
        client.send(dialog.ackWithSdp(ok, answer(7080, "0 8 101", "a=rtpmap:101 telephone-event/8000")));
        RecordingCallHandle handle = acceptor.handle(dialog.callId());
        await().atMost(WAIT).until(() -> handle.starts.get() == 1);
        assertEquals(Codec.PCMU, handle.negotiated.get(0).codec());

        client.send(dialog.reInvite(answer(7082, "8 101", "a=rtpmap:101 telephone-event/8000", "a=sendonly")));
        SipMessage switched = client.awaitResponse(200, "INVITE", dialog.callId());
        client.send(dialog.ack(switched));
        assertTrue(switched.bodyLines().contains("m=audio 40000 RTP/AVP 8 101"), switched.body());
        assertTrue(switched.bodyLines().contains("a=recvonly"), switched.body());
        await().atMost(WAIT).until(() -> handle.negotiated.size() == 2);
        assertEquals(new NegotiatedMedia(new InetSocketAddress("127.0.0.1", 7082), Codec.PCMA, 8, 101, false),
                handle.negotiated.get(1));

        client.send(dialog.reInvite(answer(7082, "0 101", "a=rtpmap:101 telephone-event/8000", "a=inactive")));
        SipMessage back = client.awaitResponse(200, "INVITE", dialog.callId());
        client.send(dialog.ack(back));
        assertTrue(back.bodyLines().contains("a=inactive"), back.body());
        await().atMost(WAIT).until(() -> handle.negotiated.size() == 3);
        assertEquals(new NegotiatedMedia(new InetSocketAddress("127.0.0.1", 7082), Codec.PCMU, 0, 101, false),
                handle.negotiated.get(2));
    }

    @Test
    void reInviteWithoutSdpAfterALateOfferOffersAgainAndTakesTheAnswerFromTheAck() throws Exception {
        server();
        SipTestClient client = client();
        TestDialog dialog = client.dialog("4711001");
        SipMessage ok = lateOffer(client, dialog);
        client.send(dialog.ackWithSdp(ok, answer(7080, "0 8 101")));
        RecordingCallHandle handle = acceptor.handle(dialog.callId());
        await().atMost(WAIT).until(() -> handle.starts.get() == 1);

        client.send(dialog.reInvite(null));
        SipMessage reoffer = client.awaitResponse(200, "INVITE", dialog.callId());
        assertTrue(reoffer.bodyLines().contains("m=audio 40000 RTP/AVP 111 9 0 8 101"), reoffer.body());
        client.send(dialog.ackWithSdp(reoffer, answer(7090, "8 101", "a=rtpmap:101 telephone-event/8000")));
        await().atMost(WAIT).until(() -> handle.negotiated.size() == 2);
        assertEquals(new NegotiatedMedia(new InetSocketAddress("127.0.0.1", 7090), Codec.PCMA, 8, 101, true),
                handle.negotiated.get(1));
        assertEquals(1, handle.starts.get());
    }

    @Test
    void reInviteWhileOurOfferAwaitsItsAnswerGets491() throws Exception {
        server();
        SipTestClient client = client();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(null));
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        dialog.learn(ok);
        client.send(dialog.reInvite(answer(7090, "0")));
        SipMessage refused = client.await("the re-INVITE's final response",
                m -> m.isResponse() && m.statusCode() >= 300 && m.callId().equals(dialog.callId()));
        assertEquals(491, refused.statusCode());
        client.send(dialog.ack(refused));
        RecordingCallHandle handle = acceptor.handle(dialog.callId());
        assertTrue(handle.negotiated.isEmpty(), "the crossing offer changed nothing");
        assertEquals(0, handle.starts.get());
    }
}
