package io.confbridge.server.support;

import io.confbridge.sip.support.FreePorts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real SIP user agent in a process of its own: SIPp (Debian package {@code sip-tester}) running one
 * call of a scenario from {@code src/test/resources/sipp}, with {@code -aa} so that it answers the
 * bridge's in-dialog OPTIONS while it lives. {@link #kill()} ends it with SIGKILL: no BYE, no answer
 * to anything after, as when a phone loses power.
 */
public final class SippCaller implements AutoCloseable {

    private final Process process;
    private final Path output;

    private SippCaller(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /**
     * Starts {@code sipp} calling {@code requestUriUser} at the bridge on 127.0.0.1:{@code bridgeSipPort}
     * over UDP with {@code scenario} (a file name under {@code sipp/} on the test class path).
     */
    public static SippCaller call(String scenario, int bridgeSipPort, String requestUriUser, Path workDir)
            throws IOException {
        Path scenarioFile = workDir.resolve(scenario);
        try (InputStream in = SippCaller.class.getResourceAsStream("/sipp/" + scenario)) {
            if (in == null) {
                throw new IllegalArgumentException("no scenario sipp/" + scenario + " on the test class path");
            }
            Files.copy(in, scenarioFile, StandardCopyOption.REPLACE_EXISTING);
        }
        Path output = workDir.resolve(scenario + ".out");
        int[] sippPorts = FreePorts.sipPorts(2);
        List<String> command = List.of("sipp", "127.0.0.1:" + bridgeSipPort,
                "-sf", scenarioFile.toString(), "-s", requestUriUser, "-m", "1", "-aa", "-nostdin",
                "-i", "127.0.0.1", "-mi", "127.0.0.1",
                "-p", Integer.toString(sippPorts[0]), "-mp", Integer.toString(sippPorts[1]),
                "-timeout", "300");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        try {
            return new SippCaller(builder.start(), output);
        } catch (IOException e) {
            throw new IOException("cannot run sipp (Debian/Ubuntu package sip-tester): " + e.getMessage(), e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("sipp did not die after SIGKILL");
        }
    }

    /** The tail of what SIPp printed, for failure messages. */
    public String output() {
        try {
            String text = Files.readString(output);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
