package io.confbridge.server.support;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Kamailio in a process of its own, running the shipped {@code deploy/kamailio/kamailio.cfg} on
 * 127.0.0.1 and a free UDP port, its dispatcher set pointed at the given bridge nodes, probing them every
 * {@link #PING_INTERVAL_S} s. Needs {@code kamailio} on the PATH (Debian's package, as {@code .ci/run}
 * installs it): skipped without it, failing under {@code CI=true}.
 */
public final class RunningKamailio implements AutoCloseable {
    /** The dispatcher's OPTIONS probe interval the tests run with. */
    public static final int PING_INTERVAL_S = 1;
    /** How long a node may take to answer a new INVITE before the next one is tried. */
    public static final int NODE_TIMEOUT_MS = 2000;

    private final Process process;
    private final int port;
    private final Path log;

    private RunningKamailio(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts Kamailio in front of the nodes' SIP addresses ({@code host:port}); returns once it answers. */
    public static RunningKamailio start(Path dir, String... nodes) throws Exception {
        Path kamailio = onPath("kamailio");
        if (kamailio == null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("kamailio is not on the PATH under CI=true (bash .ci/run installs it)");
        }
        assumeTrue(kamailio != null, "kamailio is not on the PATH");
        Path cfg = Path.of(System.getProperty("user.dir")).getParent().resolve("deploy/kamailio/kamailio.cfg");
        List<String> list = new ArrayList<>();
        for (String node : nodes) {
            list.add("1 sip:" + node);
        }
        Path dispatcherList = Files.write(dir.resolve("dispatcher.list"), list);
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        Path log = dir.resolve("kamailio.log");
        Process process = new ProcessBuilder(kamailio.toString(), "-DD", "-E", "-f", cfg.toString(),
                "-Y", dir.toString(), "-P", dir.resolve("kamailio.pid").toString(),
                "-A", "LISTEN=udp:127.0.0.1:" + port,
                "-A", "DISPATCHER_LIST=\"" + dispatcherList + "\"",
                "-A", "PING_INTERVAL=" + PING_INTERVAL_S,
                "-A", "NODE_TIMEOUT_MS=" + NODE_TIMEOUT_MS)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RunningKamailio running = new RunningKamailio(process, port, log);
        try (TestPhone ping = new TestPhone("kamailio-ping", port, "127.0.0.1")) {
            await("Kamailio answers OPTIONS on 127.0.0.1:" + port).atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertEquals(200, ping.sendOptions(), running.logText()));
        } catch (RuntimeException | AssertionError e) {
            running.close();
            throw e;
        }
        return running;
    }

    private static Path onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        for (String dir : new String[] {"/usr/sbin", "/sbin"}) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The UDP port callers send their INVITEs to, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** What Kamailio logged so far (for failure messages). */
    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
