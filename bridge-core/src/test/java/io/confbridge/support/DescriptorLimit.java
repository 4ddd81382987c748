package io.confbridge.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * This test JVM's own file descriptor limit, lowered to what it holds (so that the next socket fails with
 * EMFILE) and restored on close. Set through {@code prlimit} in a shell started beforehand: with no
 * descriptor left, the JVM could not start a process to restore it. Only for tests that run alone in
 * their JVM: every thread of it is out of descriptors meanwhile.
 */
public final class DescriptorLimit implements AutoCloseable {
    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

    private final com.sun.management.UnixOperatingSystemMXBean os =
            (com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long limit = os.getMaxFileDescriptorCount();
    private final Process shell;
    private final BufferedReader answers;
    private boolean lowered;

    private DescriptorLimit() throws IOException {
        shell = new ProcessBuilder("/bin/sh").redirectErrorStream(true).start();
        answers = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** Skips the test where prlimit (util-linux) is missing. */
    public static DescriptorLimit prepare() throws IOException {
        assumeTrue(Files.isExecutable(PRLIMIT), "prlimit (util-linux) is not installed");
        return new DescriptorLimit();
    }

    /** From now on, no new descriptor: the soft limit is what the JVM holds. */
    public void exhaust() throws IOException {
        set(os.getOpenFileDescriptorCount(), limit);
        lowered = true;
    }

    /** The limit as it was. */
    public void restore() throws IOException {
        if (lowered) {
            set(limit, limit);
            lowered = false;
        }
    }

    /**
     * Runs {@code command} in the shell, which has descriptors of its own: how a test reaches this JVM
     * while it has none, e.g. {@code bash -c 'exec 3<>/dev/tcp/127.0.0.1/5060; sleep 2' &}.
     */
    public void inShell(String command) throws IOException {
        run(command, command);
    }

    private void set(long soft, long hard) throws IOException {
        run(PRLIMIT + " --pid " + ProcessHandle.current().pid() + " --nofile=" + soft + ":" + hard, "prlimit");
    }

    private void run(String command, String what) throws IOException {
        shell.getOutputStream().write(("{ " + command + "\n} && echo done || echo failed\n")
                .getBytes(StandardCharsets.US_ASCII));
        shell.getOutputStream().flush();
        assertEquals("done", answers.readLine(), what);
    }

    @Override
    public void close() throws IOException {
        try {
            restore();
        } finally {
            shell.getOutputStream().close();
            shell.destroy();
        }
    }
}
