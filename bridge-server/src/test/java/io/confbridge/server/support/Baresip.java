package io.confbridge.server.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * baresip, a real softphone, run as a process of its own for a test: no sound card (it plays nothing and
 * sends its {@code ausine} tone), the modules asked for, one account, one call dialled at start. Its
 * console output is kept in a log file the test can read and show when it fails.
 */
public final class Baresip implements AutoCloseable {
    private final Path configDir;
    private final Process process;

    private Baresip(Path configDir, Process process) {
        this.configDir = configDir;
        this.process = process;
    }

    /** Whether baresip is on the PATH. */
    public static boolean installed() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "baresip"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Skips the test when baresip is missing on a developer's machine; on CI (which installs it) a
     * missing baresip fails the test instead.
     */
    public static void assumeInstalled() {
        boolean installed = installed();
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(installed, "CI must install baresip (.ci/run installs baresip-core)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(installed,
                "baresip is not installed (Debian: apt-get install baresip-core)");
    }

    /**
     * Starts baresip listening on 127.0.0.1:{@code sipPort}, sending a 440 Hz sine, with the codec and
     * other {@code modules} given (g711.so, g722.so, srtp.so, cons.so...) and {@code extraConfig} lines,
     * and dials {@code uri} from the account line {@code account}.
     */
    public static Baresip dial(String uri, int sipPort, String account, List<String> modules, List<String> extraConfig)
            throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "baresip-" + System.nanoTime())).toAbsolutePath();
        List<String> config = new ArrayList<>(List.of(
                "poll_method epoll",
                "sip_listen 127.0.0.1:" + sipPort,
                // Its own RTP ports, away from the blocks the tests' bridges take (10000-19999, FreePorts).
                "rtp_ports 30000-32700",
                "audio_player none,none", // no sound card: nothing plays what the bridge sends
                "audio_source ausine,440",
                "ausrc_srate 48000", // ausine makes 48 kHz stereo only; baresip resamples to the codec's rate
                "ausrc_channels 2",
                "audio_alert none,none",
                "module_path /usr/lib/baresip/modules",
                "module ausine.so"));
        for (String module : modules) {
            config.add("module " + module);
        }
        config.add("module_app account.so");
        config.add("module_app menu.so");
        config.addAll(extraConfig);
        config.add("");
        Files.writeString(dir.resolve("config"), String.join("\n", config));
        Files.writeString(dir.resolve("accounts"), account + "\n");
        Process process = new ProcessBuilder("baresip", "-f", dir.toString(), "-t", "60", "-e", "/dial " + uri)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("baresip.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        return new Baresip(dir, process);
    }

    /** baresip's configuration directory (where its {@code sndfile} module is told to write, for example). */
    public Path directory() {
        return configDir;
    }

    /** What baresip printed so far. */
    public String log() {
        try {
            return Files.readString(configDir.resolve("baresip.log"));
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
