package io.confbridge.sip.stream;

import io.confbridge.sip.SipServer;
import io.confbridge.sip.support.FreePorts;
import io.confbridge.sip.support.RecordingCallAcceptor;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;
import io.confbridge.sip.support.TestSipConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A message over TCP claiming a 2 GB body used to throw OutOfMemoryError on jain-sip's only TCP selector
 * thread, which ended SIP over TCP for everyone (found by the SIP fuzz test). Now the connection that sends
 * it is closed, and everyone else's TCP keeps working.
 */
class OversizedContentLengthTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    @Test
    void theSenderIsCutOffAndTcpStillAnswers() throws Exception {
        int port = FreePorts.sipPort();
        SipServer server = new SipServer(TestSipConfig.on(port).build(), new RecordingCallAcceptor());
        toClose.add(server);
        server.start();

        // The last two are 2147483647 to jain-sip, which drops CRs inside a line and reads any script's digits.
        List<String> lengths = List.of("2000000000", "-5", "900000000", "21474\r83647",
                "\uff12\uff11\uff14\uff17\uff14\uff18\uff13\uff16\uff14\uff17");
        for (int i = 0; i < lengths.size(); i++) {
            String length = lengths.get(i);
            Socket attacker = new Socket();
            toClose.add(attacker);
            attacker.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            attacker.setSoTimeout(100);
            String message = "OPTIONS sip:bridge@127.0.0.1:" + port + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/TCP 127.0.0.1:5099;branch=z9hG4bK-big-" + i + "\r\n"
                    + "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:bridge@127.0.0.1>\r\n"
                    + "Call-ID: big-" + i + "@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
                    + "Content-Length: " + length + "\r\n\r\nhello";
            attacker.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            attacker.getOutputStream().flush();
            await("the bridge closes the connection that claimed a " + length.replace("\r", "\\r") + "-byte body")
                    .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> closedByPeer(attacker.getInputStream()));
        }

        SipTestClient tcp = SipTestClient.tcp(port);
        toClose.add(0, tcp);
        TestDialog probe = tcp.dialog("4711001");
        tcp.send(probe.options());
        tcp.awaitResponse(200, "OPTIONS");
    }

    /** True once the peer closed (read gives -1 or the connection was reset); false while it is open and silent. */
    private static boolean closedByPeer(InputStream in) {
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
                // A response that got through before the close is skipped over.
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
