package io.confbridge.server;

import io.confbridge.codec.Codec;
import io.confbridge.server.support.ReceivedRtp;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SdpOffer;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIP as peers send it (RFC 3261, 3264): CANCEL, codec negotiation, OPTIONS, and input that is not SIP. */
class SipSignallingTest {

    @TempDir
    Path dataDir;

    @Test
    void cancelBeforeAnswerGets487() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("sip.answerDelayMs", "3000").start()) {
            TestPhone caller = bridge.newPhone("impatient");
            caller.dialAsync("bridge", SdpOffer.PCMU_PCMA_TELEPHONE_EVENT);

            TestPhone.CancelOutcome outcome = caller.cancel();

            assertEquals(200, outcome.cancelStatus(), "CANCEL is answered 200");
            assertEquals(487, outcome.inviteStatus(), "the INVITE ends 487 Request Terminated");
            assertEquals(487, caller.lastFinalStatus());
            // The answer delay runs out after the CANCEL: the cancelled call must not be answered after all.
            await("no late 200 OK").during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(5))
                    .until(() -> caller.inviteFinalStatuses().stream().allMatch(s -> s >= 300)
                            && caller.packetsReceived() == 0);
        }
    }

    @Test
    void offerWithoutCommonCodecGets488() throws Exception {
        // G.722 is a codec of the bridge's; left out of rtp.codecs, a caller offering only it has none in common.
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("rtp.codecs", "PCMU,PCMA").start()) {
            TestPhone wideband = bridge.newPhone("wideband");

            assertEquals(488, wideband.dial("bridge", SdpOffer.G722_ONLY));
            assertEquals(0, wideband.packetsReceived(), "no media for a refused call");
        }
    }

    @Test
    void pcmaOnlyOfferIsAnsweredAndSpokenInPcma() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestPhone trunk = bridge.newPhone("alaw-trunk");

            assertEquals(200, trunk.dial("bridge", SdpOffer.PCMA_ONLY));
            assertEquals(Codec.PCMA, trunk.answer().codec(), trunk.answer().text());
            trunk.startSilence();
            awaitHearing(trunk);
            List<ReceivedRtp> received = trunk.received();
            assertTrue(received.stream().filter(ReceivedRtp::isAudio).count() > 0);
            assertTrue(received.stream().allMatch(p -> p.payloadType() == trunk.answer().audioPayloadType()
                            || trunk.answer().telephoneEventPt().orElse(-1) == p.payloadType()),
                    "every packet is A-law or an event");
            assertEquals(200, trunk.hangUp());
        }
    }

    @Test
    void optionsGets200() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestPhone monitor = bridge.newPhone("monitor");

            assertEquals(200, monitor.sendOptions());
        }
    }

    @Test
    void malformedRequestDoesNotHarmEstablishedCall() throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir).start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            TestPhone caller = bridge.newPhone("caller");
            dialAndAnswered(caller, id);
            await("caller in the lobby").atMost(IVR_STEP).until(() -> bridge.status(id).lobbyCount() == 1);

            TestPhone vandal = bridge.newPhone("vandal");
            byte[] noise = new byte[300];
            ThreadLocalRandom.current().nextBytes(noise);
            vandal.sendRaw(noise);
            vandal.sendRaw("INVITE sip:" + id + "@127.0.0.1 SIP/2.0\r\n\r\n");
            String withoutCallId = "OPTIONS sip:bridge@127.0.0.1:" + bridge.sipPort() + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + vandal.sipPort() + ";branch=z9hG4bKnocallid1\r\n"
                    + "Max-Forwards: 70\r\n"
                    + "From: <sip:vandal@127.0.0.1>;tag=v1\r\n"
                    + "To: <sip:bridge@127.0.0.1>\r\n"
                    + "CSeq: 1 OPTIONS\r\n"
                    + "Content-Length: 0\r\n\r\n";
            vandal.sendRaw(withoutCallId);
            // The same from the caller's own address, which the bridge knows as a peer of a live dialog.
            caller.sendRaw(new String(noise, StandardCharsets.ISO_8859_1));
            caller.sendRaw(withoutCallId.replace(String.valueOf(vandal.sipPort()), String.valueOf(caller.sipPort())));
            long afterGarbage = System.nanoTime();

            await("the call goes on hearing hold music").atMost(IVR_STEP)
                    .until(() -> caller.audibleFramesSince(afterGarbage) >= 25);
            assertEquals(1, bridge.status(id).lobbyCount());
            assertFalse(caller.byeReceivedFromBridge(), "the bridge did not hang up the caller");
            assertEquals(200, caller.hangUp());
            await().atMost(IVR_STEP).until(() -> bridge.status(id).lobbyCount() == 0);
        }
    }
}
