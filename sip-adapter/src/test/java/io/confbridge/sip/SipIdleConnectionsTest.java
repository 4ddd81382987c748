package io.confbridge.sip;

import io.confbridge.sip.support.FreePorts;
import io.confbridge.sip.support.RecordingCallAcceptor;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;
import io.confbridge.sip.support.TestSipConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 §2, jain-sip hardening: many idle TCP connections cost no thread each, the bridge still
 * answers OPTIONS over UDP and TCP meanwhile, and the idle connections get closed.
 */
class SipIdleConnectionsTest {

    private static final int IDLE_CONNECTIONS = 300;
    private static final long IDLE_MS = 1_500;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void idleTcpConnectionsTakeNoThreadEachAndAreClosedWhileOptionsAreAnswered() throws Exception {
        int port = FreePorts.sipPort();
        SipServer server = new SipServer(TestSipConfig.on(port).build(), new RecordingCallAcceptor())
                .idleConnectionMs(IDLE_MS);
        toClose.add(server);
        server.start();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < IDLE_CONNECTIONS; i++) {
            Socket socket = new Socket();
            // From three addresses: one address may hold only limits.sipConnectionsPerSource (100).
            socket.bind(new InetSocketAddress("127.0.0." + (2 + i % 3), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(50);
            idle.add(socket);
            toClose.add(socket);
        }
        int threadsWithIdle = ManagementFactory.getThreadMXBean().getThreadCount();
        assertTrue(threadsWithIdle - threadsBefore < 30, "threads went from " + threadsBefore + " to " + threadsWithIdle
                + " for " + IDLE_CONNECTIONS + " idle connections");

        SipTestClient udp = SipTestClient.udp(port);
        toClose.add(0, udp);
        TestDialog probe = udp.dialog("4711001");
        udp.send(probe.options());
        udp.awaitResponse(200, "OPTIONS");
        SipTestClient tcp = SipTestClient.tcp(port);
        toClose.add(0, tcp);
        TestDialog tcpProbe = tcp.dialog("4711001");
        tcp.send(tcpProbe.options());
        tcp.awaitResponse(200, "OPTIONS");

        // jain-sip's socket auditor runs every idle period: each idle connection is closed within two.
        await().atMost(Duration.ofMillis(IDLE_MS * 2 + 10_000)).pollInterval(Duration.ofMillis(200))
                .until(() -> idle.stream().allMatch(SipIdleConnectionsTest::closedByPeer));
    }

    /** True once the peer closed (read gives -1 or the connection was reset); false while it is open and silent. */
    private static boolean closedByPeer(Socket socket) {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
