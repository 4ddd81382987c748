package io.confbridge.server;

import io.confbridge.server.support.ReceivedRtp;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import io.confbridge.server.support.ToneMeter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 §4: a caller whose packets reach the bridge with up to 80 ms of jitter (and out of order)
 * is heard without gaps: the jitter buffer deepens to the measured jitter, and the depth shows in
 * {@code confbridge_jitter_buffer_depth_seconds}.
 */
class JitteryCallerTest {
    private static final int MAX_DELAY_MS = 80;
    /** A frame of the listener's audio below this RMS is a gap (the talker's -12 dBFS tone is ~5,000). */
    private static final double GAP_RMS = 300;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void aCallerSendingWithJitterIsHeardWithoutGaps() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(false);
            String id = meeting.conferenceId();
            TestPhone listener = bridge.newPhone("listener");
            dialAndAnswered(listener, id);
            TestPhone talker = bridge.newPhone("talker");
            dialAndAnswered(talker, id);
            await("both in the meeting").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 2);
            listener.startSilence();
            talker.startJitteryTone(1000, -12, MAX_DELAY_MS, 11);

            await("the listener hears the talker").atMost(IVR_STEP).until(() ->
                    listener.toneLevel(1000, Duration.ofSeconds(1)) > 0.6);
            await("the buffer deepens to the jitter").atMost(IVR_STEP).until(() ->
                    depthMs(bridge, "max") > 40);

            // Once adapted, three seconds of what the listener receives: every frame carries the talker.
            long from = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() > from + TimeUnit.SECONDS.toNanos(3));
            List<ReceivedRtp> heard = listener.receivedSince(from).stream()
                    .filter(ReceivedRtp::isAudio)
                    .filter(p -> p.arrivalNs() < from + TimeUnit.SECONDS.toNanos(3))
                    .toList();
            assertTrue(heard.size() > 120, "about 150 frames in 3 s: " + heard.size());
            long gaps = heard.stream().filter(p -> ToneMeter.rms(p.pcm(), p.pcm().length) < GAP_RMS).count();
            StringBuilder where = new StringBuilder();
            for (int i = 0; i < heard.size(); i++) {
                ReceivedRtp p = heard.get(i);
                if (ToneMeter.rms(p.pcm(), p.pcm().length) < GAP_RMS) {
                    where.append(i).append('@').append((p.arrivalNs() - from) / 1_000_000).append("ms rms ")
                            .append((int) ToneMeter.rms(p.pcm(), p.pcm().length)).append("; ");
                }
            }
            // One frame of slack: on a loaded machine the meeting's loop and the listener's may slip a tick
            // apart (a digital-silence frame from the listener's playout), which is not the jitter buffer.
            assertTrue(gaps <= 1, gaps + " silent frames of " + heard.size() + "; depth now "
                    + depthMs(bridge, "max") + " ms: " + where);
        }
    }

    private static double depthMs(RunningBridge bridge, String stat) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.server().adminPort()
                + "/metrics")).timeout(Duration.ofSeconds(10)).build();
        String scrape = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^confbridge_jitter_buffer_depth_seconds\\{stat=\"" + stat + "\"} (\\S+)$")
                .matcher(scrape);
        assertTrue(m.find(), "no depth gauge in\n" + scrape);
        return Double.parseDouble(m.group(1)) * 1000;
    }
}
