package io.confbridge.server;

import io.confbridge.codec.Codec;
import io.confbridge.prompt.Prompt;
import io.confbridge.prompt.PromptLibrary;
import io.confbridge.server.support.ReceivedRtp;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SdpOffer;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import io.confbridge.sip.support.SipMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.assertHearsPrompt;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Offer/answer after the INVITE (issue 8, points 2 and 3), end to end over SIP and RTP on loopback: a
 * late-offer caller, and re-INVITEs that switch codec, move the stream, hold and resume.
 */
class MediaRenegotiationTest {
    private static final Duration WINDOW = Duration.ofMillis(500);
    private static final Duration QUIET = Duration.ofSeconds(1);

    @TempDir
    Path dataDir;

    /** A caller in the lobby on a late offer: answers "0 8 101", hears PCMU. */
    private static TestPhone lateOfferCallerInLobby(RunningBridge bridge, TestMeeting meeting, String name) {
        TestPhone caller = bridge.newPhone(name);
        assertEquals(200, caller.dialWithoutOffer("bridge", SdpOffer.PCMU_PCMA_TELEPHONE_EVENT));
        caller.startSilence();
        awaitHearing(caller);
        type(caller, meeting.conferenceId() + "#");
        await(name + " waits in the lobby").atMost(IVR_STEP)
                .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);
        return caller;
    }

    @Test
    void lateOfferCallerHearsTheWelcomeAndHoldMusicOnThePortItsAckNamed() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone caller = bridge.newPhone("late-offer");
            long dialled = System.nanoTime();
            assertEquals(200, caller.dialWithoutOffer("bridge", SdpOffer.PCMA_ONLY));
            assertTrue(caller.answer().text().contains("m=audio "), caller.answer().text());
            caller.startSilence();
            // The welcome, frame for frame, in the A-law the ACK chose, on the port the ACK named.
            assertHearsPrompt(caller, dialled, PromptLibrary.builtIn("en").get(Prompt.WELCOME));
            assertTrue(caller.received().stream().filter(ReceivedRtp::isAudio).allMatch(p -> p.payloadType() == 8),
                    "every packet is PCMA");

            type(caller, meeting.conferenceId() + "#");
            await("the late-offer caller waits in the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);
            await("hold music").atMost(IVR_STEP).until(() -> caller.isHearingAudio(Duration.ofSeconds(1)));
        }
    }

    @Test
    void reInviteSwitchesTheCodecAndTheCallerHearsTheNewOne() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone caller = lateOfferCallerInLobby(bridge, meeting, "switcher");
            await("hold music in PCMU").atMost(IVR_STEP).until(() -> audible(caller, 0));

            SipMessage ok = caller.reInvite(SdpOffer.PCMA_ONLY, caller.rtpPort(), "sendrecv");
            assertEquals(200, ok.statusCode());
            assertTrue(ok.bodyLines().contains("a=rtpmap:8 PCMA/8000"), ok.body());
            assertEquals(Codec.PCMA, caller.answer().codec());
            long switched = System.nanoTime();
            await("hold music in PCMA").atMost(IVR_STEP).until(() -> audible(caller, 8));
            await("no more PCMU").atMost(IVR_STEP).until(() -> {
                List<ReceivedRtp> recent = caller.receivedSince(System.nanoTime() - WINDOW.toNanos());
                return recent.size() > 10 && recent.stream().allMatch(p -> p.payloadType() == 8);
            });
            assertTrue(caller.receivedSince(switched).stream().anyMatch(p -> p.payloadType() == 8));
        }
    }

    @Test
    void reInviteToAnotherPortMovesTheAudioThere() throws Exception {
        // This phone keeps sending its RTP from its first port, and with rtp.latching=auto the bridge
        // rightly follows where a caller's RTP comes from (NAT): the SDP move alone is seen with it off.
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("rtp.latching", "off").start();
             DatagramSocket moved = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone caller = lateOfferCallerInLobby(bridge, meeting, "mover");
            AtomicInteger arrivedThere = new AtomicInteger();
            Thread listener = listen(moved, arrivedThere);

            assertEquals(200, caller.reInvite(SdpOffer.PCMU_PCMA_TELEPHONE_EVENT, moved.getLocalPort(), "sendrecv")
                    .statusCode());
            await("hold music arrives on the new port").atMost(IVR_STEP).until(() -> arrivedThere.get() >= 50);
            await("and no longer on the old one").atMost(IVR_STEP).during(QUIET)
                    .until(() -> caller.receivedSince(System.nanoTime() - WINDOW.toNanos()).isEmpty());
            listener.interrupt();
        }
    }

    @Test
    void heldCallGetsNothingAndResumedCallHearsAgain() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone caller = lateOfferCallerInLobby(bridge, meeting, "holder");

            SipMessage held = caller.reInvite(SdpOffer.PCMU_PCMA_TELEPHONE_EVENT, caller.rtpPort(), "sendonly");
            assertTrue(held.bodyLines().contains("a=recvonly"), held.body());
            await("nothing is sent while held").atMost(IVR_STEP).during(QUIET)
                    .until(() -> caller.receivedSince(System.nanoTime() - WINDOW.toNanos()).isEmpty());

            SipMessage inactive = caller.reInvite(SdpOffer.PCMU_PCMA_TELEPHONE_EVENT, caller.rtpPort(), "inactive");
            assertTrue(inactive.bodyLines().contains("a=inactive"), inactive.body());
            long since = System.nanoTime();
            await("still nothing while inactive").atMost(IVR_STEP).during(QUIET)
                    .until(() -> caller.receivedSince(since).isEmpty());

            SipMessage resumed = caller.reInvite(SdpOffer.PCMU_PCMA_TELEPHONE_EVENT, caller.rtpPort(), "sendrecv");
            assertTrue(resumed.bodyLines().contains("a=sendrecv"), resumed.body());
            await("hold music again after resume").atMost(IVR_STEP).until(() -> caller.isHearingAudio(WINDOW));
            assertEquals(1, bridge.status(meeting.conferenceId()).lobbyCount(), "the call stayed in the lobby");
        }
    }

    /** Audible packets of payload type {@code pt} in the last half second, decoded by that type. */
    private static boolean audible(TestPhone phone, int pt) {
        List<ReceivedRtp> recent = phone.receivedSince(System.nanoTime() - WINDOW.toNanos());
        return recent.size() > 10 && recent.stream().allMatch(p -> p.payloadType() == pt) && phone.isHearingAudio(WINDOW);
    }

    private static Thread listen(DatagramSocket socket, AtomicInteger count) throws Exception {
        socket.setSoTimeout(100);
        Thread t = new Thread(() -> {
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (!socket.isClosed() && !Thread.currentThread().isInterrupted()) {
                try {
                    p.setLength(buf.length);
                    socket.receive(p);
                    if (p.getLength() >= 12 && (buf[0] & 0xC0) == 0x80) {
                        count.incrementAndGet();
                    }
                } catch (SocketTimeoutException e) {
                    // poll the interrupt flag
                } catch (java.io.IOException e) {
                    return;
                }
            }
        }, "moved-rtp");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
