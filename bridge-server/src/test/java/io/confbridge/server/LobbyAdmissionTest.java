package io.confbridge.server;

import io.confbridge.meeting.Meeting;
import io.confbridge.server.support.DialInSteps;
import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.ReceivedRtp;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 §5: a lobby let in by the organizer's PIN in one pass. Every caller hears the meeting, and
 * the admission is reported split in two: {@code #} → PIN verified, and verified → the last caller's
 * first meeting packet (a log line and the {@code confbridge_admission_*} metrics). How fast it is is
 * the bench's business ({@code bench/run.sh meeting}), not this test's.
 */
class LobbyAdmissionTest {
    private static final int CALLERS = 6;
    private static final Duration TONE_WINDOW = Duration.ofSeconds(1);
    private static final Pattern SPLIT = Pattern.compile("lobby of (\\d+) admitted; # -> PIN verified ([0-9.]+) ms; "
            + "verified -> first caller ([0-9.]+) ms, verified -> last caller ([0-9.]+) ms");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void everyLobbyCallerHearsTheMeetingAndTheAdmissionIsTimedInTwoParts() throws Exception {
        try (LogCapture log = LogCapture.start();
             RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            List<TestPhone> callers = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                TestPhone caller = bridge.newPhone("caller" + i);
                dialAndAnswered(caller, id);
                callers.add(caller);
            }
            await("every caller in the lobby").atMost(IVR_STEP).until(() -> bridge.status(id).lobbyCount() == CALLERS);

            TestPhone organizer = bridge.newPhone("organizer");
            dialAndAnswered(organizer, id);
            DialInSteps.awaitHearing(organizer);
            long beforePound = System.nanoTime();
            DialInSteps.type(organizer, "*" + meeting.organizerPin() + "#");
            await("the meeting starts with the whole lobby").atMost(IVR_STEP).until(() -> {
                Meeting.Status s = bridge.status(id);
                return s.started() && s.participantCount() == CALLERS + 1 && s.lobbyCount() == 0;
            });

            // Each caller's meeting audio begins with a marked packet (a new talkspurt) after the #.
            for (TestPhone caller : callers) {
                await(caller.name() + " gets its first meeting packet").atMost(IVR_STEP).until(() ->
                        caller.receivedSince(beforePound).stream().anyMatch(ReceivedRtp::marker));
            }
            organizer.startTone(1000, -12);
            for (TestPhone caller : callers) {
                await(caller.name() + " hears the organizer").atMost(IVR_STEP).until(() ->
                        caller.toneLevel(1000, TONE_WINDOW) > 0.6);
            }

            Matcher split = await("the admission's timing in the log").atMost(IVR_STEP).until(() -> {
                for (String line : log.lines()) {
                    Matcher m = SPLIT.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
                return null;
            }, m -> m != null);
            assertEquals(CALLERS, Integer.parseInt(split.group(1)), "callers counted: " + split.group(0));
            double pinMs = Double.parseDouble(split.group(2));
            double firstMs = Double.parseDouble(split.group(3));
            double lastMs = Double.parseDouble(split.group(4));
            assertTrue(pinMs > 0, "Argon2 takes time: " + split.group(0));
            assertTrue(firstMs <= lastMs, split.group(0));
            String logged = String.join("\n", log.lines());
            assertFalse(logged.contains(meeting.organizerPin()), "the PIN must never be logged");

            String scrape = get(bridge, "/metrics");
            assertEquals(1.0, value(scrape, "confbridge_admission_pin_seconds_count"), scrape);
            assertEquals(1.0, value(scrape, "confbridge_admission_lobby_seconds_count"), scrape);
            assertTrue(value(scrape, "confbridge_admission_pin_seconds_sum") > 0);
        }
    }

    private static String get(RunningBridge bridge, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.server().adminPort() + path))
                .timeout(Duration.ofSeconds(10)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double value(String scrape, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(scrape);
        assertTrue(m.find(), "no sample " + sample);
        return Double.parseDouble(m.group(1));
    }
}
