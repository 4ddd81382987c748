package io.confbridge.server.admin;

import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A meeting started from the app that nobody dials into ends by itself after
 * {@code ivr.idleMeetingTimeoutMs}, instead of staying "active" for ever.
 */
class IdleMeetingTest {
    @TempDir
    Path dataDir;

    @Test
    void anEmptyMeetingStartedFromTheAppEndsAfterTheIdleTime() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("ivr.idleMeetingTimeoutMs", "1500").start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();

            RunningBridge.AdminReply started = bridge.admin("POST", "/api/meetings/" + id + "/start", "{}");
            assertEquals(200, started.status(), started.body());
            assertTrue(bridge.status(id).started(), "started from the app with nobody in it");

            await("the empty meeting ends").atMost(Duration.ofSeconds(10)).until(() -> !bridge.status(id).started());
            assertEquals(0, bridge.status(id).lobbyCount());
            assertEquals(0, bridge.status(id).participantCount());
        }
    }
}
