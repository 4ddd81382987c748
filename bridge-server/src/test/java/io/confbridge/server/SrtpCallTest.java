package io.confbridge.server;

import io.confbridge.rtp.SrtpContext;
import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SrtpPhone;
import io.confbridge.server.support.TestMeeting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A call over SIP/TLS with SDES keys end to end (issue 8 §6), with a Java phone speaking SRTP: the bridge
 * answers RTP/SAVP with its own key, everything it sends is SRTP (no clear G.711 on the wire; it decrypts,
 * with the key from the answer, to the prompt and then the hold music), RTCP is SRTCP, and DTMF typed in
 * SRTP takes the caller to the lobby. Neither side's key is ever logged, the SIP wire log included.
 */
class SrtpCallTest {
    /** PCMU silence: a frame of it, or near it, is what an unencrypted quiet stream looks like. */
    private static final int PCMU_SILENCE = 0xFF;

    @TempDir
    Path dataDir;

    @Test
    void srtpCallerHearsEncryptedAudioAndReachesTheLobbyWithKeysTypedInSrtp() throws Exception {
        try (LogCapture logs = LogCapture.start();
             RunningBridge bridge = RunningBridge.in(dataDir).start();
             SrtpPhone phone = new SrtpPhone(bridge, SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80)) {
            TestMeeting meeting = bridge.newMeeting(true);
            assertEquals(200, phone.dial("bridge"));
            assertTrue(phone.line("m=audio").contains(" RTP/SAVP "), phone.answer().body());
            assertTrue(phone.line("a=crypto:").startsWith("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"));

            await("the bridge speaks, in SRTP").atMost(Duration.ofSeconds(5))
                    .until(() -> audible(phone.received()) >= 10);
            phone.sendDtmf(meeting.conferenceId() + "#").get(10, TimeUnit.SECONDS);
            await("the caller waits in the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);

            await("an SRTCP report arrives").atMost(Duration.ofSeconds(8)).until(() -> phone.srtcpAuthenticated() >= 1);
            assertEquals(0, phone.srtcpRejected(), "every RTCP report is SRTCP under the bridge's key");

            List<SrtpPhone.Received> packets = phone.received();
            assertTrue(packets.size() >= 100, "packets: " + packets.size());
            int clearLooking = 0;
            for (SrtpPhone.Received p : packets) {
                assertNotNull(p.plain(), "every packet authenticates under the bridge's key");
                assertEquals(12 + 160 + 10, p.wire().length, "RTP header, 20 ms of G.711, 80-bit tag");
                if (sameBytes(p.wire(), p.plain(), 12, 160) > 16) {
                    clearLooking++; // a payload left in clear would match its decryption nearly byte for byte
                }
            }
            assertEquals(0, clearLooking, "no clear G.711 on the wire");
            assertTrue(audible(packets.subList(packets.size() - 50, packets.size())) >= 10,
                    "the hold music decrypts to sound");
            assertEquals(200, phone.hangUp());

            String ourKey = keyOf(phone.offer().lines().filter(l -> l.startsWith("a=crypto:")).findFirst().orElseThrow());
            String bridgeKey = keyOf(phone.line("a=crypto:"));
            for (String line : logs.lines()) {
                assertFalse(line.contains(ourKey) || line.contains(bridgeKey), "an SDES key was logged: " + line);
            }
        }
    }

    private static String keyOf(String cryptoLine) {
        return cryptoLine.substring(cryptoLine.indexOf("inline:") + 7).split("[|\\s]")[0];
    }

    @Test
    void aReInviteWithANewKeyRekeysBothDirections() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start();
             SrtpPhone phone = new SrtpPhone(bridge, SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80)) {
            TestMeeting meeting = bridge.newMeeting(true);
            assertEquals(200, phone.dial("bridge"));
            String firstKey = keyOf(phone.line("a=crypto:"));
            await("the bridge speaks, in SRTP").atMost(Duration.ofSeconds(5))
                    .until(() -> audible(phone.received()) >= 10);

            assertEquals(200, phone.rekey());
            assertFalse(keyOf(phone.line("a=crypto:")).equals(firstKey), "a new key of the bridge's answers ours");
            int switchedAt = phone.received().size();
            await("packets under the bridge's new key").atMost(Duration.ofSeconds(5)).until(() -> {
                List<SrtpPhone.Received> after = phone.received();
                return after.size() > switchedAt + 60
                        && after.subList(after.size() - 50, after.size()).stream().allMatch(p -> p.plain() != null);
            });
            // Keys typed under our new key are heard: the bridge's receiving context follows too.
            phone.sendDtmf(meeting.conferenceId() + "#").get(10, TimeUnit.SECONDS);
            await("the caller waits in the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).lobbyCount() == 1);
        }
    }

    @Test
    void aPlainOfferOverTlsWhenSrtpIsMandatoryIsRefusedAndSrtpIsAccepted() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("rtp.srtp", "mandatory").start();
             SrtpPhone phone = new SrtpPhone(bridge, SrtpContext.Suite.AES_CM_128_HMAC_SHA1_32)) {
            assertEquals(200, phone.dial("bridge"));
            assertTrue(phone.line("a=crypto:").startsWith("a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:"));
            await("the bridge speaks, in SRTP with 32-bit tags").atMost(Duration.ofSeconds(5))
                    .until(() -> audible(phone.received()) >= 10);
            assertTrue(phone.received().stream().allMatch(p -> p.plain() != null && p.wire().length == 12 + 160 + 4));
            assertEquals(488, bridge.newPhone("plain").dial("bridge"), "plain RTP over UDP with rtp.srtp=mandatory");
        }
    }

    /** Decrypted frames that are not near-silence. */
    private static int audible(List<SrtpPhone.Received> packets) {
        int audible = 0;
        for (SrtpPhone.Received p : packets) {
            if (p.plain() == null || p.plain().length < 12 + 160) {
                continue;
            }
            int loud = 0;
            for (int i = 12; i < 12 + 160; i++) {
                int b = p.plain()[i] & 0x7F;
                if (b < 0x70) { // PCMU: 0x7F/0xFF is zero, smaller magnitudes code louder samples
                    loud++;
                }
            }
            if (loud > 20) {
                audible++;
            }
        }
        return audible;
    }

    private static int sameBytes(byte[] a, byte[] b, int from, int n) {
        int same = 0;
        for (int i = from; i < from + n && i < a.length && i < b.length; i++) {
            if (a[i] == b[i]) {
                same++;
            }
        }
        return same;
    }
}
