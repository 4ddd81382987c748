package io.confbridge.server;

import io.confbridge.server.support.Baresip;
import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.sip.support.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * baresip, a real softphone, calls the bridge over SIP/TLS with {@code mediaenc srtp-mand} (RTP/SAVP, SDES
 * keys): the bridge answers in SRTP and baresip's DTMF keys, RFC 4733 events inside SRTP, take it to the
 * lobby. Skipped only when baresip is not installed on a developer's machine; CI installs it, and there
 * a missing baresip fails the test.
 */
class BaresipSrtpTest {
    private static final Duration CALL_UP = Duration.ofSeconds(15);

    @TempDir
    Path dataDir;

    private Baresip baresip;

    @AfterEach
    void stopBaresip() throws Exception {
        if (baresip != null) {
            baresip.close();
        }
    }

    @Test
    void baresipWithMandatorySrtpOverTlsTypesItsWayToTheLobby() throws Exception {
        Baresip.assumeInstalled();
        try (LogCapture logs = LogCapture.start();
             RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            int tlsPort = Integer.parseInt(bridge.overrides().get("sip.tlsPort"));
            int consPort = FreePorts.sipPort();
            int sipPort;
            do {
                sipPort = FreePorts.sipPort(); // the kernel may offer the console's port again
            } while (sipPort == consPort);
            baresip = Baresip.dial("sip:bridge@127.0.0.1:" + tlsPort + ";transport=tls", sipPort,
                    "<sip:caller@127.0.0.1;transport=tls>;regint=0;mediaenc=srtp-mand;audio_codecs=PCMU",
                    List.of("g711.so", "srtp.so", "cons.so"), List.of("cons_listen 127.0.0.1:" + consPort));

            await("baresip's call is answered in SRTP").atMost(CALL_UP).until(() -> logs.lines().stream()
                    .anyMatch(l -> l.contains("accepted:") && l.contains("over SRTP AES_CM_128_HMAC_SHA1_80")));
            await("baresip hears the bridge").atMost(CALL_UP).until(() -> baresip.log().contains("Call established"));

            // baresip's console (cons module, UDP): a long command sending the keys as RFC 4733 events.
            try (DatagramSocket console = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                byte[] command = ("/sndcode " + meeting.conferenceId() + "#\n").getBytes(StandardCharsets.US_ASCII);
                console.send(new DatagramPacket(command, command.length, InetAddress.getLoopbackAddress(), consPort));
            }
            await("baresip's keys, in SRTP, take it to the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);
            assertTrue(baresip.log().contains("SRTP is Enabled (cryptosuite=AES_CM_128_HMAC_SHA1_80)"), baresip.log());
        } catch (TestAbortedException skipped) {
            throw skipped; // e.g. no PostgreSQL for this run
        } catch (Throwable t) {
            throw new AssertionError(t.getMessage() + "\nbaresip said:\n" + (baresip == null ? "" : baresip.log()), t);
        }
    }
}
