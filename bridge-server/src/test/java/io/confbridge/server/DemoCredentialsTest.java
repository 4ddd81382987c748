package io.confbridge.server;

import io.confbridge.meeting.Meeting;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.organizerDialsInWithPin;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §6: a fresh data directory gets a demo organizer and meeting, shown once, that work on the phone. */
class DemoCredentialsTest {

    @TempDir
    Path dataDir;

    @Test
    void firstStartPrintsDemoCredentialsOnce() throws Exception {
        try (RunningBridge first = RunningBridge.in(dataDir).start()) {
            BridgeServer.DemoCredentials demo = first.server().demo()
                    .orElseThrow(() -> new AssertionError("no demo credentials on a fresh data directory"));
            assertTrue(demo.conferenceId().matches("[1-9][0-9]{6,8}"), "conference ID of 7–9 digits");
            assertTrue(demo.pin().matches("[0-9]{4,12}"), "PIN of 4–12 digits");
            String id = demo.conferenceId();

            // A guest alone waits: the demo meeting needs its organizer, like any meeting by default.
            TestPhone guest = first.newPhone("guest");
            dialAndAnswered(guest, id);
            await("guest in the demo meeting's lobby").atMost(IVR_STEP)
                    .until(() -> first.status(id).lobbyCount() == 1);

            TestPhone organizer = first.newPhone("demo-organizer");
            organizerDialsInWithPin(organizer, id, demo.pin());
            await("the demo PIN starts the demo meeting").atMost(IVR_STEP).until(() -> {
                Meeting.Status s = first.status(id);
                return s.started() && s.participantCount() == 2 && s.lobbyCount() == 0;
            });
        }

        try (RunningBridge second = RunningBridge.in(dataDir).start()) {
            assertTrue(second.server().demo().isEmpty(), "the demo PIN is shown on the first start only");
        }
    }
}
