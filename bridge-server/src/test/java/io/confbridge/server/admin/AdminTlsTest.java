package io.confbridge.server.admin;

import io.confbridge.server.Main;
import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.sip.support.SipTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code admin.tls}: the admin listener speaks HTTPS only, with a self-signed certificate generated into the
 * data directory at the first start (fingerprint logged once), which a client that trusts it verifies by
 * name, the CLI with {@code --ca-file} too; plain HTTP on that port gets no HTTP answer.
 */
class AdminTlsTest {

    @TempDir
    Path dataDir;

    @Test
    void theAdminApiAndPageAreServedOverHttpsOnlyWithTheGeneratedCertificate() throws Exception {
        try (LogCapture logs = LogCapture.start();
             RunningBridge bridge = RunningBridge.in(dataDir).with("admin.tls", "true").start()) {
            int port = bridge.server().adminPort();
            Path certificateFile = dataDir.resolve("admin-tls-certificate.pem");
            assertTrue(Files.exists(certificateFile) && Files.exists(dataDir.resolve("admin-tls-key.pem")));
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dataDir.resolve("admin-tls-key.pem"))));
            assertTrue(logs.lines().stream().anyMatch(l -> l.contains("admin TLS: generated a self-signed certificate")
                    && l.contains("SHA-256 fingerprint")));
            assertTrue(logs.lines().stream().anyMatch(l -> l.contains("admin API on https://127.0.0.1:" + port)));

            HttpClient client = HttpClient.newBuilder().sslContext(trusting(certificateFile))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String token = Files.readString(dataDir.resolve(AdminToken.FILE_NAME), StandardCharsets.US_ASCII).trim();
            HttpResponse<String> users = client.send(HttpRequest.newBuilder(
                            URI.create("https://127.0.0.1:" + port + "/api/users"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, users.statusCode(), users.body());
            assertEquals("TLSv1.3", users.sslSession().orElseThrow().getProtocol());
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<html"), "the admin center's page");

            // The CLI trusts the bridge's own certificate with --ca-file, and nothing it was not given.
            String url = "--url=https://127.0.0.1:" + port;
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            assertEquals(0, cli.execute("users", "list", url, "--token=" + token, "--ca-file=" + certificateFile),
                    err.toString());
            CommandLine untrusting = Main.commandLine();
            StringWriter refused = new StringWriter();
            untrusting.setErr(new PrintWriter(refused, true));
            untrusting.setOut(new PrintWriter(new StringWriter(), true));
            assertTrue(untrusting.execute("users", "list", url, "--token=" + token) != 0);
            assertTrue(refused.toString().contains("error: request to https://127.0.0.1:" + port + " failed"),
                    refused.toString());

            try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port)) {
                plain.setSoTimeout(10_000);
                plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: bridge\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(readUpTo(plain.getInputStream(), 64), StandardCharsets.ISO_8859_1);
                assertFalse(answer.startsWith("HTTP/"), "plain HTTP got an HTTP answer: " + answer);
            }
        }
    }

    /** An SSL context whose only trusted certificate is the bridge's. */
    private static SSLContext trusting(Path certificateFile) throws Exception {
        try (InputStream in = Files.newInputStream(certificateFile)) {
            return SipTestClient.trustingOnly(
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
    }

    /** What the peer sends before it closes, at most {@code max} bytes; a reset ends it too. */
    private static byte[] readUpTo(InputStream in, int max) throws IOException {
        byte[] buffer = new byte[max];
        int n = 0;
        try {
            for (int r; n < max && (r = in.read(buffer, n, max - n)) > 0; ) {
                n += r;
            }
        } catch (SocketException reset) {
            // the TLS side closed on our plain bytes
        }
        return Arrays.copyOf(buffer, n);
    }
}
