package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mixer's arithmetic on one tick: mix-minus, limiting, mute, one frame per participant. */
class MixerTest {
    private static final int N = Codec.FRAME_SAMPLES;

    private final Mixer mixer = new Mixer();
    private final ByteBuf packet = Unpooled.buffer(N);

    @AfterEach
    void release() {
        packet.release();
    }

    /** Two frames of a constant level, enough for the jitter buffer to start playing. */
    private void speaks(ParticipantAudio p, int level) {
        for (int seq = 1; seq <= 2; seq++) {
            packet.clear();
            for (int i = 0; i < N; i++) {
                packet.writeByte(p.codec().encode((short) level));
            }
            p.received(seq, packet, 0, N);
        }
    }

    /** What the participant's codec turns a level into and back: what the mixer sums. */
    private static int heardAs(ParticipantAudio p, int level) {
        return p.codec().decode(p.codec().encode((short) level));
    }

    /** Asserts the participant's next mix frame is the level, encoded in its codec, in every sample. */
    private static void hears(ParticipantAudio p, int level) {
        EncodedFrameRing out = p.output();
        int at = out.peek(4);
        assertTrue(at >= 0, "a frame for the participant");
        byte expected = p.codec().encode((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, level)));
        for (int i = 0; i < N; i++) {
            assertEquals(expected, out.frames()[at + i], "sample " + i);
        }
        out.advance();
        assertEquals(-1, out.peek(4), "one frame per tick");
    }

    @Test
    void everyoneHearsTheOthersButNotThemselves() {
        ParticipantAudio a = new ParticipantAudio(Codec.PCMU);
        ParticipantAudio b = new ParticipantAudio(Codec.PCMA);
        ParticipantAudio quiet = new ParticipantAudio(Codec.PCMU);
        mixer.participants(new ParticipantAudio[] {a, b, quiet});
        speaks(a, 1000);
        speaks(b, 2000);

        mixer.tick(0);

        int fromA = heardAs(a, 1000);
        int fromB = heardAs(b, 2000);
        hears(a, fromB);
        hears(b, fromA);
        hears(quiet, fromA + fromB);
        assertTrue(a.packetArrived && b.packetArrived && !quiet.packetArrived);
    }

    @Test
    void theLegsToOtherNodesHearOnlyThisNodesOwnTalkers() {
        ParticipantAudio local = new ParticipantAudio(Codec.PCMU);
        ParticipantAudio listener = new ParticipantAudio(Codec.PCMU);
        ParticipantAudio node3 = ParticipantAudio.ofOtherNode(Codec.PCMU);
        ParticipantAudio node4 = ParticipantAudio.ofOtherNode(Codec.PCMU);
        mixer.participants(new ParticipantAudio[] {local, listener, node3, node4});
        speaks(local, 1000);
        speaks(node3, 2000);
        speaks(node4, 3000);

        mixer.tick(0);

        int fromLocal = heardAs(local, 1000);
        int from3 = heardAs(node3, 2000);
        int from4 = heardAs(node4, 3000);
        // The callers here hear every node, each voice once; the talker here not itself.
        hears(local, from3 + from4);
        hears(listener, fromLocal + from3 + from4);
        // Each other node hears this node's talker alone: never itself, never the third node (it has its
        // own leg to that one), so nobody anywhere hears a voice twice.
        hears(node3, fromLocal);
        hears(node4, fromLocal);
    }

    @Test
    void aSumBeyondSixteenBitsIsTurnedDownNotClippedNorWrapped() {
        ParticipantAudio a = new ParticipantAudio(Codec.PCMU);
        ParticipantAudio b = new ParticipantAudio(Codec.PCMU);
        ParticipantAudio c = new ParticipantAudio(Codec.PCMU);
        ParticipantAudio listener = new ParticipantAudio(Codec.PCMA);
        mixer.participants(new ParticipantAudio[] {a, b, c, listener});
        speaks(a, 30000);
        speaks(b, 30000);
        speaks(c, -20000);

        mixer.tick(0);

        assertTrue(heardAs(b, 30000) + heardAs(c, -20000) < SoftLimiter.CEILING, "a's mix needs no limiting");
        hears(a, heardAs(b, 30000) + heardAs(c, -20000));
        // 60000 before limiting: brought down to the ceiling (-1 dBFS), not wrapped to negative, not full scale
        hears(c, SoftLimiter.CEILING);
        hears(listener, SoftLimiter.CEILING);
    }

    @Test
    void aMutedParticipantIsLeftOutOfTheMixButStillHearsIt() {
        ParticipantAudio muted = new ParticipantAudio(Codec.PCMU);
        ParticipantAudio talker = new ParticipantAudio(Codec.PCMU);
        ParticipantAudio listener = new ParticipantAudio(Codec.PCMU);
        mixer.participants(new ParticipantAudio[] {muted, talker, listener});
        muted.muted(true);
        speaks(muted, 8000);
        speaks(talker, 1500);

        mixer.tick(0);

        int fromTalker = heardAs(talker, 1500);
        hears(muted, fromTalker);
        hears(talker, 0);
        hears(listener, fromTalker);
        assertTrue(!muted.packetArrived, "a muted packet counts as none");
    }

    @Test
    void aParticipantWhoseCodecSwitchedIsHeardAndServedInTheNewOne() {
        ParticipantAudio switcher = new ParticipantAudio(Codec.PCMU);
        ParticipantAudio other = new ParticipantAudio(Codec.PCMU);
        mixer.participants(new ParticipantAudio[] {switcher, other});
        // A re-INVITE moved the caller to A-law: what it sends is decoded, and its mix encoded, as A-law.
        switcher.codec(Codec.PCMA);
        assertEquals(Codec.PCMA, switcher.codec());
        speaks(other, 1500);
        speaks(switcher, 700);
        mixer.tick(0);
        hears(switcher, heardAs(other, 1500));
        hears(other, heardAs(switcher, 700));
        assertTrue(heardAs(switcher, 700) != Codec.PCMU.decode(Codec.PCMA.encode((short) 700)),
                "the two laws tell the levels apart, so the assertion above could fail");
    }

    @Test
    void aParticipantTypingKeysIsLeftOutOfTheMixForTheKeyAndItsHangover() {
        ParticipantAudio typist = new ParticipantAudio(Codec.PCMU);
        ParticipantAudio listener = new ParticipantAudio(Codec.PCMU);
        mixer.participants(new ParticipantAudio[] {typist, listener});
        long now = 5_000_000_000L;
        typist.keyToneHeard(now);
        speaks(typist, 3000);

        mixer.tick(now + 20_000_000L);

        hears(listener, 0);
        assertTrue(!typist.packetArrived, "the key's audio is not in the sum");
        assertTrue(typist.keyToneAt(now + ParticipantAudio.KEY_TONE_HANGOVER_NS - 1));
        assertTrue(!typist.keyToneAt(now + ParticipantAudio.KEY_TONE_HANGOVER_NS), "heard again after the hangover");
    }

    /**
     * A key is detected as its packets arrive and heard a jitter buffer's depth later: a caller on a deep
     * buffer stays out of the mix for that depth beyond the tail, or the key's last frames would be heard.
     */
    @Test
    void aTypistOnADeepJitterBufferStaysOutOfTheMixUntilItsBufferedFramesHavePlayed() {
        ParticipantAudio typist = new ParticipantAudio(Codec.PCMU);
        packet.clear().writeZero(N);
        typist.received(1, packet, 0, N, 320); // 40 ms of jitter: 1 + 4 × 2 = 9 frames deep
        assertEquals(180, typist.jitterBufferDepthMs());
        long now = 5_000_000_000L;
        typist.keyToneHeard(now);
        long played = ParticipantAudio.KEY_TONE_TAIL_NS + 180_000_000L;
        assertTrue(ParticipantAudio.KEY_TONE_HANGOVER_NS < played, "the least hangover would cut the tail short");
        assertTrue(typist.keyToneAt(now + ParticipantAudio.KEY_TONE_HANGOVER_NS), "out while its frames still play");
        assertTrue(typist.keyToneAt(now + played - 1));
        assertTrue(!typist.keyToneAt(now + played), "heard again once they and the tail have played");
    }

    @Test
    void theTalkersListenerHearsOnlyChangesOfTheSet() {
        ParticipantAudio a = new ParticipantAudio(Codec.PCMU);
        ParticipantAudio b = new ParticipantAudio(Codec.PCMU);
        mixer.participants(new ParticipantAudio[] {a, b});
        int[] changes = new int[1];
        boolean[] aHeard = new boolean[1];
        mixer.onTalkersChanged(() -> {
            changes[0]++;
            aHeard[0] = a.heardNow();
        });
        speaks(a, 3000);
        mixer.tick(0);
        assertEquals(1, changes[0], "a starts talking");
        assertTrue(aHeard[0], "the set is readable from the listener");
        mixer.tick(20_000_000L); // a is still a talker (its second frame): no news
        assertEquals(1, changes[0]);
        mixer.participants(new ParticipantAudio[] {b});
        mixer.tick(40_000_000L);
        assertEquals(2, changes[0], "the talker left: nobody talks");
    }
}
