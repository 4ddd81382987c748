package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Decoder;
import io.confbridge.codec.G722Encoder;
import io.confbridge.codec.OpusDecoder;
import io.confbridge.codec.OpusEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mixed-rate meetings (issue 11 §2): Opus, G.722 and G.711 callers in one mix, each hearing the others in
 * their own codec, wideband sound reaching G.722 ears and never reaching G.711 ears as an alias.
 * Real codecs both ways: talkers' packets are encoded from 16 kHz (or 8 kHz) tones, listeners' frames
 * are decoded and measured.
 */
class WidebandMixerTest {
    private static final int N = Codec.FRAME_SAMPLES;
    /** Ticks measured, after the codecs' and the limiter's start. */
    private static final int TICKS = 50;
    private static final int SKIP = 10;
    private static final double AMPLITUDE = 8000;

    private final Mixer mixer = new Mixer();
    private final ByteBuf packet = Unpooled.buffer(1500);

    @AfterEach
    void release() {
        packet.release();
    }

    /** One caller sending a steady tone in its codec, a packet a tick. */
    private final class Talker {
        final ParticipantAudio audio;
        final double hz;
        final G722Encoder encoder = new G722Encoder();
        final short[] pcm16k = new short[2 * N];
        /** Opus talkers: a real libopus encoder at 16 kHz, as a phone would have. */
        OpusEncoder opus;
        /** Sequence numbers whose packet is lost on the way (never reaches the bridge). */
        java.util.Set<Integer> lost = java.util.Set.of();
        /** Opus talkers: the packet time they send in (10, 20, 40 or 60 ms). */
        int packetMs = 20;
        int ticks;
        int seq = 1;
        long sample;

        Talker(Codec codec, double hz) {
            this.audio = new ParticipantAudio(codec);
            this.hz = hz;
        }

        void send() {
            packet.clear();
            if (audio.codec() == Codec.OPUS && packetMs != 20) {
                if (opus == null) {
                    opus = new OpusEncoder();
                }
                if (packetMs == 10) {
                    sendOpus(sample, N / 2);
                    sendOpus(sample + N / 2, N / 2);
                } else if (ticks % (packetMs / 20) == 0) {
                    sendOpus(sample, packetMs / 20 * N); // ahead of time: the whole packet at its first tick
                }
                ticks++;
                sample += N;
                return;
            }
            if (audio.codec() == Codec.OPUS) {
                if (opus == null) {
                    opus = new OpusEncoder();
                }
                for (int i = 0; i < 2 * N; i++) {
                    pcm16k[i] = (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * hz * (2 * sample + i) / 16000));
                }
                byte[] out = new byte[1275];
                packet.writeBytes(out, 0, opus.encode(pcm16k, 0, out, 0, out.length));
            } else if (audio.codec().wideband()) {
                for (int i = 0; i < 2 * N; i++) {
                    pcm16k[i] = (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * hz * (2 * sample + i) / 16000));
                }
                byte[] out = new byte[N];
                encoder.encode(pcm16k, 0, 2 * N, out, 0);
                packet.writeBytes(out);
            } else {
                for (int i = 0; i < N; i++) {
                    short s = (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * hz * (sample + i) / 8000));
                    packet.writeByte(audio.codec().encode(s));
                }
            }
            sample += N;
            if (!lost.contains(seq)) {
                audio.received(seq, packet, 0, packet.readableBytes());
            }
            seq++;
        }

        /** One Opus packet, libopus-encoded like a phone's, of {@code samples} (8 kHz count) from {@code from}. */
        private void sendOpus(long from, int samples) {
            short[] pcm = new short[2 * samples];
            for (int i = 0; i < pcm.length; i++) {
                pcm[i] = (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * hz * (2 * from + i) / 16000));
            }
            byte[] out = new byte[1275];
            int length = opus.encode(pcm, 0, pcm.length, out, 0, out.length);
            packet.clear().writeBytes(out, 0, length);
            if (!lost.contains(seq)) {
                // With the jitter, as the call's receiver gives it: the buffer's depth then counts the packet time.
                audio.received(seq, packet, 0, length, 0);
            }
            seq++;
        }
    }

    /** What one listener heard, decoded in its codec: 16 kHz for G.722, 8 kHz for G.711. */
    private static class Ear {
        final ParticipantAudio audio;
        final G722Decoder decoder = new G722Decoder();
        OpusDecoder opus;
        /** The TOC configuration of each Opus packet heard after the first frames. */
        final java.util.Set<Integer> tocConfigs = new java.util.TreeSet<>();
        final short[] heard;
        int frames;

        Ear(Codec codec) {
            this(new ParticipantAudio(codec));
        }

        /** The ear of a participant who may talk too: its frames are then its mix-minus. */
        Ear(ParticipantAudio audio) {
            this.audio = audio;
            heard = new short[TICKS * 2 * N];
        }

        int rate() {
            return audio.codec().wideband() ? 16000 : 8000;
        }

        void listen() {
            EncodedFrameRing out = audio.output();
            int at = out.peek(4);
            assertTrue(at >= 0, "a frame every tick");
            byte[] frame = new byte[N];
            int length = out.lengthAt(at);
            System.arraycopy(out.frames(), at, frame, 0, length);
            out.advance();
            if (audio.codec() == Codec.OPUS) {
                if (opus == null) {
                    opus = new OpusDecoder();
                }
                assertTrue(length > 0 && length <= N, "an Opus frame fits its slot: " + length);
                if (frames >= SKIP) {
                    tocConfigs.add((frame[0] >> 3) & 0x1F); // RFC 6716 §3.1: the mode and band coded
                }
                assertEquals(OpusDecoder.FRAME, opus.decode(frame, 0, length, heard, frames * 2 * N));
                frames++;
            } else if (audio.codec().wideband()) {
                decoder.decode(frame, 0, N, heard, frames * 2 * N);
                frames++;
            } else {
                for (int i = 0; i < N; i++) {
                    heard[frames * N + i] = audio.codec().decode(frame[i]);
                }
                frames++;
            }
        }

        /** The level (dB relative to the talkers' amplitude) of {@code hz} after the first frames. */
        double levelDb(double hz) {
            int perFrame = rate() / 50;
            int from = SKIP * perFrame;
            int to = frames * perFrame;
            return 20 * Math.log10(amplitude(heard, from, to, hz, rate()) / AMPLITUDE);
        }

        /** Everything heard (RMS, as the amplitude of a sine of that RMS), dB relative to the talkers' amplitude. */
        double totalDb() {
            int perFrame = rate() / 50;
            double sum = 0;
            int from = SKIP * perFrame;
            int to = frames * perFrame;
            for (int i = from; i < to; i++) {
                sum += (double) heard[i] * heard[i];
            }
            return 20 * Math.log10(Math.sqrt(2 * sum / (to - from)) / AMPLITUDE);
        }
    }

    /** The amplitude of the {@code hz} component of {@code x[from, to)} (a Goertzel, Hann-windowed). */
    static double amplitude(short[] x, int from, int to, double hz, int rate) {
        int n = to - from;
        double w = 2 * Math.PI * hz / rate;
        double re = 0;
        double im = 0;
        double windowSum = 0;
        for (int i = 0; i < n; i++) {
            double hann = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / (n - 1));
            re += x[from + i] * hann * Math.cos(w * i);
            im += x[from + i] * hann * Math.sin(w * i);
            windowSum += hann;
        }
        return 2 * Math.hypot(re, im) / windowSum;
    }

    /** The talkers and the ears (an ear may be a talker's own, hearing its mix-minus) in one meeting. */
    private void run(Talker[] talkers, Ear[] ears) {
        java.util.List<ParticipantAudio> all = new java.util.ArrayList<>();
        for (Talker t : talkers) {
            all.add(t.audio);
        }
        for (Ear e : ears) {
            if (!all.contains(e.audio)) {
                all.add(e.audio);
            }
        }
        mixer.participants(all.toArray(new ParticipantAudio[0]));
        for (Talker t : talkers) {
            t.send(); // the jitter buffer's depth: one frame ahead
        }
        for (int tick = 0; tick < TICKS; tick++) {
            for (Talker t : talkers) {
                t.send();
            }
            mixer.tick(tick * 20_000_000L);
            for (Ear e : ears) {
                e.listen();
            }
        }
    }

    @Test
    void aG722TalkersVoiceReachesBothKindsOfEarAtItsLevel() {
        Talker g722 = new Talker(Codec.G722, 1000);
        Ear narrow = new Ear(Codec.PCMU);
        Ear wide = new Ear(Codec.G722);
        run(new Talker[] {g722}, new Ear[] {narrow, wide});
        assertEquals(0, narrow.levelDb(1000), 1.5, "a PCMU caller hears the G.722 caller's 1 kHz at its level");
        assertEquals(0, wide.levelDb(1000), 1.5, "a G.722 caller too");
    }

    @Test
    void aFiveKilohertzToneReachesG722EarsAndNeverG711EarsAsAnAlias() {
        Talker g722 = new Talker(Codec.G722, 5000);
        Ear narrow = new Ear(Codec.PCMA);
        Ear wide = new Ear(Codec.G722);
        run(new Talker[] {g722}, new Ear[] {narrow, wide});
        assertEquals(0, wide.levelDb(5000), 2, "a G.722 caller hears the 5 kHz tone");
        double alias = narrow.levelDb(3000);
        assertTrue(alias < -45, "the 3 kHz alias a G.711 ear would hear: " + alias + " dB");
        assertTrue(narrow.totalDb() < -30, "nothing much else either: " + narrow.totalDb() + " dB");
    }

    @Test
    void anOpusTalkersToneReachesEveryKindOfEarAtItsLevel() {
        Talker opus = new Talker(Codec.OPUS, 1000);
        Ear pcmu = new Ear(Codec.PCMU);
        Ear g722 = new Ear(Codec.G722);
        Ear other = new Ear(Codec.OPUS);
        run(new Talker[] {opus}, new Ear[] {pcmu, g722, other});
        assertEquals(0, pcmu.levelDb(1000), 2, "a PCMU caller hears the Opus caller's 1 kHz at its level");
        assertEquals(0, g722.levelDb(1000), 2, "a G.722 caller too");
        assertEquals(0, other.levelDb(1000), 2, "and an Opus caller, through the bridge's own Opus encoder");
    }

    @Test
    void aFiveKilohertzToneFromOpusReachesG722EarsAndNeverPcmuEarsAsAnAlias() {
        Talker opus = new Talker(Codec.OPUS, 5000);
        Ear pcmu = new Ear(Codec.PCMU);
        Ear g722 = new Ear(Codec.G722);
        run(new Talker[] {opus}, new Ear[] {pcmu, g722});
        assertEquals(0, g722.levelDb(5000), 3, "a G.722 caller hears the Opus caller's 5 kHz tone");
        double alias = pcmu.levelDb(3000);
        assertTrue(alias < -45, "the 3 kHz alias a PCMU ear would hear: " + alias + " dB");
        assertTrue(pcmu.totalDb() < -30, "nothing much else either: " + pcmu.totalDb() + " dB");
    }

    @Test
    void anOpusTalkerHearsTheOthersButNeverItself() {
        Talker opus = new Talker(Codec.OPUS, 1000);
        Talker pcmu = new Talker(Codec.PCMU, 2000);
        Ear[] ears = {new Ear(opus.audio), new Ear(pcmu.audio)};
        run(new Talker[] {opus, pcmu}, ears);
        assertTrue(ears[0].levelDb(1000) < -30, "the Opus talker does not hear itself: " + ears[0].levelDb(1000));
        assertEquals(0, ears[0].levelDb(2000), 2, "it hears the PCMU talker");
        assertEquals(0, ears[1].levelDb(1000), 2, "the PCMU talker hears the Opus talker");
        assertTrue(ears[1].levelDb(2000) < -30, "and not itself: " + ears[1].levelDb(2000));
    }

    /**
     * A lost Opus packet is rebuilt from the next one's in-band FEC (the two isolated losses: the tone goes
     * on at its level), or concealed by libopus (the late one: a dip, never a 20 ms hole).
     */
    @Test
    void aLostOpusPacketIsRebuiltOrConcealedNeverSilence() {
        Talker opus = new Talker(Codec.OPUS, 1000);
        opus.opus = new OpusEncoder(OpusEncoder.DEFAULT_BITRATE, OpusEncoder.DEFAULT_COMPLEXITY, 20);
        opus.lost = java.util.Set.of(25, 29, 40);
        Ear pcmu = new Ear(Codec.PCMU);
        run(new Talker[] {opus}, new Ear[] {pcmu});
        for (int frame = SKIP; frame < pcmu.frames; frame++) {
            double level = 20 * Math.log10(amplitude(pcmu.heard, frame * N, (frame + 1) * N, 1000, 8000) / AMPLITUDE);
            assertTrue(level > -15, "frame " + frame + " is no hole: " + level + " dB");
            if (frame >= 20 && frame < 36) {
                assertEquals(0, level, 1.5, "frame " + frame + ", by the FEC of the packet after a loss");
            }
        }
    }

    /**
     * Issue 11 §1, the caller's ptime: an Opus phone sending 10, 40 or 60 ms packets (libopus codes them
     * as one long SILK frame or several frames, as a phone's would) is heard at its level in every tick,
     * with no hole where one packet's frames meet the next's.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {10, 40, 60})
    void anOpusTalkerSendingAnyPacketTimeIsHeardInEveryTick(int packetMs) {
        Talker opus = new Talker(Codec.OPUS, 1000);
        opus.packetMs = packetMs;
        Ear pcmu = new Ear(Codec.PCMU);
        Ear g722 = new Ear(Codec.G722);
        run(new Talker[] {opus}, new Ear[] {pcmu, g722});
        assertEquals(0, pcmu.levelDb(1000), 2, packetMs + " ms: a PCMU caller hears the 1 kHz at its level");
        assertEquals(0, g722.levelDb(1000), 2, packetMs + " ms: a G.722 caller too");
        for (int frame = SKIP; frame < pcmu.frames; frame++) {
            double level = 20 * Math.log10(amplitude(pcmu.heard, frame * N, (frame + 1) * N, 1000, 8000) / AMPLITUDE);
            assertEquals(0, level, 2, packetMs + " ms, frame " + frame);
        }
    }

    /**
     * A lost 40 ms Opus packet is concealed by libopus over both its ticks, not a stream run dry. The
     * jitter buffer holds two packets of a caller sending 40 ms, so the next one is there when the lost
     * one's first frame is due. libopus's concealment fades (about 18 dB over 40 ms here), and the packet
     * after it is faded back in from there over three frames (SILK glues a good frame to a concealed one).
     */
    @Test
    void aLostFortyMillisecondOpusPacketIsConcealedAsLostNotRunDry() {
        Talker opus = new Talker(Codec.OPUS, 1000);
        opus.packetMs = 40;
        opus.lost = java.util.Set.of(12);
        Ear pcmu = new Ear(Codec.PCMU);
        run(new Talker[] {opus}, new Ear[] {pcmu});
        assertEquals(2, opus.audio.heard.lostFrames(), "the packet's two frames were played as lost, concealed");
        int low = 0;
        int lastLow = -1;
        for (int frame = SKIP; frame < pcmu.frames; frame++) {
            double level = 20 * Math.log10(amplitude(pcmu.heard, frame * N, (frame + 1) * N, 1000, 8000) / AMPLITUDE);
            assertTrue(level > -60, "frame " + frame + " is no hole: " + level + " dB");
            if (level < -3) {
                low++;
                lastLow = frame;
            }
        }
        assertTrue(low <= 4, low + " frames below -3 dB: the loss's two and the fade back in");
        for (int frame = lastLow + 1; frame < pcmu.frames; frame++) {
            double level = 20 * Math.log10(amplitude(pcmu.heard, frame * N, (frame + 1) * N, 1000, 8000) / AMPLITUDE);
            assertEquals(0, level, 2, "back at its level, frame " + frame);
        }
    }

    /**
     * Issue 11 §1, the caller's {@code maxplaybackrate} (RFC 7587 §6.1): an Opus phone that plays out
     * 8 kHz is sent narrowband Opus (TOC configurations 0–3, SILK narrowband): the bits go to the band it
     * plays, so a 5 kHz tone is not in it while a 1 kHz one is, and a wideband Opus phone in the same
     * meeting still hears the 5 kHz. As a talker (its own mix-minus) it gets narrowband too.
     */
    @Test
    void anOpusListenerThatPlaysOutEightKilohertzIsSentNarrowbandOpus() {
        Talker low = new Talker(Codec.G722, 1000);
        Talker high = new Talker(Codec.G722, 5000);
        Talker narrowTalker = new Talker(Codec.OPUS, 600);
        narrowTalker.audio.maxPlaybackRate(8000);
        Ear narrowOpus = new Ear(Codec.OPUS);
        narrowOpus.audio.maxPlaybackRate(8000);
        Ear wideOpus = new Ear(Codec.OPUS);
        Ear narrowTalking = new Ear(narrowTalker.audio);
        run(new Talker[] {low, high, narrowTalker}, new Ear[] {narrowOpus, wideOpus, narrowTalking});
        assertEquals(0, narrowOpus.levelDb(1000), 2, "the narrowband Opus listener hears the 1 kHz");
        assertTrue(narrowOpus.levelDb(5000) < -30, "but not the 5 kHz: " + narrowOpus.levelDb(5000));
        assertTrue(narrowOpus.tocConfigs.stream().allMatch(c -> c < 4), "SILK narrowband: " + narrowOpus.tocConfigs);
        assertEquals(0, wideOpus.levelDb(5000), 3, "a wideband Opus listener hears the 5 kHz");
        assertTrue(wideOpus.tocConfigs.stream().noneMatch(c -> c < 4), "not narrowband: " + wideOpus.tocConfigs);
        assertEquals(0, narrowTalking.levelDb(1000), 2, "the narrowband talker hears the others");
        assertTrue(narrowTalking.levelDb(5000) < -30, "in narrowband: " + narrowTalking.levelDb(5000));
        assertTrue(narrowTalking.tocConfigs.stream().allMatch(c -> c < 4), narrowTalking.tocConfigs.toString());
    }

    @Test
    void everyoneHearsTheOthersInWidebandButNeverThemselves() {
        Talker wideLow = new Talker(Codec.G722, 1000);
        Talker wideHigh = new Talker(Codec.G722, 6000);
        Talker narrow = new Talker(Codec.PCMU, 2000);
        Ear[] ears = {new Ear(wideLow.audio), new Ear(wideHigh.audio), new Ear(narrow.audio)};
        run(new Talker[] {wideLow, wideHigh, narrow}, ears);
        Ear low = ears[0];
        Ear high = ears[1];
        Ear pcmu = ears[2];
        assertTrue(low.levelDb(1000) < -30, "the 1 kHz talker does not hear itself: " + low.levelDb(1000));
        assertEquals(0, low.levelDb(6000), 2.5, "it hears the 6 kHz talker");
        assertEquals(0, low.levelDb(2000), 1.5, "and the G.711 talker");
        assertTrue(high.levelDb(6000) < -30, "the 6 kHz talker does not hear itself: " + high.levelDb(6000));
        assertEquals(0, high.levelDb(1000), 1.5);
        assertEquals(0, pcmu.levelDb(1000), 1.5, "the G.711 talker hears the G.722 talker's 1 kHz");
        // Its own 2 kHz is where the 6 kHz talker's alias would fall: neither may be there.
        assertTrue(pcmu.levelDb(2000) < -30, "no own voice, no alias at 2 kHz: " + pcmu.levelDb(2000));
    }
}
