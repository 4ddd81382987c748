package io.confbridge.server;

import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.sip.support.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.io.File;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * baresip, a real softphone, calls the bridge over SIP/TLS with {@code mediaenc srtp-mand} (RTP/SAVP, SDES
 * keys): the bridge answers in SRTP and baresip's DTMF keys, RFC 4733 events inside SRTP, take it to the
 * lobby. Skipped only when baresip is not installed on a developer's machine; CI installs it, and there
 * a missing baresip fails the test.
 */
class BaresipSrtpTest {
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

    static boolean baresipInstalled() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "baresip"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void baresipWithMandatorySrtpOverTlsTypesItsWayToTheLobby() throws Exception {
        boolean installed = baresipInstalled();
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(installed, "CI must install baresip (.ci/run installs baresip-core)");
        }
        Assumptions.assumeTrue(installed, "baresip is not installed (Debian: apt-get install baresip-core)");

        try (LogCapture logs = LogCapture.start();
             RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            int tlsPort = Integer.parseInt(bridge.overrides().get("sip.tlsPort"));
            int consPort = FreePorts.sipPort();
            startBaresip(tlsPort, consPort);

            await("baresip's call is answered in SRTP").atMost(CALL_UP).until(() -> logs.lines().stream()
                    .anyMatch(l -> l.contains("accepted:") && l.contains("over SRTP AES_CM_128_HMAC_SHA1_80")));
            await("baresip hears the bridge").atMost(CALL_UP).until(() -> log().contains("Call established"));

            // baresip's console (cons module, UDP): a long command sending the keys as RFC 4733 events.
            try (DatagramSocket console = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                byte[] command = ("/sndcode " + meeting.conferenceId() + "#\n").getBytes(StandardCharsets.US_ASCII);
                console.send(new DatagramPacket(command, command.length, InetAddress.getLoopbackAddress(), consPort));
            }
            await("baresip's keys, in SRTP, take it to the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);
            assertTrue(log().contains("SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_80)"), log());
        } catch (TestAbortedException skipped) {
            throw skipped; // e.g. no PostgreSQL for this run
        } catch (Throwable t) {
            throw new AssertionError(t.getMessage() + "\nbaresip said:\n" + log(), t);
        }
    }

    private void startBaresip(int tlsPort, int consPort) throws Exception {
        configDir = Files.createDirectories(Path.of("target", "baresip-" + System.nanoTime())).toAbsolutePath();
        int sipPort;
        do {
            sipPort = FreePorts.sipPort(); // the kernel may offer the console's port again
        } while (sipPort == consPort);
        Files.writeString(configDir.resolve("config"), String.join("\n",
                "poll_method epoll",
                "sip_listen 127.0.0.1:" + sipPort,
                "audio_player none,none", // no sound card: nothing plays what the bridge sends
                "audio_source ausine,440",
                "ausrc_srate 48000", // ausine makes 48 kHz stereo only; baresip resamples to G.711's 8 kHz
                "ausrc_channels 2",
                "audio_alert none,none",
                "module_path /usr/lib/baresip/modules",
                "module g711.so",
                "module ausine.so",
                "module srtp.so",
                "module cons.so",
                "module_app account.so",
                "module_app menu.so",
                "cons_listen 127.0.0.1:" + consPort,
                "") );
        Files.writeString(configDir.resolve("accounts"),
                "<sip:caller@127.0.0.1;transport=tls>;regint=0;mediaenc=srtp-mand;audio_codecs=PCMU\n");
        ProcessBuilder builder = new ProcessBuilder("baresip", "-f", configDir.toString(), "-t", "60",
                "-e", "/dial sip:bridge@127.0.0.1:" + tlsPort + ";transport=tls")
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
