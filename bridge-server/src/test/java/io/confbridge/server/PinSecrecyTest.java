package io.confbridge.server;

import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitBridgeSpeaksAfter;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static io.confbridge.server.support.DialInSteps.type;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** SPEC §5: a PIN is never logged, at any level, from provisioning through entry on the phone to hang-up. */
class PinSecrecyTest {

    @TempDir
    Path dataDir;

    @Test
    void noPinInLogs() throws Exception {
        TestMeeting meeting;
        try (LogCapture logs = LogCapture.start()) {
            try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
                meeting = bridge.newMeeting(true);
                String id = meeting.conferenceId();
                TestPhone organizer = bridge.newPhone("organizer");
                dialAndAnswered(organizer, id);
                awaitHearing(organizer);
                // One wrong try first, so the failure path's logging is covered too.
                long typedAt = type(organizer, "*" + meeting.wrongPin() + "#");
                awaitBridgeSpeaksAfter(organizer, typedAt);
                type(organizer, meeting.organizerPin() + "#");
                await("the right PIN starts the meeting").atMost(IVR_STEP)
                        .until(() -> bridge.status(id).started());
                assertEquals(200, organizer.hangUp());
                await().atMost(IVR_STEP).until(() -> !bridge.status(id).started());
            }

            List<String> lines = logs.lines();
            assertFalse(lines.isEmpty(), "the capture saw the bridge's logging at all");
            assertEquals(List.of(), linesContaining(lines, meeting.organizerPin()), "lines with the PIN");
            assertEquals(List.of(), linesContaining(lines, meeting.wrongPin()), "lines with the wrong PIN");
        }
    }

    /** Lines where the digits stand alone, not inside a longer number such as a port or a timestamp. */
    private static List<String> linesContaining(List<String> lines, String pin) {
        Pattern standalone = Pattern.compile("(?<![0-9])" + Pattern.quote(pin) + "(?![0-9])");
        return lines.stream().filter(line -> standalone.matcher(line).find()).toList();
    }
}
