package io.confbridge.server.ops;

import io.confbridge.prompt.Prompt;
import io.confbridge.prompt.PromptLibrary;
import io.confbridge.server.ShutdownSignals;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static io.confbridge.server.ops.MetricsAndHealthTest.get;
import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitHearsPromptAmid;
import static io.confbridge.server.support.DialInSteps.organizerDialsInWithPin;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10 §7 with a live call, through {@link ShutdownSignals#terminate()}: the very method the SIGTERM
 * handler calls.
 */
class GracefulDrainTest {
    private static final long DRAIN_MS = 4_000;

    @TempDir
    Path dataDir;

    @Test
    void firstTermDrainsThenTheCallerHearsTheEndingAndGetsBye() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("shutdown.drainMs", Long.toString(DRAIN_MS))
                .start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone organizer = bridge.newPhone("organizer");
            organizerDialsInWithPin(organizer, meeting.conferenceId(), meeting.organizerPin());
            await("organizer in the meeting").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).participantCount() == 1);

            AtomicInteger exitCode = new AtomicInteger(-1);
            ShutdownSignals signals = new ShutdownSignals(bridge.server(),
                    Duration.ofMillis(bridge.server().config().operations().drainMs()), exitCode::set);
            long termAt = System.nanoTime();
            signals.terminate();

            await("ready says draining").atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                var ready = get(bridge, "/health/ready", null);
                assertEquals(503, ready.statusCode());
                assertTrue(ready.body().contains("draining"), ready.body());
            });
            assertEquals(200, get(bridge, "/health/live", null).statusCode());

            TestPhone late = bridge.newPhone("late");
            assertEquals(503, late.dial(meeting.conferenceId()));
            assertTrue(late.finalInviteResponse().orElseThrow().header("Retry-After").isPresent(),
                    "503 with Retry-After");
            // A load balancer's probe (Kamailio's dispatcher OPTIONS) hears the drain and marks the node down.
            assertEquals(503, bridge.newPhone("probe").sendOptions(), "OPTIONS while draining");

            assertFalse(organizer.byeReceivedFromBridge(), "the call goes on while the bridge drains");
            assertEquals(1, bridge.server().liveCalls());

            assertTrue(organizer.awaitByeFromBridge(Duration.ofMillis(DRAIN_MS + 15_000)), "BYE after the drain");
            long byeAfterMs = (System.nanoTime() - termAt) / 1_000_000;
            assertTrue(byeAfterMs >= DRAIN_MS, "BYE only after shutdown.drainMs: " + byeAfterMs + " ms");
            awaitHearsPromptAmid(organizer, termAt, PromptLibrary.builtIn("en").get(Prompt.MEETING_ENDING));
            await("the bridge exits 0 once drained").atMost(Duration.ofSeconds(20)).until(() -> exitCode.get() == 0);
        }
    }

    @Test
    void secondTermStopsAtOnce() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("shutdown.drainMs", "600000").start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            TestPhone organizer = bridge.newPhone("organizer");
            organizerDialsInWithPin(organizer, meeting.conferenceId(), meeting.organizerPin());
            await("organizer in the meeting").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).participantCount() == 1);

            AtomicInteger exits = new AtomicInteger();
            ShutdownSignals signals = new ShutdownSignals(bridge.server(), Duration.ofMinutes(10),
                    code -> exits.incrementAndGet());
            signals.terminate();
            await("draining").atMost(Duration.ofSeconds(5)).until(() -> bridge.server().draining());
            assertEquals(0, exits.get(), "the first SIGTERM waits for the call");
            signals.terminate();
            assertEquals(1, exits.get(), "the second SIGTERM exits at once");
            assertTrue(organizer.awaitByeFromBridge(Duration.ofSeconds(10)), "the call is ended by the stop");
        }
    }
}
