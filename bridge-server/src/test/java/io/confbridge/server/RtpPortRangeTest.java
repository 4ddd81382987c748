package io.confbridge.server;

import io.confbridge.sip.support.FreePorts;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.sip.support.SipMessage;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The RTP port range is shared with every other socket on the machine: a port something else holds is
 * skipped, and a caller for whom no pair can be bound is refused with an answer, never left waiting.
 */
class RtpPortRangeTest {

    @TempDir
    Path dataDir;

    private final List<DatagramSocket> held = new ArrayList<>();

    @AfterEach
    void release() {
        held.forEach(DatagramSocket::close);
    }

    @Test
    void aCallGetsPortsWhenAnotherSocketHoldsAPortOfTheRange() throws Exception {
        int first = FreePorts.rtpBlockStart();
        hold(first);
        try (RunningBridge bridge = RunningBridge.in(dataDir)
                .with("rtp.portMin", Integer.toString(first))
                .with("rtp.portMax", Integer.toString(first + 3))
                .start()) {
            TestPhone caller = bridge.newPhone("caller");

            assertEquals(200, caller.dial("bridge"));

            assertEquals(first + 2, caller.answer().rtpAddress().getPort(), "the taken pair is skipped");
        }
    }

    @Test
    void aCallForWhomNoPortPairCanBeBoundGets503WithRetryAfter() throws Exception {
        int first = FreePorts.rtpBlockStart();
        hold(first);
        hold(first + 3);
        try (RunningBridge bridge = RunningBridge.in(dataDir)
                .with("rtp.portMin", Integer.toString(first))
                .with("rtp.portMax", Integer.toString(first + 3))
                .start()) {
            TestPhone caller = bridge.newPhone("caller");

            assertEquals(503, caller.dial("bridge"));

            SipMessage refused = caller.finalInviteResponse().orElseThrow();
            String retryAfter = refused.header("Retry-After").orElseThrow(() -> new AssertionError(refused.toString()));
            assertTrue(Integer.parseInt(retryAfter.trim()) > 0, retryAfter);
            assertEquals(0, bridge.server().liveCalls());
        }
    }

    private void hold(int port) throws IOException {
        held.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    }
}
