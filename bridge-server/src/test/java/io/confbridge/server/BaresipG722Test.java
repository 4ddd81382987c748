package io.confbridge.server;

import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import io.confbridge.sip.support.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private Process baresip;
    private Path configDir;

    @AfterEach
    void stopBaresip() throws Exception {
        if (baresip != null) {
            baresip.destroy();
            if (!baresip.waitFor(5, TimeUnit.SECONDS)) {
                baresip.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void baresipInG722IsHeardByAG711Caller() throws Exception {
        boolean installed = BaresipSrtpTest.baresipInstalled();
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(installed, "CI must install baresip (.ci/run installs baresip-core)");
        }
        Assumptions.assumeTrue(installed, "baresip is not installed (Debian: apt-get install baresip-core)");

        try (LogCapture logs = LogCapture.start();
             RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(false);
            String id = meeting.conferenceId();
            TestPhone listener = bridge.newPhone("listener");
            dialAndAnswered(listener, id);
            startBaresip(bridge.sipPort(), id);

            await("baresip's call is answered in G.722").atMost(CALL_UP).until(() -> logs.lines().stream()
                    .anyMatch(l -> l.contains("accepted: G722 pt 9")));
            await("both in the meeting").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 2);
            await("the G.711 caller hears baresip's 440 Hz").atMost(IVR_STEP)
                    .until(() -> listener.toneLevel(440, Duration.ofSeconds(1)) > 0.8);
        } catch (TestAbortedException skipped) {
            throw skipped; // e.g. no PostgreSQL for this run
        } catch (Throwable t) {
            throw new AssertionError(t.getMessage() + "\nbaresip said:\n" + log(), t);
        }
    }

    private void startBaresip(int bridgeSipPort, String conferenceId) throws Exception {
        configDir = Files.createDirectories(Path.of("target", "baresip-g722-" + System.nanoTime())).toAbsolutePath();
        int sipPort = FreePorts.sipPort();
        Files.writeString(configDir.resolve("config"), String.join("\n",
                "poll_method epoll",
                "sip_listen 127.0.0.1:" + sipPort,
                "audio_player none,none", // no sound card: nothing plays what the bridge sends
                "audio_source ausine,440",
                "ausrc_srate 48000", // ausine makes 48 kHz stereo only; baresip resamples to G.722's 16 kHz
                "ausrc_channels 2",
                "audio_alert none,none",
                "module_path /usr/lib/baresip/modules",
                "module g722.so",
                "module ausine.so",
                "module_app account.so",
                "module_app menu.so",
                ""));
        Files.writeString(configDir.resolve("accounts"), "<sip:caller@127.0.0.1>;regint=0;audio_codecs=G722\n");
        ProcessBuilder builder = new ProcessBuilder("baresip", "-f", configDir.toString(), "-t", "60",
                "-e", "/dial sip:" + conferenceId + "@127.0.0.1:" + bridgeSipPort)
                .redirectErrorStream(true)
                .redirectOutput(configDir.resolve("baresip.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        baresip = builder.start();
    }

    private String log() {
        try {
            return configDir == null ? "" : Files.readString(configDir.resolve("baresip.log"));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
