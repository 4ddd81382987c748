package io.confbridge.server;

import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SippCaller;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Calls whose caller vanished without a BYE end by themselves (issue 8, dead calls). */
class DeadCallTest {
    private static final long KEEPALIVE_MS = 1_000;
    /** RFC 3261 Timer F with the default T1 of 500 ms: how long an unanswered OPTIONS is retried. */
    private static final long TIMER_F_MS = 64 * 500;
    /** Scheduling and the hang-up's way to the meeting's loop. */
    private static final long SLACK_MS = 5_000;

    @TempDir
    Path dataDir;
    @TempDir
    Path sippDir;

    @Test
    void callerKilledMidCallLeavesTheLobbyWithinTwoKeepalivesAndTimerF() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir)
                .with("sip.keepaliveIntervalMs", Long.toString(KEEPALIVE_MS)).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            try (SippCaller caller = SippCaller.call("caller-stays.xml", bridge.sipPort(), meeting.conferenceId(), sippDir)) {
                callerKilledLeaves(bridge, meeting, caller);
            }
        }
    }

    private static void callerKilledLeaves(RunningBridge bridge, TestMeeting meeting, SippCaller caller) throws Exception {
        {
            await("SIPp caller waits in the lobby").atMost(IVR_STEP)
                    .failFast("sipp exited: " + caller.output(), () -> !caller.isAlive())
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);
            // Alive callers answer the OPTIONS: several keepalive intervals pass and the call stays.
            await("caller stays while it answers keepalives").during(Duration.ofMillis(3 * KEEPALIVE_MS))
                    .atMost(Duration.ofMillis(5 * KEEPALIVE_MS))
                    .until(() -> caller.isAlive() && bridge.status(meeting.conferenceId()).lobbyCount() == 1);

            caller.kill();
            long killedAt = System.nanoTime();
            long boundMs = 2 * KEEPALIVE_MS + TIMER_F_MS + SLACK_MS;
            await("killed caller leaves the lobby").atMost(Duration.ofMillis(boundMs))
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 0);
            long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
            // Not ended by anything faster than the keepalive path: an unanswered OPTIONS runs its Timer F.
            assertTrue(tookMs >= TIMER_F_MS - KEEPALIVE_MS, "left after " + tookMs + " ms");
            await("the call released its ports").atMost(Duration.ofSeconds(5))
                    .until(() -> bridge.server().liveCalls() == 0);
        }
    }

    @Test
    void callerWhoStopsSendingMediaIsEndedAfterTheInactivityTimeout() throws Exception {
        long timeoutMs = 1_000;
        try (RunningBridge bridge = RunningBridge.in(dataDir)
                .with("rtp.inactivityTimeoutMs", Long.toString(timeoutMs)).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone caller = bridge.newPhone("goes-quiet");
            dialAndAnswered(caller, meeting.conferenceId());
            caller.startSilence();
            awaitHearing(caller);
            await("caller waits in the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);
            // Silence is media too: a caller sending it is kept, for several timeouts.
            await("a caller sending RTP stays").during(Duration.ofMillis(3 * timeoutMs))
                    .atMost(Duration.ofMillis(5 * timeoutMs))
                    .until(() -> !caller.byeReceivedFromBridge() && bridge.status(meeting.conferenceId()).lobbyCount() == 1);

            caller.stopTone();
            long stoppedAt = System.nanoTime();
            assertTrue(caller.awaitByeFromBridge(Duration.ofMillis(timeoutMs * 5 / 4 + SLACK_MS)), "BYE after the timeout");
            long tookMs = (System.nanoTime() - stoppedAt) / 1_000_000;
            assertTrue(tookMs >= timeoutMs - 100, "not before the timeout: " + tookMs + " ms");
            await("the quiet caller left the lobby").atMost(Duration.ofSeconds(5))
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 0);
        }
    }

    @Test
    void withoutInactivityTimeoutACallerSendingNothingStays() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone caller = bridge.newPhone("never-sends");
            dialAndAnswered(caller, meeting.conferenceId());
            await("caller waits in the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);
            await("no RTP sent, and the call stays").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);
            assertFalse(caller.byeReceivedFromBridge());
        }
    }
}
