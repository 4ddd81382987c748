package io.confbridge.server.admin;

import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.RunningBridge;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The admin listener shares the process's file descriptors with the calls' RTP sockets, so it holds only
 * {@code admin.maxConnections} connections ({@code admin.maxConnectionsPerSource} from one address), and a
 * connection that sends no whole request within {@code admin.requestTimeoutMs} is closed (slowloris).
 * A bad {@code %}-escape in a query string gets 400. Real sockets from several loopback addresses against
 * a running bridge.
 */
class AdminListenerTest {
    private static final String GET_PAGE = "GET / HTTP/1.1\r\nHost: bridge\r\n\r\n";

    @TempDir
    Path dataDir;

    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeSockets() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    @Test
    void connectionsPastEitherLimitAreClosedAtOnceAndAFreedPlaceServesAgain() throws Exception {
        try (LogCapture logs = LogCapture.start();
             RunningBridge bridge = RunningBridge.in(dataDir)
                     .with("admin.maxConnections", "5")
                     .with("admin.maxConnectionsPerSource", "3")
                     .start()) {
            int port = bridge.server().adminPort();
            List<Socket> first = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                first.add(connect("127.0.0.1", port));
            }
            assertClosedByTheBridge(connect("127.0.0.1", port), "a fourth connection from one address");

            // Another address is still served, on a kept-alive connection it goes on holding.
            Socket other = connect("127.0.0.2", port);
            assertEquals(200, get(other));
            connect("127.0.0.3", port);
            assertClosedByTheBridge(connect("127.0.0.4", port), "a sixth connection in all");
            assertTrue(logs.lines().stream().anyMatch(l -> l.startsWith("WARN")
                    && l.contains("admin API: closed the connection from") && l.contains("too many connections")));

            first.get(0).close();
            await("the place a closed connection freed serves a new one").atMost(Duration.ofSeconds(10))
                    .until(() -> get(connect("127.0.0.4", port)) == 200);
        }
    }

    @Test
    void aRequestSentTooSlowlyOrNeverIsCutAndAWholeOneIsAnswered() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("admin.requestTimeoutMs", "1000").start()) {
            int port = bridge.server().adminPort();
            Socket silent = connect("127.0.0.1", port);
            Socket trickling = connect("127.0.0.1", port);
            trickling.getOutputStream().write("GET / HTTP/1.1\r\nHost: bri".getBytes(StandardCharsets.US_ASCII));
            assertClosedByTheBridge(silent, "a connection that sends nothing");
            assertClosedByTheBridge(trickling, "a request whose headers never end");
            assertEquals(200, get(connect("127.0.0.1", port)), "a whole request is answered");
        }
    }

    @Test
    void aBadPercentEscapeInTheQueryIs400AndTheConnectionIsClosed() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            Socket socket = connect("127.0.0.1", bridge.server().adminPort());
            assertEquals(400, request(socket, "GET /api/meetings?state=%zz HTTP/1.1\r\nHost: bridge\r\n\r\n"));
            assertClosedByTheBridge(socket, "the connection after the 400");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheOrderTheyCame() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            String token = Files.readString(dataDir.resolve(AdminToken.FILE_NAME), StandardCharsets.US_ASCII).trim();
            Socket socket = connect("127.0.0.1", bridge.server().adminPort());
            // The API answers on a worker, the stylesheet at once on the event loop: sent back to back, the
            // second was answered first.
            socket.getOutputStream().write(("GET /api/users HTTP/1.1\r\nHost: bridge\r\nAuthorization: Bearer " + token
                    + "\r\n\r\nGET /app.css HTTP/1.1\r\nHost: bridge\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String first = readResponse(socket.getInputStream());
            String second = readResponse(socket.getInputStream());
            assertTrue(first != null && first.startsWith("HTTP/1.1 200") && first.contains("application/json"),
                    "the API's answer first: " + first);
            assertTrue(second != null && second.startsWith("HTTP/1.1 200") && second.contains("text/css"),
                    "then the stylesheet: " + second);
        }
    }

    @Test
    void anAddressThatSpentItsFailedAuthenticationsGets429WhileOthersAreServed() throws Exception {
        try (LogCapture logs = LogCapture.start();
             RunningBridge bridge = RunningBridge.in(dataDir).with("admin.authFailuresPerSource", "3").start()) {
            String token = Files.readString(dataDir.resolve(AdminToken.FILE_NAME), StandardCharsets.US_ASCII).trim();
            int port = bridge.server().adminPort();
            Socket guesser = connect("127.0.0.2", port);
            for (int i = 0; i < 3; i++) {
                assertEquals(401, request(guesser, users("Bearer guess-" + i)), "guess " + i);
            }
            String refused = head(guesser, users("Bearer " + token));
            assertTrue(refused.startsWith("HTTP/1.1 429") && refused.toLowerCase().contains("retry-after: 20"),
                    "even the right token, from the address that guessed: " + refused);
            assertEquals(429, request(connect("127.0.0.2", port), users("Basic YWRtaW46YWRtaW4=")),
                    "on a new connection too");
            assertEquals(200, request(guesser, "GET /health/live HTTP/1.1\r\nHost: bridge\r\n\r\n"),
                    "health probes are never refused");
            assertEquals(200, get(guesser), "nor the admin center's page");
            assertTrue(logs.lines().stream().anyMatch(l -> l.startsWith("WARN")
                    && l.contains("3 failed authentications in a minute from 127.0.0.2")
                    && l.contains("admin.authFailuresPerSource")));
            assertTrue(logs.lines().stream().noneMatch(l -> l.contains("guess-")), "no token is logged");

            assertEquals(200, request(connect("127.0.0.3", port), users("Bearer " + token)), "another address");
            // A request without a credential (a browser opening the page) is no failed authentication.
            Socket browser = connect("127.0.0.4", port);
            for (int i = 0; i < 5; i++) {
                assertEquals(401, request(browser, users(i % 2 == 0 ? null : "Bearer ")));
            }
            assertEquals(200, request(browser, users("Bearer " + token)));
        }
    }

    @Test
    void behindATrustedProxyTheClientItNamesIsChargedAndAudited() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("admin.authFailuresPerSource", "2")
                .with("admin.trustedProxies", "127.0.0.2").start()) {
            String token = Files.readString(dataDir.resolve(AdminToken.FILE_NAME), StandardCharsets.US_ASCII).trim();
            int port = bridge.server().adminPort();
            Socket proxy = connect("127.0.0.2", port);
            for (int i = 0; i < 2; i++) {
                assertEquals(401, request(proxy, users("Bearer guess-" + i, "203.0.113.1, 198.51.100.7")));
            }
            assertEquals(429, request(proxy, users("Bearer " + token, "198.51.100.7")), "the guessing client");
            // Another client behind the same proxy is served, and the audit log names it.
            String body = "{\"email\":\"proxied@example.com\",\"displayName\":\"Proxied\"}";
            assertEquals(201, request(proxy, "POST /api/users HTTP/1.1\r\nHost: bridge\r\nAuthorization: Bearer "
                    + token + "\r\nX-Forwarded-For: 198.51.100.8\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body));
            AdminHttp http = new AdminHttp("http://127.0.0.1:" + port);
            AdminHttp.Reply audit = http.send("GET", "/api/audit?target=proxied@example.com", token, null);
            assertEquals(200, audit.status(), audit.body());
            assertTrue(audit.body().contains("\"198.51.100.8\""), audit.body());

            // Not a trusted proxy: its header is its own invention, and its address is what counts.
            Socket other = connect("127.0.0.3", port);
            for (int i = 0; i < 2; i++) {
                assertEquals(401, request(other, users("Bearer guess-" + i, "198.51.100.9")));
            }
            assertEquals(429, request(other, users("Bearer " + token, "198.51.100.10")));
        }
    }

    /** {@code GET /api/users} with this Authorization header (none if null). */
    private static String users(String authorization) {
        return users(authorization, null);
    }

    /** The same, through a proxy that says it is for {@code forwardedFor} (none if null). */
    private static String users(String authorization, String forwardedFor) {
        return "GET /api/users HTTP/1.1\r\nHost: bridge\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + (forwardedFor == null ? "" : "X-Forwarded-For: " + forwardedFor + "\r\n") + "\r\n";
    }

    private Socket connect(String from, int port) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** The bridge closes the connection: end of stream or a reset, well within the read timeout. */
    private static void assertClosedByTheBridge(Socket socket, String what) throws IOException {
        try {
            int b = socket.getInputStream().read();
            assertEquals(-1, b, what + ": the bridge sent data instead of closing");
        } catch (SocketException reset) {
            // closed by the bridge with unread data: a reset is a close too
        } catch (SocketTimeoutException e) {
            fail(what + " is still open after 10 s");
        }
    }

    /** GET / on the socket; the status code of the response, its body read to keep the connection usable. */
    private static int get(Socket socket) throws IOException {
        return request(socket, GET_PAGE);
    }

    /** Sends {@code request}; the status code of the response, its body read to keep the connection usable. */
    private static int request(Socket socket, String request) throws IOException {
        String head = head(socket, request);
        return head == null ? -1 : Integer.parseInt(head.substring(9, 12));
    }

    /** Sends {@code request}; the head of the response, or null at a close. */
    private static String head(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        return readResponse(socket.getInputStream());
    }

    /** One response from {@code in}: its head (status line and headers), the body skipped; null at a close. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return null; // closed before a response
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return headers;
    }
}
