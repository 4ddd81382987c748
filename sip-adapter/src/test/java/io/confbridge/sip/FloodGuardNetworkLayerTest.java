package io.confbridge.sip;

import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The SIP UDP socket jain-sip reads: what it hands over for each datagram. */
class FloodGuardNetworkLayerTest {

    @Test
    void aDatagramReachesJainSipInAnArrayOfItsOwnLengthNotInTheSixtyFourKibibyteBuffer() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DatagramSocket sip = new FloodGuardNetworkLayer().createDatagramSocket(0, loopback);
             DatagramSocket caller = new DatagramSocket(0, loopback)) {
            byte[] options = ("OPTIONS sip:bridge@127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            for (int round = 0; round < 2; round++) {
                caller.send(new DatagramPacket(options, options.length, loopback, sip.getLocalPort()));
                // As jain-sip's UDP processor receives: into a fresh array of MAX_MESSAGE_SIZE, or of one
                // byte once SipServer has shrunk it; the socket reads into a buffer of its own either way.
                int offered = round == 0 ? 64 * 1024 : FloodGuardNetworkLayer.JAIN_SIP_RECEIVE_ARRAY;
                DatagramPacket packet = new DatagramPacket(new byte[offered], offered);
                sip.receive(packet);
                assertEquals(options.length, packet.getData().length, "a queued datagram holds only its own bytes");
                assertArrayEquals(options, packet.getData());
                assertEquals(0, packet.getOffset());
                assertEquals(options.length, packet.getLength());
                assertEquals(caller.getLocalSocketAddress(), packet.getSocketAddress(), "the source is kept for rport");
            }
        }
    }
}
