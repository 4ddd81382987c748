package io.confbridge.sip.support;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RTP ports of the bridges under test lie outside the ephemeral range, where the kernel hands ports to
 * other sockets at random (a bind of one of them fails "Address already in use"), and outside the bridge's
 * default range, where a developer's own bridge runs.
 */
class TestRtpRangeTest {
    /** Linux's default {@code net.ipv4.ip_local_port_range}, when this machine's cannot be read. */
    private static final int[] LINUX_DEFAULT_EPHEMERAL = {32768, 60999};
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    @Test
    void everyRtpBlockIsOutsideTheEphemeralRangeAndTheDefaultRange() throws IOException {
        int[] ephemeral = ephemeralRange();
        for (int i = 0; i < 60; i++) {
            int first = FreePorts.rtpBlockStart();
            int last = first + FreePorts.RTP_BLOCK_SIZE - 1;
            assertTrue(last < ephemeral[0] || first > ephemeral[1], "block " + first + "-" + last
                    + " overlaps the ephemeral ports " + ephemeral[0] + "-" + ephemeral[1]);
            assertTrue(last < LINUX_DEFAULT_EPHEMERAL[0] || first > LINUX_DEFAULT_EPHEMERAL[1],
                    "block " + first + "-" + last + " overlaps Linux's default ephemeral ports");
            assertTrue(last < 20000 || first > 29999, "block " + first + "-" + last
                    + " overlaps the bridge's default RTP range 20000-29999");
        }
    }

    private static int[] ephemeralRange() throws IOException {
        if (!Files.isReadable(EPHEMERAL_RANGE)) {
            return LINUX_DEFAULT_EPHEMERAL;
        }
        // Read as a stream: /proc reports a size of 0, which the whole-file readers trust.
        String text;
        try (InputStream in = Files.newInputStream(EPHEMERAL_RANGE)) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        String[] bounds = text.trim().split("\\s+");
        return new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])};
    }
}
