package io.confbridge.server;

import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Callers behind NAT (issue 8 point 1): their SDP and Contact name private addresses where nothing
 * listens, and the bridge must reach them where their packets really come from (RFC 4961 symmetric
 * RTP, RFC 3581 rport, in-dialog requests to the source of the caller's requests).
 */
class CallersBehindNatTest {
    /** Nothing listens here: a private address and port the bridge cannot reach. */
    private static final InetSocketAddress PRIVATE_MEDIA = new InetSocketAddress("127.0.0.99", 40000);
    private static final String PRIVATE_SIP = "127.0.0.99:5099";
    private static final Duration CADENCE_WINDOW = Duration.ofSeconds(2);

    @TempDir
    Path dataDir;

    @Test
    void callerWhoseSdpNamesAPrivateAddressHearsHoldMusicWhereItsRtpComesFrom() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone caller = bridge.newPhone("natted");
            caller.behindNat(null, PRIVATE_MEDIA);

            dialAndAnswered(caller, "bridge"); // it talks (silence) from its own RTP port at once
            awaitHearing(caller);
            type(caller, meeting.conferenceId() + "#");
            await("the caller waits in the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);

            await("hold music reaches the port the caller's RTP comes from").atMost(IVR_STEP).untilAsserted(() -> {
                int recent = caller.receivedSince(System.nanoTime() - CADENCE_WINDOW.toNanos()).size();
                assertTrue(recent >= 90, "packets in 2 s: " + recent);
                assertTrue(caller.isHearingAudio(CADENCE_WINDOW), "RMS " + caller.audioRms(CADENCE_WINDOW));
            });
        }
    }

    @Test
    void callerWhoseContactIsPrivateGetsTheBridgesByeWhereItsInviteCameFrom() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("ivr.lobbyTimeoutMs", "1000").start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone caller = bridge.newPhone("natted");
            caller.behindNat(PRIVATE_SIP, PRIVATE_MEDIA);

            // The INVITE's responses come back only if the bridge answers to its source port (rport).
            dialAndAnswered(caller, "bridge");
            awaitHearing(caller);
            type(caller, meeting.conferenceId() + "#");
            await("the caller waits in the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);

            assertTrue(caller.awaitByeFromBridge(IVR_STEP),
                    "the lobby timeout's BYE reaches the port the INVITE came from, not " + PRIVATE_SIP);
            await("the call is gone").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 0);
        }
    }

    @Test
    void callerWhoseContactIsPrivateGetsTheByeWhenAnAdminEndsTheMeeting() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            TestPhone caller = bridge.newPhone("natted");
            caller.behindNat(PRIVATE_SIP, PRIVATE_MEDIA);
            dialAndAnswered(caller, "bridge");
            awaitHearing(caller);
            type(caller, id + "#");
            await("the caller waits in the lobby").atMost(IVR_STEP).until(() -> bridge.status(id).lobbyCount() == 1);

            RunningBridge.AdminReply ended = bridge.admin("POST", "/api/meetings/" + id + "/end", "{}");
            assertEquals(200, ended.status(), ended.body());
            assertTrue(caller.awaitByeFromBridge(IVR_STEP), "the BYE reaches the port the INVITE came from");
        }
    }
}
