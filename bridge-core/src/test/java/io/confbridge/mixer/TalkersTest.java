package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Talker detection and top-N mixing over many ticks: who is heard, what steady noise does, and that a
 * crowd of open microphones neither buries the talker nor clips.
 */
class TalkersTest {
    private static final int N = Codec.FRAME_SAMPLES;
    private static final int TICKS_PER_SECOND = 50;

    private final ByteBuf packet = Unpooled.buffer(N);
    private final List<Source> sources = new ArrayList<>();

    @AfterEach
    void release() {
        packet.release();
    }

    /** A participant sending a tone (or a constant level when hz is 0) of {@code dbfs}, one packet a tick. */
    private final class Source {
        final ParticipantAudio audio = new ParticipantAudio(Codec.PCMU);
        final double hz;
        double amplitude;
        int sequence;
        long sample;
        boolean sending = true;

        Source(double hz, double dbfs) {
            this.hz = hz;
            level(dbfs);
            sources.add(this);
        }

        void level(double dbfs) {
            amplitude = dbfs == Double.NEGATIVE_INFINITY ? 0 : 32767 * Math.pow(10, dbfs / 20);
        }

        void sendOnePacket() {
            if (!sending) {
                return;
            }
            packet.clear();
            for (int i = 0; i < N; i++, sample++) {
                double v = hz == 0 ? amplitude : amplitude * Math.sin(2 * Math.PI * hz * sample / 8000.0);
                packet.writeByte(Codec.PCMU.encode((short) Math.round(v)));
            }
            audio.received(++sequence, packet, 0, N);
        }
    }

    private static ParticipantAudio[] audios(List<Source> list, ParticipantAudio... more) {
        ParticipantAudio[] all = new ParticipantAudio[list.size() + more.length];
        for (int i = 0; i < list.size(); i++) {
            all[i] = list.get(i).audio;
        }
        System.arraycopy(more, 0, all, list.size(), more.length);
        return all;
    }

    /** Runs {@code ticks} ticks, every source sending one packet before each (primed with one more). */
    private void run(Mixer mixer, int ticks, ParticipantAudio... listeners) {
        for (int t = 0; t < ticks; t++) {
            for (Source s : sources) {
                if (s.sequence == 0) {
                    s.sendOnePacket(); // the jitter buffer plays from its second packet
                }
                s.sendOnePacket();
            }
            mixer.tick(0);
            drainAll(listeners);
        }
    }

    private final List<short[]> lastHeard = new ArrayList<>();

    private void drainAll(ParticipantAudio... listeners) {
        lastHeard.clear();
        for (Source s : sources) {
            drain(s.audio);
        }
        for (ParticipantAudio l : listeners) {
            lastHeard.add(drain(l));
        }
    }

    /** The participant's latest mix frame, decoded (older ones dropped). */
    private static short[] drain(ParticipantAudio p) {
        short[] pcm = new short[N];
        EncodedFrameRing out = p.output();
        int at;
        while ((at = out.peek(4)) >= 0) {
            for (int i = 0; i < N; i++) {
                pcm[i] = p.codec().decode(out.frames()[at + i]);
            }
            out.advance();
        }
        return pcm;
    }

    private static double dbfs(short[] pcm) {
        double sum = 0;
        for (short s : pcm) {
            sum += (double) s * s;
        }
        return 10 * Math.log10(sum / pcm.length / (32768.0 * 32768.0) + 1e-12);
    }

    private static int peak(short[] pcm) {
        int peak = 0;
        for (short s : pcm) {
            peak = Math.max(peak, Math.abs(s));
        }
        return peak;
    }

    @Test
    void onlyTheThreeLoudestTalkersAreMixedAndTheQuieterOnesHearThemToo() {
        Mixer mixer = new Mixer();
        Source[] talkers = new Source[5];
        for (int i = 0; i < 5; i++) {
            talkers[i] = new Source(0, -40 + 5 * i); // constant levels -40 .. -20 dBFS
        }
        ParticipantAudio listener = new ParticipantAudio(Codec.PCMU);
        mixer.participants(audios(sources, listener));

        run(mixer, 1, listener);

        assertEquals(3, mixer.talkerCount());
        assertFalse(talkers[0].audio.heardNow() || talkers[1].audio.heardNow(), "the two quietest are left out");
        assertTrue(talkers[2].audio.heardNow() && talkers[3].audio.heardNow() && talkers[4].audio.heardNow());
        int expected = level(-30) + level(-25) + level(-20);
        assertEquals(expected, lastHeard.get(0)[0], expected / 30.0, "the listener hears the three loudest");
    }

    private static int level(double dbfs) {
        return Codec.PCMU.decode(Codec.PCMU.encode((short) Math.round(32767 * Math.pow(10, dbfs / 20))));
    }

    @Test
    void aSteadySoundSinksIntoTheNoiseFloorWhileSpeechWithPausesStaysATalker() {
        Mixer mixer = new Mixer();
        Source hum = new Source(120, -30);
        ParticipantAudio listener = new ParticipantAudio(Codec.PCMU);
        mixer.participants(audios(sources, listener));

        run(mixer, TICKS_PER_SECOND, listener);
        assertTrue(hum.audio.heardNow(), "a new sound is heard at first");

        run(mixer, 25 * TICKS_PER_SECOND, listener);
        assertFalse(hum.audio.heardNow(), "25 s of the same hum is floor, not talk");
        assertTrue(dbfs(lastHeard.get(0)) < -60, "and the listener no longer hears it");

        Source talker = new Source(300, -30);
        mixer.participants(audios(sources, listener));
        for (int syllable = 0; syllable < 40; syllable++) {
            talker.level(-30);
            run(mixer, 10, listener); // 200 ms of voice
            assertTrue(talker.audio.heardNow(), "speaking, syllable " + syllable);
            talker.level(Double.NEGATIVE_INFINITY);
            run(mixer, 5, listener); // a 100 ms pause is bridged by the hangover
            assertTrue(talker.audio.heardNow(), "in a pause, syllable " + syllable);
        }
        run(mixer, TalkerDetector.HANGOVER_TICKS + 1, listener);
        assertFalse(talker.audio.heardNow(), "a longer silence ends the turn");
    }

    @Test
    void aLostPacketOfATalkerIsConcealedNotHeardAsAHole() {
        Mixer mixer = new Mixer();
        Source talker = new Source(250, -20);
        ParticipantAudio listener = new ParticipantAudio(Codec.PCMU);
        mixer.participants(audios(sources, listener));
        run(mixer, 10, listener);
        talker.sequence++; // this packet never arrives; the next one does
        talker.sample += N;
        long lostBefore = talker.audio.heard.lostFrames();
        for (int t = 0; t < 3; t++) {
            run(mixer, 1, listener);
            assertTrue(dbfs(lastHeard.get(0)) > -26, "tick " + t + ": the listener hears the voice go on, "
                    + dbfs(lastHeard.get(0)) + " dBFS");
        }
        assertEquals(lostBefore + 1, talker.audio.heard.lostFrames(), "one frame was lost, and concealed");
    }

    @Test
    void aThousandOpenMicrophonesNeitherBuryTheTalkerNorClip() {
        Mixer mixer = new Mixer();
        List<Source> crowd = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            crowd.add(new Source(1000, -50)); // the measurement: every caller a -50 dBFS tone, in phase
        }
        Source talker = new Source(440, -20);
        ParticipantAudio listener = new ParticipantAudio(Codec.PCMU);
        mixer.participants(audios(sources, listener));

        for (int second = 0; second < 3; second++) {
            run(mixer, TICKS_PER_SECOND, listener);
            short[] heard = lastHeard.get(0);
            assertTrue(peak(heard) <= SoftLimiter.CEILING, "never beyond -1 dBFS: " + peak(heard));
            assertEquals(-20 - 3.01, dbfs(heard), 1.0, "the talker's sine (RMS 3 dB under its peak) dominates");
            assertTrue(talker.audio.heardNow());
        }
    }

    @Test
    void manyLoudTalkersAreTurnedDownSmoothlyAndComeBackWhenItIsQuieter() {
        Mixer mixer = new Mixer(10);
        List<Source> loud = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            loud.add(new Source(500, -6)); // in phase: 10 x half scale
        }
        ParticipantAudio listener = new ParticipantAudio(Codec.PCMU);
        mixer.participants(audios(sources, listener));
        run(mixer, 5, listener);
        short[] heard = lastHeard.get(0);
        assertTrue(peak(heard) <= SoftLimiter.CEILING && peak(heard) > SoftLimiter.CEILING * 0.9,
                "brought to just under the ceiling: " + peak(heard));
        assertTrue(isSine(heard), "turned down, not flattened: the waveform keeps its shape");

        for (Source s : loud.subList(1, 10)) {
            s.sending = false;
        }
        loud.get(0).level(-26);
        run(mixer, 2, listener); // the others' last buffered frames play out; from here the input is steady
        double previous = -100;
        for (int t = 0; t < 30; t++) {
            run(mixer, 1, listener);
            double now = dbfs(lastHeard.get(0));
            assertTrue(now >= previous - 0.5, "the gain only recovers, tick " + t);
            previous = now;
        }
        assertEquals(-26 - 3.01, previous, 1.0, "full gain again after the release");
    }

    /**
     * Not flattened: of a sine driven ten times past full scale and clipped, over 90 % of the samples
     * sit at the rail; of a scaled sine, only those within G.711's top quantisation step (about 17 %).
     */
    private static boolean isSine(short[] pcm) {
        int peak = peak(pcm);
        int atPeak = 0;
        for (short s : pcm) {
            if (Math.abs(s) >= peak - 1) {
                atPeak++;
            }
        }
        return atPeak < pcm.length * 3 / 10;
    }
}
