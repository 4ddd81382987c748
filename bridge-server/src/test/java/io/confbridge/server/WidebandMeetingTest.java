package io.confbridge.server;

import io.confbridge.codec.Codec;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SdpOffer;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 §1–2 end to end: G.722 callers over real SIP and RTP, in the lobby and in meetings with
 * G.711 callers. The test phones encode and decode G.722 themselves (16 kHz audio), so what is
 * measured is what a wideband phone would hear. One bridge for the class: each test has its own meeting.
 */
class WidebandMeetingTest {
    private static final Duration WINDOW = Duration.ofSeconds(1);

    @TempDir
    static Path dataDir;
    private static RunningBridge bridge;

    @BeforeAll
    static void start() throws Exception {
        bridge = RunningBridge.in(dataDir).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (bridge != null) { // null when the start was skipped (no PostgreSQL for that pass)
            bridge.close();
        }
    }

    /** Dials straight into the meeting with {@code offer}, sending silence as a phone does. */
    private static TestPhone caller(String name, String conferenceId, SdpOffer offer) {
        TestPhone phone = bridge.newPhone(name);
        assertEquals(200, phone.dial(conferenceId, offer), name + " dialling " + conferenceId);
        phone.startSilence();
        return phone;
    }

    @Test
    void theAnswerTakesG722WhateverTheOffersOrderAndTheLobbyMusicIsHeardInIt() {
        TestMeeting meeting = bridge.newMeeting(true);
        TestPhone wide = caller("pcmu-first", meeting.conferenceId(), SdpOffer.PCMU_G722_TELEPHONE_EVENT);
        assertEquals(Codec.G722, wide.answer().codec(), "rtp.codecs puts G.722 first:\n" + wide.answer().text());
        assertEquals(9, wide.answer().audioPayloadType());
        // Decoded as G.722 by the phone: prompts and hold music are encoded in it, not G.711 sent as 9.
        awaitHearing(wide);
        TestPhone narrow = caller("pcmu-only", meeting.conferenceId(), SdpOffer.PCMU_PCMA_TELEPHONE_EVENT);
        assertEquals(Codec.PCMU, narrow.answer().codec());
    }

    @Test
    void g722AndG711CallersHearEachOther() {
        TestMeeting meeting = bridge.newMeeting(false);
        String id = meeting.conferenceId();
        TestPhone wide = caller("wide", id, SdpOffer.G722_PCMU_TELEPHONE_EVENT);
        TestPhone narrow = caller("narrow", id, SdpOffer.PCMU_PCMA_TELEPHONE_EVENT);
        await("both in the meeting").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 2);

        wide.startTone(1000, -12);
        await("the G.711 caller hears the G.722 caller's 1 kHz").atMost(IVR_STEP)
                .until(() -> narrow.toneLevel(1000, WINDOW) > 0.8);
        wide.startSilence();
        narrow.startTone(400, -12);
        await("the G.722 caller hears the G.711 caller's 400 Hz").atMost(IVR_STEP)
                .until(() -> wide.toneLevel(400, WINDOW) > 0.8);
        assertTrue(narrow.toneLevel(400, WINDOW) < 0.1, "and the G.711 caller does not hear themself");
    }

    @Test
    void aFiveKilohertzToneReachesG722EarsButNeverG711EarsAsAnAlias() {
        TestMeeting meeting = bridge.newMeeting(false);
        String id = meeting.conferenceId();
        TestPhone talker = caller("talker", id, SdpOffer.G722_PCMU_TELEPHONE_EVENT);
        TestPhone wideEar = caller("wide-ear", id, SdpOffer.G722_ONLY);
        TestPhone narrowEar = caller("narrow-ear", id, SdpOffer.PCMA_ONLY);
        await("all in the meeting").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 3);

        talker.startTone(5000, -12);
        await("the G.722 listener hears 5 kHz").atMost(IVR_STEP).until(() -> wideEar.toneLevel(5000, WINDOW) > 0.8);
        // A window of tone only: the entry tones and the silence before are out of it.
        long from = System.nanoTime();
        await().atMost(IVR_STEP).until(() -> System.nanoTime() > from + WINDOW.toNanos());
        double wideLevel = wideEar.toneLevel(5000, WINDOW);
        assertTrue(wideLevel > 0.9, "the G.722 listener hears a clean 5 kHz: " + wideLevel);
        // A 5 kHz tone sampled at 8 kHz without a filter would be heard at 3 kHz, at nearly its level.
        double rms = narrowEar.audioRms(WINDOW);
        assertTrue(rms < 300, "the G.711 listener hears next to nothing (RMS " + rms + "; the tone is about 5800)");
        assertTrue(narrowEar.toneLevel(3000, WINDOW) < 0.2, "no 3 kHz alias");
    }

    /** Issue 11 §1: Opus is answered first, on the caller's payload type; prompts and music are heard in it. */
    @Test
    void theAnswerTakesOpusOnTheCallersPayloadTypeAndTheLobbyMusicIsHeardInIt() {
        TestMeeting meeting = bridge.newMeeting(true);
        TestPhone opus = caller("opus", meeting.conferenceId(), SdpOffer.OPUS_PCMU_TELEPHONE_EVENT);
        assertEquals(Codec.OPUS, opus.answer().codec(), opus.answer().text());
        assertEquals(96, opus.answer().audioPayloadType());
        assertTrue(opus.answer().text().contains("a=rtpmap:96 opus/48000/2"), opus.answer().text());
        assertTrue(opus.answer().text().contains("useinbandfec=1"), opus.answer().text());
        // Decoded by libopus at the phone: the prompts and hold music are real Opus, on a 48 kHz clock.
        awaitHearing(opus);
        java.util.List<io.confbridge.server.support.ReceivedRtp> packets = opus.received();
        io.confbridge.server.support.ReceivedRtp last = packets.get(packets.size() - 1);
        io.confbridge.server.support.ReceivedRtp before = packets.get(packets.size() - 2);
        assertEquals(960, (last.timestamp() - before.timestamp()) & 0xFFFFFFFFL, "20 ms is 960 on Opus's clock");
    }

    /**
     * Issue 11 §1, the caller's ptime: an Opus phone that asks for 40 ms gets 40 ms packets (two 20 ms
     * frames in one, 1,920 on the 48 kHz clock, answered {@code a=ptime:40}), and what it sends in 40 ms
     * packets is heard by a PCMU caller; one that sends 10 ms packets is heard too.
     */
    @Test
    void opusCallersAreHeardAndServedInThePacketTimeTheyUse() {
        TestMeeting meeting = bridge.newMeeting(false);
        String id = meeting.conferenceId();
        TestPhone forty = bridge.newPhone("opus-40");
        forty.offerPacketTime(40);
        assertEquals(200, forty.dial(id, SdpOffer.OPUS_PCMU_TELEPHONE_EVENT));
        forty.startSilence();
        assertEquals(Codec.OPUS, forty.answer().codec(), forty.answer().text());
        assertTrue(forty.answer().text().contains("a=ptime:40\r\n"), forty.answer().text());
        TestPhone ten = bridge.newPhone("opus-10");
        ten.offerPacketTime(10);
        assertEquals(200, ten.dial(id, SdpOffer.OPUS_PCMU_TELEPHONE_EVENT));
        ten.startSilence();
        assertTrue(ten.answer().text().contains("a=ptime:20\r\n"), "Opus goes in whole 20 ms frames: "
                + ten.answer().text());
        TestPhone narrow = caller("narrow", id, SdpOffer.PCMU_PCMA_TELEPHONE_EVENT);
        await("all in the meeting").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 3);

        forty.startTone(1000, -12, 40);
        await("the PCMU caller hears the 40 ms Opus caller's 1 kHz").atMost(IVR_STEP)
                .until(() -> narrow.toneLevel(1000, WINDOW) > 0.8);
        forty.startSilence();
        ten.startTone(600, -12, 10);
        await("the PCMU caller hears the 10 ms Opus caller's 600 Hz").atMost(IVR_STEP)
                .until(() -> narrow.toneLevel(600, WINDOW) > 0.8);
        await("the 40 ms Opus caller hears it, in 40 ms packets").atMost(IVR_STEP)
                .until(() -> forty.toneLevel(600, WINDOW) > 0.8);
        java.util.List<io.confbridge.server.support.ReceivedRtp> packets = forty.received();
        io.confbridge.server.support.ReceivedRtp last = packets.get(packets.size() - 1);
        io.confbridge.server.support.ReceivedRtp before = packets.get(packets.size() - 2);
        assertEquals(1920, (last.timestamp() - before.timestamp()) & 0xFFFFFFFFL, "40 ms is 1,920 on Opus's clock");
        assertEquals(640, last.pcm().length, "40 ms of 16 kHz audio in one packet");
    }

    /**
     * Issue 11 §1, the caller's {@code maxplaybackrate}: an Opus phone that says it plays out 8 kHz is sent
     * narrowband Opus, so a G.722 talker's 5 kHz is not in what it gets (its 1 kHz is), while a wideband
     * Opus phone in the same meeting hears the 5 kHz.
     */
    @Test
    void anOpusPhoneThatPlaysOutEightKilohertzIsSentNarrowbandOpus() {
        TestMeeting meeting = bridge.newMeeting(false);
        String id = meeting.conferenceId();
        TestPhone narrowOpus = caller("opus-8k", id, SdpOffer.OPUS_8K_PCMU_TELEPHONE_EVENT);
        assertEquals(Codec.OPUS, narrowOpus.answer().codec(), narrowOpus.answer().text());
        TestPhone wideOpus = caller("opus-16k", id, SdpOffer.OPUS_PCMU_TELEPHONE_EVENT);
        TestPhone talker = caller("g722-talker", id, SdpOffer.G722_ONLY);
        await("all in the meeting").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 3);

        talker.startTone(5000, -12);
        await("the wideband Opus phone hears the 5 kHz").atMost(IVR_STEP)
                .until(() -> wideOpus.toneLevel(5000, WINDOW) > 0.8);
        long from = System.nanoTime();
        await().atMost(IVR_STEP).until(() -> System.nanoTime() > from + WINDOW.toNanos());
        double rms = narrowOpus.audioRms(WINDOW);
        assertTrue(rms < 300, "the 8 kHz Opus phone hears next to nothing of the 5 kHz (RMS " + rms
                + "; the tone is about 5800)");
        talker.startTone(1000, -12);
        await("the 8 kHz Opus phone hears the 1 kHz").atMost(IVR_STEP)
                .until(() -> narrowOpus.toneLevel(1000, WINDOW) > 0.8);
    }

    /** Issue 11 §2: a 1 kHz tone from an Opus caller heard by a PCMU caller, and back. */
    @Test
    void opusAndG711CallersHearEachOther() {
        TestMeeting meeting = bridge.newMeeting(false);
        String id = meeting.conferenceId();
        TestPhone opus = caller("opus", id, SdpOffer.OPUS_PCMU_TELEPHONE_EVENT);
        TestPhone narrow = caller("narrow", id, SdpOffer.PCMU_PCMA_TELEPHONE_EVENT);
        await("both in the meeting").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 2);

        opus.startTone(1000, -12);
        await("the PCMU caller hears the Opus caller's 1 kHz").atMost(IVR_STEP)
                .until(() -> narrow.toneLevel(1000, WINDOW) > 0.8);
        opus.startSilence();
        narrow.startTone(400, -12);
        await("the Opus caller hears the PCMU caller's 400 Hz").atMost(IVR_STEP)
                .until(() -> opus.toneLevel(400, WINDOW) > 0.8);
        assertTrue(narrow.toneLevel(400, WINDOW) < 0.1, "and the PCMU caller does not hear themself");
    }

    /**
     * Issue 11 §3, cost with talkers: while one Opus caller talks alone, the other Opus callers are sent
     * that caller's own packets, byte for byte, not a re-encode; once a second one talks, they hear the
     * mix of both.
     */
    @Test
    void aLoneOpusTalkersPacketsReachTheOtherOpusCallersAsSentUntilASecondTalks() {
        TestMeeting meeting = bridge.newMeeting(false);
        String id = meeting.conferenceId();
        TestPhone a = caller("opus-a", id, SdpOffer.OPUS_PCMU_TELEPHONE_EVENT);
        TestPhone b = caller("opus-b", id, SdpOffer.OPUS_PCMU_TELEPHONE_EVENT);
        TestPhone c = caller("opus-c", id, SdpOffer.OPUS_PCMU_TELEPHONE_EVENT);
        await("all in the meeting").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 3);
        // Forwarding starts where the mix was silent (a decoder goes over to another encoder cleanly only
        // from silence): after the join tones.
        await("the join tones are over").atMost(IVR_STEP).until(() -> c.audioRms(WINDOW) < 30);
        a.startTone(1000, -12);
        await("B hears A's 1 kHz").atMost(IVR_STEP).until(() -> b.toneLevel(1000, WINDOW) > 0.8);
        await("C's last second is A's packets as sent").atMost(IVR_STEP)
                .until(() -> shareOfPacketsSentBy(a, c, WINDOW) > 0.9);
        assertTrue(shareOfPacketsSentBy(a, b, WINDOW) > 0.9, "and B's");

        b.startTone(600, -12);
        // Two tones of one level: each is about half of what C hears.
        await("C hears B's 600 Hz and A's 1 kHz, mixed").atMost(IVR_STEP)
                .until(() -> c.toneLevel(600, WINDOW) > 0.35 && c.toneLevel(1000, WINDOW) > 0.35);
        await("which is not A's packets").atMost(IVR_STEP).until(() -> shareOfPacketsSentBy(a, c, WINDOW) < 0.1);
        assertTrue(a.toneLevel(1000, WINDOW) < 0.1, "A does not hear itself");
    }

    /** The share of the audio packets {@code ear} received over the last {@code window} that {@code talker} sent as they are. */
    private static double shareOfPacketsSentBy(TestPhone talker, TestPhone ear, Duration window) {
        java.util.Set<java.nio.ByteBuffer> sent = new java.util.HashSet<>();
        for (byte[] payload : talker.recentPayloadsSent()) {
            sent.add(java.nio.ByteBuffer.wrap(payload));
        }
        java.util.List<io.confbridge.server.support.ReceivedRtp> heard = ear.receivedSince(System.nanoTime() - window.toNanos());
        long same = heard.stream().filter(p -> sent.contains(java.nio.ByteBuffer.wrap(p.payload()))).count();
        return heard.isEmpty() ? 0 : (double) same / heard.size();
    }

    /** Issue 11 §2: a 5 kHz tone from an Opus caller reaches a G.722 caller, and no PCMU caller as an alias. */
    @Test
    void aFiveKilohertzToneFromOpusReachesG722EarsButNeverPcmuEarsAsAnAlias() {
        TestMeeting meeting = bridge.newMeeting(false);
        String id = meeting.conferenceId();
        TestPhone talker = caller("opus-talker", id, SdpOffer.OPUS_PCMU_TELEPHONE_EVENT);
        TestPhone wideEar = caller("g722-ear", id, SdpOffer.G722_ONLY);
        TestPhone narrowEar = caller("pcmu-ear", id, SdpOffer.PCMU_PCMA_TELEPHONE_EVENT);
        await("all in the meeting").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 3);

        talker.startTone(5000, -12);
        await("the G.722 listener hears 5 kHz").atMost(IVR_STEP).until(() -> wideEar.toneLevel(5000, WINDOW) > 0.8);
        long from = System.nanoTime();
        await().atMost(IVR_STEP).until(() -> System.nanoTime() > from + WINDOW.toNanos());
        double rms = narrowEar.audioRms(WINDOW);
        assertTrue(rms < 300, "the PCMU listener hears next to nothing (RMS " + rms + "; the tone is about 5800)");
        assertTrue(narrowEar.toneLevel(3000, WINDOW) < 0.2, "no 3 kHz alias");
    }
}
