package io.confbridge.sip;

import io.confbridge.call.NegotiatedMedia;
import io.confbridge.call.NewCall;
import io.confbridge.config.BridgeConfig;
import io.confbridge.rtp.SrtpContext;
import io.confbridge.sip.support.FreePorts;
import io.confbridge.sip.support.RecordingCallAcceptor;
import io.confbridge.sip.support.SipMessage;
import io.confbridge.sip.support.SipTestClient;
import io.confbridge.sip.support.TestDialog;
import io.confbridge.sip.support.TestSipConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * rtp.srtp and rtp.srtpOverInsecureSignalling at the SIP edge: SDES keys are taken over TLS and refused
 * (488) over plain UDP, mandatory refuses calls without SRTP, off ignores crypto lines; the answer is
 * RTP/SAVP with one crypto line of ours under the offer's tag; late offers carry our keys; a re-INVITE
 * with the same key keeps it, one with a new key rekeys.
 */
class SipSrtpPolicyTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** 30 bytes of key and salt, base64, as a softphone would offer them. */
    private static final byte[] CALLER_KEY_AND_SALT = "0123456789abcdef0123456789abcd".getBytes();
    private static final String CALLER_KEY = Base64.getEncoder().encodeToString(CALLER_KEY_AND_SALT);
    private static final String OTHER_KEY = Base64.getEncoder().encodeToString("fedcba9876543210fedcba98765432".getBytes());

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

    private static String offer(String protocol, int rtpPort, String... cryptoLines) {
        StringBuilder sdp = new StringBuilder(String.join("\r\n", "v=0", "o=alice 1 1 IN IP4 127.0.0.1", "s=-",
                "c=IN IP4 127.0.0.1", "t=0 0", "m=audio " + rtpPort + " " + protocol + " 0 101",
                "a=rtpmap:101 telephone-event/8000")).append("\r\n");
        for (String crypto : cryptoLines) {
            sdp.append("a=crypto:").append(crypto).append("\r\n");
        }
        return sdp.toString();
    }

    private void start(BridgeConfig.SipConfig.Srtp.Mode mode, boolean overInsecure) {
        int[] ports = FreePorts.sipPorts(2);
        port = ports[0];
        tlsPort = ports[1];
        BridgeConfig.SipConfig.Tls tls = new BridgeConfig.SipConfig.Tls(true, tlsPort,
                dataDir.resolve("sip-tls-certificate.pem").toString(), dataDir.resolve("sip-tls-key.pem").toString(), true);
        SipServer server = new SipServer(
                TestSipConfig.on(port).tls(tls).srtp(new BridgeConfig.SipConfig.Srtp(mode, overInsecure)).build(), acceptor);
        toClose.add(server);
        server.start();
    }

    private SipTestClient tls() throws Exception {
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(dataDir.resolve("sip-tls-certificate.pem"))) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        SipTestClient client = SipTestClient.tls(tlsPort, certificate);
        toClose.add(0, client);
        return client;
    }

    private SipTestClient udp() throws Exception {
        SipTestClient client = SipTestClient.udp(port);
        toClose.add(0, client);
        return client;
    }

    private static List<String> cryptoLines(SipMessage message) {
        return message.bodyLines().stream().filter(l -> l.startsWith("a=crypto:")).toList();
    }

    private static String mLine(SipMessage message) {
        return message.bodyLines().stream().filter(l -> l.startsWith("m=audio")).findFirst().orElseThrow();
    }

    @Test
    void overTlsTheOfferedKeyIsTakenAndAnsweredWithOurOwnUnderItsTag() throws Exception {
        start(BridgeConfig.SipConfig.Srtp.Mode.OPTIONAL, false);
        SipTestClient client = tls();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(offer("RTP/SAVP", 40000, "3 AES_CM_128_HMAC_SHA1_32 inline:" + CALLER_KEY,
                "4 AES_CM_128_HMAC_SHA1_80 inline:" + OTHER_KEY)));
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        assertTrue(mLine(ok).contains(" RTP/SAVP "), mLine(ok));
        List<String> crypto = cryptoLines(ok);
        assertEquals(1, crypto.size(), ok.body());
        assertTrue(crypto.get(0).startsWith("a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:"), crypto.get(0));
        assertFalse(crypto.get(0).contains(CALLER_KEY), "our own key, not the caller's echoed");

        NewCall call = acceptor.call(dialog.callId());
        assertEquals(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_32, call.srtp().suite());
        byte[] remote = new byte[30];
        System.arraycopy(call.srtp().remoteKey(), 0, remote, 0, 16);
        System.arraycopy(call.srtp().remoteSalt(), 0, remote, 16, 14);
        assertArrayEquals(CALLER_KEY_AND_SALT, remote);
        byte[] ours = Base64.getDecoder().decode(crypto.get(0).substring(crypto.get(0).indexOf("inline:") + 7));
        assertArrayEquals(java.util.Arrays.copyOf(ours, 16), call.srtp().localKey());
        client.send(dialog.ack(ok));
        await().atMost(WAIT).until(() -> acceptor.handle(dialog.callId()).starts.get() == 1);

        // A re-INVITE with the same key keeps ours; one with a new key gets a new one of ours.
        client.send(dialog.reInvite(offer("RTP/SAVP", 40002, "3 AES_CM_128_HMAC_SHA1_32 inline:" + CALLER_KEY)));
        SipMessage same = client.awaitResponse(200, "INVITE", dialog.callId());
        client.send(dialog.ack(same));
        assertEquals(crypto, cryptoLines(same));
        client.send(dialog.reInvite(offer("RTP/SAVP", 40002, "5 AES_CM_128_HMAC_SHA1_80 inline:" + OTHER_KEY)));
        SipMessage rekeyed = client.awaitResponse(200, "INVITE", dialog.callId());
        client.send(dialog.ack(rekeyed));
        assertTrue(cryptoLines(rekeyed).get(0).startsWith("a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:"));
        assertNotEquals(crypto.get(0).substring(crypto.get(0).indexOf("inline:")),
                cryptoLines(rekeyed).get(0).substring(cryptoLines(rekeyed).get(0).indexOf("inline:")));
        List<NegotiatedMedia> updates = acceptor.handle(dialog.callId()).negotiated;
        await().atMost(WAIT).until(() -> updates.size() == 2);
        assertEquals(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80, updates.get(1).srtp().suite());
        assertTrue(updates.get(0).srtp().sameRemote(call.srtp()), "the same key: same context");
        assertFalse(updates.get(1).srtp().sameRemote(call.srtp()), "a new key: a new context");

        // SRTP does not go away in a re-INVITE.
        client.send(dialog.reInvite(offer("RTP/AVP", 40002)));
        client.awaitResponse(488, "INVITE", dialog.callId());
    }

    @Test
    void sdesKeysOverPlainUdpAreRefusedUnlessAllowed() throws Exception {
        start(BridgeConfig.SipConfig.Srtp.Mode.OPTIONAL, false);
        SipTestClient client = udp();
        TestDialog savp = client.dialog("4711001");
        client.send(savp.invite(offer("RTP/SAVP", 40000, "1 AES_CM_128_HMAC_SHA1_80 inline:" + CALLER_KEY)));
        SipMessage refused = client.awaitResponse(488, "INVITE", savp.callId());
        assertTrue(refused.header("Warning").orElseThrow().contains("insecure signalling"), refused.toString());

        // Best-effort SRTP (RTP/AVP with crypto lines) over UDP: the keys are not used, the call is plain.
        TestDialog bestEffort = client.dialog("4711001");
        client.send(bestEffort.invite(offer("RTP/AVP", 40000, "1 AES_CM_128_HMAC_SHA1_80 inline:" + CALLER_KEY)));
        SipMessage plain = client.awaitResponse(200, "INVITE", bestEffort.callId());
        assertTrue(cryptoLines(plain).isEmpty(), plain.body());
        assertTrue(mLine(plain).contains(" RTP/AVP "), mLine(plain));
        assertNull(acceptor.call(bestEffort.callId()).srtp());
        client.send(bestEffort.ack(plain));
    }

    @Test
    void overInsecureSignallingWhenConfiguredKeysOverUdpAreTaken() throws Exception {
        start(BridgeConfig.SipConfig.Srtp.Mode.OPTIONAL, true);
        SipTestClient client = udp();
        TestDialog dialog = client.dialog("4711001");
        client.send(dialog.invite(offer("RTP/SAVP", 40000, "1 AES_CM_128_HMAC_SHA1_80 inline:" + CALLER_KEY)));
        SipMessage ok = client.awaitResponse(200, "INVITE", dialog.callId());
        assertEquals(1, cryptoLines(ok).size());
        assertEquals(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80, acceptor.call(dialog.callId()).srtp().suite());
        client.send(dialog.ack(ok));
    }

    @Test
    void mandatoryRefusesCallsWithoutSrtp() throws Exception {
        start(BridgeConfig.SipConfig.Srtp.Mode.MANDATORY, false);
        SipTestClient client = tls();
        TestDialog plain = client.dialog("4711001");
        client.send(plain.invite(offer("RTP/AVP", 40000)));
        SipMessage refused = client.awaitResponse(488, "INVITE", plain.callId());
        assertTrue(refused.header("Warning").orElseThrow().contains("SRTP required"), refused.toString());

        SipTestClient overUdp = udp();
        TestDialog insecure = overUdp.dialog("4711001");
        overUdp.send(insecure.invite(offer("RTP/SAVP", 40000, "1 AES_CM_128_HMAC_SHA1_80 inline:" + CALLER_KEY)));
        overUdp.awaitResponse(488, "INVITE", insecure.callId());

        // A late offer over TLS: ours is RTP/SAVP with a key per suite.
        TestDialog late = client.dialog("4711001");
        client.send(late.invite(null));
        SipMessage ok = client.awaitResponse(200, "INVITE", late.callId());
        assertTrue(mLine(ok).contains(" RTP/SAVP "), mLine(ok));
        List<String> ours = cryptoLines(ok);
        assertEquals(2, ours.size(), ok.body());
        assertTrue(ours.get(0).startsWith("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"), ours.get(0));
        assertTrue(ours.get(1).startsWith("a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:"), ours.get(1));
        client.send(late.ackWithSdp(ok, offer("RTP/SAVP", 40004, "2 AES_CM_128_HMAC_SHA1_32 inline:" + CALLER_KEY)));
        List<NegotiatedMedia> updates = acceptor.handle(late.callId()).negotiated;
        await().atMost(WAIT).until(() -> updates.size() == 1);
        NegotiatedMedia agreed = updates.get(0);
        assertEquals(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_32, agreed.srtp().suite());
        byte[] ourKey = Base64.getDecoder().decode(ours.get(1).substring(ours.get(1).indexOf("inline:") + 7));
        assertArrayEquals(java.util.Arrays.copyOf(ourKey, 16), agreed.srtp().localKey(), "our key of tag 2");
    }

    @Test
    void offIgnoresCryptoLinesAndRefusesSavpOnlyOffers() throws Exception {
        start(BridgeConfig.SipConfig.Srtp.Mode.OFF, false);
        SipTestClient client = tls();
        TestDialog savp = client.dialog("4711001");
        client.send(savp.invite(offer("RTP/SAVP", 40000, "1 AES_CM_128_HMAC_SHA1_80 inline:" + CALLER_KEY)));
        client.awaitResponse(488, "INVITE", savp.callId());

        TestDialog bestEffort = client.dialog("4711001");
        client.send(bestEffort.invite(offer("RTP/AVP", 40000, "1 AES_CM_128_HMAC_SHA1_80 inline:" + CALLER_KEY)));
        SipMessage ok = client.awaitResponse(200, "INVITE", bestEffort.callId());
        assertTrue(cryptoLines(ok).isEmpty(), ok.body());
        assertNull(acceptor.call(bestEffort.callId()).srtp());
        client.send(bestEffort.ack(ok));

        TestDialog late = client.dialog("4711001");
        client.send(late.invite(null));
        SipMessage offer = client.awaitResponse(200, "INVITE", late.callId());
        assertTrue(cryptoLines(offer).isEmpty(), offer.body());
        assertTrue(mLine(offer).contains(" RTP/AVP "), mLine(offer));
    }
}
