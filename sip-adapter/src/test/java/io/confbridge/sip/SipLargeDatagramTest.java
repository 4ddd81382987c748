package io.confbridge.sip;

import io.confbridge.sip.support.FreePorts;
import io.confbridge.sip.support.RecordingCallAcceptor;
import io.confbridge.sip.support.SipMessage;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;
import io.confbridge.sip.support.TestSipConfig;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jain-sip's UDP processor is left a one-byte array to allocate per datagram (our socket reads into a
 * buffer of its own): its receiving thread no longer allocates 64 KiB a datagram, and datagrams far larger
 * than that array still arrive whole.
 */
class SipLargeDatagramTest {

    /**
     * jain-sip's receiving thread, measured by the JVM's own count of what each thread allocates: before
     * the change each datagram cost it 64 KiB; now it costs the datagram's copy and a few objects.
     */
    @Test
    void receivingADatagramNoLongerAllocatesSixtyFourKibibytes() throws Exception {
        int port = FreePorts.sipPort();
        try (SipServer server = new SipServer(TestSipConfig.on(port).build(), new RecordingCallAcceptor());
             SipTestClient client = startThenConnect(server, port)) {
            Thread receiver = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("MessageProcessorThread-UDP-")
                            && t.getName().endsWith("/" + port)) // jain-sip names it "...-UDP-<address>/<port>"
                    .findFirst().orElseThrow(() -> new AssertionError("no jain-sip UDP thread for port " + port));
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            // One round first, so that what is allocated once (class loading, first-time buffers) is not counted.
            exchangeOptions(client, 5);
            long before = threads.getThreadAllocatedBytes(receiver.getId());
            int datagrams = 100;
            exchangeOptions(client, datagrams);
            long perDatagram = (threads.getThreadAllocatedBytes(receiver.getId()) - before) / datagrams;
            assertTrue(perDatagram > 0, "the thread measured is the one that receives");
            assertTrue(perDatagram < 4 * 1024, "jain-sip's receiving thread allocated " + perDatagram
                    + " bytes a datagram (64 KiB and more while it had its own array to fill)");
        }
    }

    /**
     * Sends {@code count} OPTIONS and waits for the last one's answer: one socket on loopback, read by
     * one thread in order, so by then the receiving thread has read them all.
     */
    private static void exchangeOptions(SipTestClient client, int count) throws Exception {
        TestDialog last = null;
        for (int i = 0; i < count; i++) {
            last = client.dialog("bridge");
            client.send(last.options());
        }
        client.awaitResponse(200, "OPTIONS", last.callId());
    }

    @Test
    void anInviteOfFortyKilobytesOverUdpIsAnswered() throws Exception {
        int port = FreePorts.sipPort();
        RecordingCallAcceptor acceptor = new RecordingCallAcceptor();
        try (SipServer server = new SipServer(TestSipConfig.on(port).build(), acceptor);
             SipTestClient client = startThenConnect(server, port)) {
            StringBuilder offer = new StringBuilder(String.join("\r\n", "v=0", "o=alice 1 1 IN IP4 127.0.0.1", "s=-",
                    "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 7078 RTP/AVP 0", "a=rtpmap:0 PCMU/8000")).append("\r\n");
            while (offer.length() < 40_000) {
                offer.append("a=x-padding:").append("p".repeat(100)).append("\r\n"); // attributes we do not know
            }
            TestDialog dialog = client.dialog("4711001");
            String invite = dialog.invite(offer.toString());
            assertTrue(invite.length() > 40_000, "the datagram is far larger than jain-sip's array");
            client.send(invite);
            SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
            assertTrue(ok.bodyLines().contains("a=rtpmap:0 PCMU/8000"), ok.bodyLines()::toString);
            client.send(dialog.ack(ok));
        }
    }

    private static SipTestClient startThenConnect(SipServer server, int port) throws Exception {
        server.start();
        return SipTestClient.udp(port);
    }
}
