package io.confbridge.server;

import io.confbridge.server.support.Baresip;
import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import io.confbridge.sip.support.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;

/**
 * baresip, a real softphone, with its {@code g722} module and nothing else: the bridge answers in G.722,
 * and baresip's 440 Hz (its {@code ausine} source, resampled by baresip to G.722's 16 kHz) reaches a
 * G.711 caller in the same meeting through the mixer's wideband path. Skipped only when baresip is not
 * installed on a developer's machine; CI installs it, and there a missing baresip fails the test.
 */
class BaresipG722Test {
    private static final Duration CALL_UP = Duration.ofSeconds(15);

    @TempDir
    Path dataDir;

    private Baresip baresip;

    @AfterEach
    void stopBaresip() throws Exception {
        if (baresip != null) {
            baresip.close();
        }
    }

    @Test
    void baresipInG722IsHeardByAG711Caller() throws Exception {
        Baresip.assumeInstalled();
        try (LogCapture logs = LogCapture.start();
             RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(false);
            String id = meeting.conferenceId();
            TestPhone listener = bridge.newPhone("listener");
            dialAndAnswered(listener, id);
            baresip = Baresip.dial("sip:" + id + "@127.0.0.1:" + bridge.sipPort(), FreePorts.sipPort(),
                    "<sip:caller@127.0.0.1>;regint=0;audio_codecs=G722", List.of("g722.so"), List.of());

            await("baresip's call is answered in G.722").atMost(CALL_UP).until(() -> logs.lines().stream()
                    .anyMatch(l -> l.contains("accepted: G722 pt 9")));
            await("both in the meeting").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 2);
            await("the G.711 caller hears baresip's 440 Hz").atMost(IVR_STEP)
                    .until(() -> listener.toneLevel(440, Duration.ofSeconds(1)) > 0.8);
        } catch (TestAbortedException skipped) {
            throw skipped; // e.g. no PostgreSQL for this run
        } catch (Throwable t) {
            throw new AssertionError(t.getMessage() + "\nbaresip said:\n" + (baresip == null ? "" : baresip.log()), t);
        }
    }
}
