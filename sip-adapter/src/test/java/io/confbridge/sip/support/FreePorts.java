package io.confbridge.sip.support;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Finds loopback ports for a SIP server or a whole bridge under test: a SIP port free for both UDP and
 * TCP, and a block of RTP ports. Another process may take a port between the check and the server's
 * bind; the bounded retries and the per-JVM rotation through blocks keep that rare.
 */
public final class FreePorts {
    /**
     * The RTP blocks are carved out of 10000–19999: below Linux's ephemeral range (32768–60999,
     * {@code net.ipv4.ip_local_port_range}), where other sockets on the machine take ports at random,
     * and away from the bridge's default 20000–29999.
     */
    static final int RTP_AREA_START = 10000;
    static final int RTP_AREA_END = 20000;
    public static final int RTP_BLOCK_SIZE = 200;
    private static final int ALL_BLOCKS = (RTP_AREA_END - RTP_AREA_START) / RTP_BLOCK_SIZE;
    /**
     * Surefire runs the end-to-end tests in several JVMs at once ({@code forkCount}); each passes its fork
     * number (1..n) and n. A bridge binds its RTP ports only as calls arrive, so two JVMs that both found a
     * block free could start bridges on the same one: each JVM takes the blocks of its own share instead.
     */
    private static final int FORKS = Math.max(1, Integer.getInteger("confbridge.test.forks", 1));
    private static final int FORK = Math.floorMod(forkNumber() - 1, FORKS);
    private static final int BLOCKS = ALL_BLOCKS / FORKS;
    private static final int FIRST_BLOCK = FORK * BLOCKS;
    private static final int ATTEMPTS = 50;
    /** Successive bridges in one JVM take successive blocks, so a closing bridge's ports are not reused at once. */
    private static final AtomicInteger NEXT_BLOCK = new AtomicInteger(ThreadLocalRandom.current().nextInt(BLOCKS));

    private FreePorts() {
    }

    /** This JVM's fork number, 1 when it is not one of several: the digits of {@code confbridge.test.fork} ("fork-2"). */
    public static int forkNumber() {
        String digits = System.getProperty("confbridge.test.fork", "").replaceAll("[^0-9]", "");
        return digits.isEmpty() ? 1 : Integer.parseInt(digits);
    }

    /** A port on 127.0.0.1 that was free for TCP and UDP both, as SIP needs. */
    public static int sipPort() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, loopback)) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
                    return port;
                } catch (IOException udpTaken) {
                    // Free for TCP but not for UDP: try another.
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot bind any TCP port on loopback", e);
            }
        }
        throw new IllegalStateException("no port free for both TCP and UDP after " + ATTEMPTS + " tries");
    }

    /**
     * {@code count} distinct ports, each free for TCP and UDP. Calling {@link #sipPort()} twice is not the
     * same: the kernel may hand the port it just released out again, and a bridge whose {@code sip.port} and
     * {@code sip.tlsPort} coincide refuses to start. So every port found is held until all are found.
     */
    public static int[] sipPorts(int count) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<AutoCloseable> held = new ArrayList<>();
        int[] ports = new int[count];
        try {
            int found = 0;
            for (int attempt = 0; attempt < ATTEMPTS && found < count; attempt++) {
                ServerSocket tcp = new ServerSocket(0, 1, loopback);
                held.add(tcp);
                try {
                    held.add(new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort())));
                    ports[found++] = tcp.getLocalPort();
                } catch (IOException udpTaken) {
                    // Free for TCP but not for UDP: keep the TCP socket held so it is not offered again.
                }
            }
            if (found < count) {
                throw new IllegalStateException("no " + count + " ports free for both TCP and UDP after " + ATTEMPTS + " tries");
            }
            return ports;
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind any TCP port on loopback", e);
        } finally {
            for (AutoCloseable socket : held) {
                try {
                    socket.close();
                } catch (Exception ignored) {
                    // Closing a socket we only held for the search; nothing to report.
                }
            }
        }
    }

    /** The first port of a block of {@link #RTP_BLOCK_SIZE} UDP ports that were all free. */
    public static int rtpBlockStart() {
        for (int attempt = 0; attempt < BLOCKS; attempt++) {
            int block = FIRST_BLOCK + Math.floorMod(NEXT_BLOCK.getAndIncrement(), BLOCKS);
            int start = RTP_AREA_START + block * RTP_BLOCK_SIZE;
            if (allUdpFree(start, start + RTP_BLOCK_SIZE)) {
                return start;
            }
        }
        int from = RTP_AREA_START + FIRST_BLOCK * RTP_BLOCK_SIZE;
        throw new IllegalStateException("no free block of " + RTP_BLOCK_SIZE + " UDP ports in "
                + from + "–" + (from + BLOCKS * RTP_BLOCK_SIZE - 1) + " (test fork " + (FORK + 1) + " of " + FORKS + ")");
    }

    private static boolean allUdpFree(int from, int toExclusive) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<DatagramSocket> held = new ArrayList<>();
        try {
            for (int port = from; port < toExclusive; port++) {
                held.add(new DatagramSocket(new InetSocketAddress(loopback, port)));
            }
            return true;
        } catch (IOException taken) {
            return false;
        } finally {
            held.forEach(DatagramSocket::close);
        }
    }
}
