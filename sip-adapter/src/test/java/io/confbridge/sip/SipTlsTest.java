package io.confbridge.sip;

import io.confbridge.config.BridgeConfig;
import io.confbridge.sip.support.FreePorts;
import io.confbridge.sip.support.RecordingCallAcceptor;
import io.confbridge.sip.support.SipMessage;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;
import io.confbridge.sip.support.TestSipConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIP over TLS (RFC 3261 §26) with a Java {@link javax.net.ssl.SSLSocket} client that trusts only the
 * bridge's certificate: the self-signed pair generated into the data directory, or configured PEM files;
 * TLS 1.2 and 1.3 only, AEAD suites only; a stalled handshake holds up nobody else.
 */
class SipTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String OFFER = String.join("\r\n", "v=0", "o=alice 1 1 IN IP4 127.0.0.1", "s=-",
            "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 40000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000") + "\r\n";

    @TempDir
    Path dataDir;

    private final RecordingCallAcceptor acceptor = new RecordingCallAcceptor();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private int port;
    private int tlsPort;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private Path certificateFile() {
        return dataDir.resolve("sip-tls-certificate.pem");
    }

    private Path keyFile() {
        return dataDir.resolve("sip-tls-key.pem");
    }

    private SipServer start(BridgeConfig.SipConfig.Tls tls) {
        do {
            port = FreePorts.sipPort(); // the kernel may offer the TLS port again, which the server refuses
        } while (port == tls.port());
        SipServer server = new SipServer(TestSipConfig.on(port).tls(tls).build(), acceptor);
        toClose.add(server);
        server.start();
        return server;
    }

    private SipServer startSelfSigned() {
        tlsPort = FreePorts.sipPort();
        return start(new BridgeConfig.SipConfig.Tls(true, tlsPort, certificateFile().toString(),
                keyFile().toString(), true));
    }

    private SipTestClient client(SipTestClient c) {
        toClose.add(0, c);
        return c;
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    @Test
    void generatesAnOwnerOnlySelfSignedCertificateAndAnswersOptionsOverTls() throws Exception {
        startSelfSigned();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(certificateFile())));

        SipTestClient client = client(SipTestClient.tls(tlsPort, certificate(certificateFile())));
        assertEquals("TLSv1.3", client.tlsSession().getProtocol());
        TestDialog probe = client.dialog("bridge");
        client.send(probe.options());
        client.awaitResponse(200, "OPTIONS", probe.callId());
    }

    @Test
    void inviteAckByeOverTls() throws Exception {
        startSelfSigned();
        SipTestClient client = client(SipTestClient.tls(tlsPort, certificate(certificateFile())));
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(OFFER));
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        String contact = ok.header("Contact").orElseThrow();
        assertTrue(contact.contains("127.0.0.1:" + tlsPort) && contact.contains("transport=tls"), contact);
        client.send(dialog.ack(ok));
        await().atMost(WAIT).until(() -> acceptor.handle(dialog.callId()).starts.get() == 1);

        client.send(dialog.bye());
        client.awaitResponse(200, "BYE", dialog.callId());
        await().atMost(WAIT).until(() -> acceptor.handle(dialog.callId()).remoteHangUps.get() == 1);
    }

    /** RFC 3261 §12.1.1: a dialog started with a {@code sips:} Request-URI gets a {@code sips:} Contact. */
    @Test
    void aSipsCallGetsASipsContactAndRunsOverTls() throws Exception {
        startSelfSigned();
        SipTestClient client = client(SipTestClient.tls(tlsPort, certificate(certificateFile())));
        TestDialog dialog = client.dialog("4711001").sips();
        client.send(dialog.invite(OFFER));
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        String contact = ok.header("Contact").orElseThrow();
        assertTrue(contact.contains("<sips:127.0.0.1:" + tlsPort), contact);
        assertFalse(contact.contains("transport="), contact);
        client.send(dialog.ack(ok));
        await().atMost(WAIT).until(() -> acceptor.handle(dialog.callId()).starts.get() == 1);
        client.send(dialog.bye());
        client.awaitResponse(200, "BYE", dialog.callId());
    }

    @Test
    void theBridgeByeGoesBackOverTheTlsConnection() throws Exception {
        startSelfSigned();
        SipTestClient client = client(SipTestClient.tls(tlsPort, certificate(certificateFile())));
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(OFFER));
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        client.send(dialog.ack(ok));
        await().atMost(WAIT).until(() -> acceptor.handle(dialog.callId()).confirmations.get() == 1);

        acceptor.signalling(dialog.callId()).hangUp("meeting ended");
        SipMessage bye = client.awaitRequest("BYE");
        assertEquals(dialog.callId(), bye.callId());
        client.respond(bye, 200, "OK");
    }

    @Test
    void tls12WithAnAeadSuiteIsAcceptedButNotCbcNorTls11() throws Exception {
        startSelfSigned();
        X509Certificate trusted = certificate(certificateFile());
        SipTestClient tls12 = client(SipTestClient.tls(tlsPort, trusted, new String[] {"TLSv1.2"}, null));
        assertEquals("TLSv1.2", tls12.tlsSession().getProtocol());
        String suite = tls12.tlsSession().getCipherSuite();
        assertTrue(suite.startsWith("TLS_ECDHE_") && (suite.contains("_GCM_") || suite.contains("CHACHA20")), suite);

        assertThrows(SSLHandshakeException.class, () -> SipTestClient.tls(tlsPort, trusted,
                new String[] {"TLSv1.2"}, new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"}).close());
        assertThrows(IOException.class, () -> SipTestClient.tls(tlsPort, trusted,
                new String[] {"TLSv1.1"}, null).close());
    }

    @Test
    void aStalledHandshakeHoldsUpNeitherOtherTlsCallersNorUdp() throws Exception {
        startSelfSigned();
        try (Socket stalled = new Socket()) {
            stalled.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), tlsPort), 5000);
            stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // a ClientHello's first bytes, no more

            SipTestClient tls = client(SipTestClient.tls(tlsPort, certificate(certificateFile())));
            TestDialog overTls = tls.dialog("bridge");
            tls.send(overTls.options());
            tls.awaitResponse(200, "OPTIONS", overTls.callId());

            SipTestClient udp = client(SipTestClient.udp(port));
            TestDialog overUdp = udp.dialog("bridge");
            udp.send(overUdp.options());
            udp.awaitResponse(200, "OPTIONS", overUdp.callId());
            assertTrue(stalled.isConnected());
        }
    }

    @Test
    void aSecondStartKeepsTheGeneratedCertificate() throws Exception {
        startSelfSigned().close();
        byte[] first = Files.readAllBytes(certificateFile());
        startSelfSigned();
        assertArrayEquals(first, Files.readAllBytes(certificateFile()));
        SipTestClient client = client(SipTestClient.tls(tlsPort, certificate(certificateFile())));
        TestDialog probe = client.dialog("bridge");
        client.send(probe.options());
        client.awaitResponse(200, "OPTIONS", probe.callId());
    }

    @Test
    void configuredPemFilesAreServedAsTheyAre() throws Exception {
        startSelfSigned().close();
        Path configured = Files.createDirectory(dataDir.resolve("configured"));
        Path certificate = Files.copy(certificateFile(), configured.resolve("bridge.crt"));
        Path key = Files.copy(keyFile(), configured.resolve("bridge.key"));
        Files.delete(certificateFile());
        Files.delete(keyFile());

        tlsPort = FreePorts.sipPort();
        start(new BridgeConfig.SipConfig.Tls(true, tlsPort, certificate.toString(), key.toString(), false));
        SipTestClient client = client(SipTestClient.tls(tlsPort, certificate(certificate)));
        TestDialog probe = client.dialog("bridge");
        client.send(probe.options());
        client.awaitResponse(200, "OPTIONS", probe.callId());
        assertTrue(Files.notExists(certificateFile()), "nothing generated when the files are configured");
    }

    @Test
    void aKeyFileWithoutAKeyStopsTheStartNamingTheKey() throws Exception {
        Path certificate = Files.writeString(dataDir.resolve("bridge.crt"), "not a certificate\n");
        tlsPort = FreePorts.sipPort();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(
                new BridgeConfig.SipConfig.Tls(true, tlsPort, certificate.toString(), certificate.toString(), false)));
        assertTrue(e.getMessage().contains("sip.tlsCertificateFile"), e.getMessage());
    }
}
