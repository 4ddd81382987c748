package io.confbridge.server;

import io.confbridge.rtp.RtcpPacket;
import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SdpOffer;
import io.confbridge.server.support.TestPhone;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 3550 §6: the bridge reports on each call every 5 s and reads the caller's reports. */
class RtcpReportsTest {
    /** One report interval of 5 s, plus slack for a loaded machine. */
    private static final int REPORT_WAIT_MS = 7_000;

    @TempDir
    Path dataDir;

    @Test
    void callerGetsSenderReportWithCnameAndItsReceiverReportShowsInTheHangUpLogLine() throws Exception {
        try (LogCapture logs = LogCapture.start();
             RunningBridge bridge = RunningBridge.in(dataDir).with("ivr.digitTimeoutMs", "30000").start()) {
            TestPhone caller = null;
            DatagramSocket rtcp = null;
            for (int attempt = 0; attempt < 5 && rtcp == null; attempt++) { // RTCP goes to RTP port + 1
                if (caller != null) {
                    caller.close();
                }
                caller = bridge.newPhone("caller");
                rtcp = bindOrNull(caller.rtpPort() + 1);
            }
            assertNotNull(rtcp, "no free RTP+1 port for the caller's RTCP");
            try (DatagramSocket socket = rtcp) {
                dialAndAnswered(caller, "bridge");
                awaitHearing(caller);

                socket.setSoTimeout(REPORT_WAIT_MS);
                byte[] in = new byte[1500];
                DatagramPacket datagram = new DatagramPacket(in, in.length);
                socket.receive(datagram);
                ByteBuf report = Unpooled.wrappedBuffer(Arrays.copyOf(in, datagram.getLength()));
                assertTrue(RtcpPacket.compoundValid(report, 0, report.readableBytes()), "a valid compound");
                assertEquals(RtcpPacket.SR, RtcpPacket.packetType(report, 0), "the bridge plays prompts: an SR");
                assertTrue(RtcpPacket.srPacketCount(report, 0) > 0);
                int sdes = RtcpPacket.lengthBytes(report, 0);
                assertEquals(RtcpPacket.SDES, RtcpPacket.packetType(report, sdes));
                assertTrue(RtcpPacket.sdesCname(report, sdes).startsWith("confbridge-"));
                assertEquals(1, RtcpPacket.count(report, 0), "a report block on the caller's stream");

                ByteBuf rr = Unpooled.buffer();
                RtcpPacket.writeReportHeader(rr, false, 1, 0x7777_0001L, 0, 0, 0, 0);
                RtcpPacket.writeReportBlock(rr, RtcpPacket.senderSsrc(report, 0), 64, 7, 1000, 80,
                        RtcpPacket.ntpMiddle32(report, 0), 0);
                RtcpPacket.writeSdesCname(rr, 0x7777_0001L, "caller@127.0.0.1".getBytes());
                byte[] out = new byte[rr.readableBytes()];
                rr.readBytes(out);
                socket.send(new DatagramPacket(out, out.length, datagram.getSocketAddress()));

                byte[] junk = {(byte) 0x81, (byte) 0xc8, 0, 12};
                socket.send(new DatagramPacket(junk, junk.length, datagram.getSocketAddress()));
                // Hanging up at once, as a phone does after its last report: the BYE may close the call on the
                // media loop before the loop has read those two, and the call reads them as it closes.
                caller.hangUp();
                await("the call's closing log line").atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                        .anyMatch(l -> l.contains("closed:") && l.contains("RTCP")));
                String line = logs.lines().stream().filter(l -> l.contains("closed:") && l.contains("RTCP"))
                        .findFirst().orElseThrow();
                assertTrue(line.contains("caller sees loss 25% (7 lost), jitter 10 ms, rtt "), line);
                assertTrue(line.matches(".*rtt \\d+ ms.*"), line);
                assertTrue(line.contains("1 received, 1 malformed"), line);
                // And in the one INFO line per call that operators read (issue 8 §5).
                await("the call summary").atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                        .anyMatch(l -> l.contains("call summary")));
                String summary = logs.lines().stream().filter(l -> l.contains("call summary")).findFirst().orElseThrow();
                assertTrue(summary.matches(".*caller sees loss 25% jitter 10 ms, rtt \\d+ ms.*"), summary);
            } finally {
                caller.close();
            }
        }
    }

    @Test
    void withRtcpMuxReportsShareTheRtpPortBothWays() throws Exception {
        try (LogCapture logs = LogCapture.start();
             RunningBridge bridge = RunningBridge.in(dataDir).with("ivr.digitTimeoutMs", "30000").start()) {
            TestPhone caller = bridge.newPhone("caller");
            assertEquals(200, caller.dial("bridge", SdpOffer.PCMU_RTCP_MUX));
            assertTrue(caller.answer().text().contains("a=rtcp-mux"), caller.answer().text());
            awaitHearing(caller);
            // RTCP SR/RR read as RTP: marker set, PT 200 - 128 = 72 or 201 - 128 = 73 (RFC 5761 §4)
            await("a report on the RTP port").atMost(Duration.ofMillis(REPORT_WAIT_MS)).until(() -> caller.received()
                    .stream().anyMatch(p -> p.marker() && (p.payloadType() == 72 || p.payloadType() == 73)));

            ByteBuf rr = Unpooled.buffer();
            RtcpPacket.writeReportHeader(rr, false, 0, 0x7777_0002L, 0, 0, 0, 0);
            RtcpPacket.writeSdesCname(rr, 0x7777_0002L, "caller@127.0.0.1".getBytes());
            byte[] out = new byte[rr.readableBytes()];
            rr.readBytes(out);
            caller.sendFromRtpPort(out);
            caller.hangUp();
            await("the call's closing log line").atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                    .anyMatch(l -> l.contains("closed:") && l.contains("RTCP") && l.contains("1 received, 0 malformed")));
            String line = logs.lines().stream().filter(l -> l.contains("closed:")).findFirst().orElseThrow();
            assertTrue(line.contains(" 0 malformed dropped"), "RTCP never reached the RTP session: " + line);
        }
    }

    private static DatagramSocket bindOrNull(int port) {
        try {
            return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (SocketException e) {
            return null;
        }
    }
}
