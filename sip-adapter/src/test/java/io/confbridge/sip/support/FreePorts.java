package io.confbridge.sip.support;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Finds a port free on 127.0.0.1 for both UDP and TCP, for a SIP server listening on both. */
public final class FreePorts {

    private FreePorts() {
    }

    public static int udpAndTcp() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
                port = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket()) {
                    tcp.bind(new InetSocketAddress(loopback, port));
                } catch (IOException taken) {
                    continue;
                }
            }
            return port;
        }
        throw new IOException("no port free for both UDP and TCP on 127.0.0.1");
    }
}
