package io.confbridge.sip.stream;

import io.confbridge.config.BridgeConfig;
import io.confbridge.sip.SipServer;
import io.confbridge.sip.support.FreePorts;
import io.confbridge.sip.support.RecordingCallAcceptor;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;
import io.confbridge.sip.support.TestSipConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9 §2 (jain-sip's MAX_CONNECTIONS, which its NIO processors do not enforce): one address gets
 * {@code limits.sipConnectionsPerSource} TCP connections (100 by default); the next is closed at once, and
 * a place freed by a closed connection can be used again. Past {@code limits.sipConnections} in all, any
 * address's next connection is closed.
 */
class ConnectionsPerSourceTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void oneAddressCannotHoldMoreThanItsShareOfConnections() throws Exception {
        int port = FreePorts.sipPort();
        SipServer server = new SipServer(TestSipConfig.on(port).build(), new RecordingCallAcceptor());
        toClose.add(server);
        server.start();

        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < BridgeConfig.LimitsConfig.DEFAULT_SIP_CONNECTIONS_PER_SOURCE; i++) {
            held.add(connect(port));
        }
        Socket oneTooMany = connect(port);
        await("the connection past the share is closed by the bridge").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100)).until(() -> closedByPeer(oneTooMany));
        assertTrue(held.stream().noneMatch(ConnectionsPerSourceTest::closedByPeer), "the others stay open");

        held.get(0).close();
        held.get(1).close();
        // Once the bridge has seen the close, the freed place takes a connection that gets answers.
        await("a freed place is usable again").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    try (SipTestClient tcp = SipTestClient.tcp(port)) {
                        TestDialog probe = tcp.dialog("4711001");
                        tcp.send(probe.options());
                        tcp.awaitResponse(200, "OPTIONS");
                        return true;
                    } catch (AssertionError | RuntimeException notYet) {
                        return false;
                    }
                });
    }

    @Test
    void theConfiguredCapsHoldPerAddressAndInAll() throws Exception {
        int port = FreePorts.sipPort();
        SipServer server = new SipServer(TestSipConfig.on(port).build(), new RecordingCallAcceptor())
                .limits(BridgeConfig.LimitsConfig.DEFAULTS.withSipConnections(6, 4));
        toClose.add(server);
        server.start();

        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(connect(port, "127.0.0.1"));
        }
        Socket fifthFromOne = connect(port, "127.0.0.1");
        await("the fifth from one address is closed").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100)).until(() -> closedByPeer(fifthFromOne));

        held.add(connect(port, "127.0.0.2"));
        held.add(connect(port, "127.0.0.2"));
        Socket seventhInAll = connect(port, "127.0.0.3");
        await("the seventh in all is closed, from an address that had none").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100)).until(() -> closedByPeer(seventhInAll));
        assertTrue(held.stream().noneMatch(ConnectionsPerSourceTest::closedByPeer), "the six held stay open");
    }

    private Socket connect(int port) throws IOException {
        return connect(port, "127.0.0.1");
    }

    private Socket connect(int port, String from) throws IOException {
        Socket socket = new Socket();
        toClose.add(socket);
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        socket.setSoTimeout(50);
        return socket;
    }

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
