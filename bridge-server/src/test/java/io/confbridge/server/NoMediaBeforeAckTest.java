package io.confbridge.server;

import io.confbridge.server.support.RunningBridge;
import io.confbridge.sip.support.SipMessage;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Hostile traffic (issue 9 point 1): an INVITE whose SDP names someone else's port must not turn the
 * bridge into a media cannon. Until the ACK of its 200 (or the caller's own first RTP) the bridge sends
 * no RTP at all.
 */
class NoMediaBeforeAckTest {
    /** Long enough for the welcome prompt to have started many times over had it been sent. */
    private static final Duration WATCH = Duration.ofSeconds(2);

    @TempDir
    Path dataDir;

    @Test
    void anInviteNeverAcknowledgedGetsNoRtpAtTheSdpPort() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start();
             SipTestClient sip = SipTestClient.udp(bridge.sipPort());
             DatagramSocket victim = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            victim.setSoTimeout(50);
            TestDialog dialog = sip.dialog("bridge").from("spoofer");
            String sdp = "v=0\r\no=spoofer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio " + victim.getLocalPort() + " RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
                    + "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";
            SipMessage ok = sip.start(dialog.invite(sdp)).finalResponse().get(10, TimeUnit.SECONDS);
            assertEquals(200, ok.statusCode(), "the bridge answers; the test never ACKs");

            AtomicInteger packets = new AtomicInteger();
            byte[] buffer = new byte[1500];
            await("no RTP reaches the port the unacknowledged SDP named")
                    .during(WATCH).atMost(WATCH.plusSeconds(2))
                    .until(() -> {
                        try {
                            victim.receive(new DatagramPacket(buffer, buffer.length));
                            packets.incrementAndGet();
                        } catch (SocketTimeoutException quiet) {
                            // nothing this poll
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        return packets.get() == 0;
                    });
        }
    }
}
