package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Encoder;
import io.confbridge.codec.NarrowbandDecimator;
import io.confbridge.codec.OpusEncoder;
import io.confbridge.codec.SubbandSynthesis;
import io.confbridge.codec.Subbands;

import java.util.Arrays;

/**
 * One tick's mix that many listeners hear alike (everyone who is not a talker, or the legs to other
 * nodes): limited once, and encoded at most once per codec however many listen.
 *
 * <p>The mix is kept as G.722's two subbands at mix scale (see {@link Subbands}). While no wideband
 * talker is in it, the high band is empty and a G.711 listener's frame is the low band encoded
 * directly, exactly as in a G.711-only meeting. While one is, a G.711 listener's frame goes through
 * the {@link NarrowbandDecimator}: G.722's own band split would let 4–5 kHz sound into the low band
 * only about 20 dB down, heard by a narrowband ear as an alias near 3 kHz. A G.722 listener gets the
 * two bands ADPCM-coded as they are, with no filter at all. The G.722 encoder is shared by every G.722
 * listener, so all their decoders follow one stream.
 *
 * <p>Owned by the mixer's loop; allocates only the first time a wideband codec is needed.
 */
final class SharedMix {
    private static final int N = Codec.FRAME_SAMPLES;
    private static final Codec[] CODECS = Codec.values();

    private final SoftLimiter limiter = new SoftLimiter();
    /** libopus's complexity for the Opus streams made here ({@code mixer.opusComplexity}). */
    private final int opusComplexity;
    private final short[] low = new short[N];
    private final short[] high = new short[N];
    private boolean wide;
    private final byte[][] encoded = new byte[CODECS.length][N];
    private final boolean[] ready = new boolean[CODECS.length];
    private G722Encoder encoder;
    private Narrowing narrowing;
    /**
     * The shared Opus streams, one per band listeners play out ({@link #opusBand}), each made when its
     * first listener asks; this tick's packets and their lengths. Most meetings have only the wideband one.
     */
    private final OpusStream[] opus = new OpusStream[OPUS_BANDS];
    private final byte[][] opusEncoded = new byte[OPUS_BANDS][N];
    private final int[] opusLength = new int[OPUS_BANDS];
    private final boolean[] opusReady = new boolean[OPUS_BANDS];
    private long opusForwarded;
    /** Last tick's and this tick's wideband Opus packet was a talker's own ({@link #forwardOpus}). */
    private boolean forwarded;
    private boolean forwarding;

    /** Opus bands a listener may be sent, by the most it plays out (RFC 7587 {@code maxplaybackrate}). */
    static final int OPUS_NARROW = 0;
    static final int OPUS_MEDIUM = 1;
    static final int OPUS_WIDE = 2;
    private static final int OPUS_BANDS = 3;

    /** The band for a {@code maxplaybackrate}: up to 8000 Hz narrow, up to 12000 medium, else wide. */
    static int opusBand(int maxPlaybackRate) {
        return maxPlaybackRate <= 8000 ? OPUS_NARROW : maxPlaybackRate <= 12_000 ? OPUS_MEDIUM : OPUS_WIDE;
    }

    /** The playback rate that stands for a band, what its encoders are told. */
    private static int playbackRate(int band) {
        return band == OPUS_NARROW ? 8000 : band == OPUS_MEDIUM ? 12_000 : 16_000;
    }

    /** @param opusComplexity libopus's complexity for the Opus streams made here ({@code mixer.opusComplexity}) */
    SharedMix(int opusComplexity) {
        this.opusComplexity = opusComplexity;
    }

    /** This tick's sum: {@code sumHigh} null when no wideband talker is in it. */
    void mix(int[] sum, int[] sumHigh) {
        wide = sumHigh != null;
        if (wide) {
            limiter.apply(sum, sumHigh, null, null, low, high);
        } else {
            limiter.apply(sum, null, low);
        }
        Arrays.fill(ready, false);
        Arrays.fill(opusReady, false);
        forwarded = forwarding;
        forwarding = false;
    }

    /** The frame in {@code codec}; computed on the first ask of the tick. Shared: read only. */
    byte[] encoded(Codec codec) {
        int c = codec.ordinal();
        byte[] out = encoded[c];
        if (!ready[c]) {
            if (codec == Codec.OPUS) {
                return encodedOpus(OPUS_WIDE);
            } else if (codec == Codec.G722) {
                if (!wide) {
                    Arrays.fill(high, (short) 0);
                }
                encodeG722(encoder(), low, high, out, 0, narrowing());
            } else if (wide) {
                narrowing().narrow(low, high, codec, out, 0);
            } else {
                for (int i = 0; i < N; i++) {
                    out[i] = codec.encode(low[i]);
                }
            }
            ready[c] = true;
        }
        return out;
    }

    /** The length of this tick's frame in {@code codec}, after {@link #encoded}: 160, or an Opus packet's. */
    int encodedLength(Codec codec) {
        return codec == Codec.OPUS ? opusLength[OPUS_WIDE] : N;
    }

    /** This tick's Opus packet for listeners of {@code band}; computed on the first ask. Shared: read only. */
    byte[] encodedOpus(int band) {
        byte[] out = opusEncoded[band];
        if (!opusReady[band]) {
            if (opus[band] == null) {
                opus[band] = new OpusStream(band, opusComplexity);
            }
            opusLength[band] = opus[band].encode(low, wide ? high : null, out, 0);
            opusReady[band] = true;
        }
        return out;
    }

    /**
     * This tick's mix is one Opus talker's frame and nothing else (call after {@link #mix}): its wideband
     * listeners may be sent the talker's {@code length}-byte packet as it came instead of an encode of the
     * same audio. The commonest state of a meeting, one person speaking, then costs no libopus encode,
     * and those listeners hear the talker untranscoded. Other bands are still encoded: their listeners
     * asked for less than a phone may send (RFC 7587 {@code maxplaybackrate}).
     *
     * <p>The listeners' decoders must go over from one encoder's packets to the other's cleanly. From the
     * talker's to the bridge's (a second talker, a prompt) the bridge's encoder restarts
     * ({@link OpusEncoder#restart}). The other way there is no such lever: a decoder fed the bridge's
     * speech and then the talker's packets was measured swelling by +4 dB for 200 ms. So forwarding
     * starts only where the stream's last frame was digital silence (which leaves any decoder silent), or
     * goes on from the last tick; otherwise the stream stays encoded until the next pause.
     */
    void forwardOpus(byte[] packet, int length) {
        OpusStream wide = opus[OPUS_WIDE];
        if (!forwarded && wide != null && !wide.sentSilence()) {
            return;
        }
        System.arraycopy(packet, 0, opusEncoded[OPUS_WIDE], 0, length);
        opusLength[OPUS_WIDE] = length;
        opusReady[OPUS_WIDE] = true;
        forwarding = true;
        opusForwarded++;
        if (wide != null) {
            wide.bypassed();
        }
    }

    /**
     * The talker whose packets the wideband listeners are being sent lost one on its way here: they are
     * passed the loss (a gap in the sequence numbers, {@code RtpSession}), and conceal it themselves, with
     * the next packet's in-band FEC where they can, instead of the bridge encoding its own concealment,
     * after which forwarding could not go on before the next pause. Only while forwarding is going on.
     */
    void forwardOpusLoss() {
        if (forwarded) {
            opusLength[OPUS_WIDE] = 0;
            opusReady[OPUS_WIDE] = true;
            forwarding = true;
        }
    }

    /** Ticks whose wideband Opus packet was a talker's own ({@link #forwardOpus}); for tests. */
    long opusForwarded() {
        return opusForwarded;
    }

    /** The length of this tick's Opus packet for {@code band}, after {@link #encodedOpus}. */
    int encodedOpusLength(int band) {
        return opusLength[band];
    }

    /** The shared stream of an Opus band, null until a listener of that band asked for it; for tests. */
    OpusStream opusStream(int band) {
        return opus[band];
    }

    /** Frames libopus encoded for the shared streams, all bands; for tests. */
    long opusFramesEncoded() {
        long sum = 0;
        for (OpusStream stream : opus) {
            sum += stream == null ? 0 : stream.framesEncoded;
        }
        return sum;
    }

    /** The shared G.722 stream's encoder: a talker's own encoder starts from its state. */
    G722Encoder encoder() {
        if (encoder == null) {
            encoder = new G722Encoder();
        }
        return encoder;
    }

    private Narrowing narrowing() {
        if (narrowing == null) {
            narrowing = new Narrowing();
        }
        return narrowing;
    }

    /** Encodes two mix-scale bands as one G.722 frame, using {@code scratch}'s subband arrays. */
    static void encodeG722(G722Encoder encoder, short[] low, short[] high, byte[] out, int at, Narrowing scratch) {
        int[] bl = scratch.bandLow;
        int[] bh = scratch.bandHigh;
        for (int i = 0; i < N; i++) {
            bl[i] = Subbands.toSubband(low[i]);
            bh[i] = Subbands.toSubband(high[i]);
        }
        encoder.encodeBands(bl, bh, N, out, at);
    }

    /**
     * One continuous Opus output: the two mix-scale bands joined into 16 kHz by G.722's synthesis filter,
     * then Opus-encoded, at most {@link Codec#FRAME_SAMPLES} bytes a packet (64 kbit/s; the encoder runs
     * at 32 kbit/s) so that it fits the frame rings' slots. The shared mix has one, and each Opus talker
     * its own (its mix-minus). Native state: freed by the encoder's cleaner once unreachable.
     */
    static final class OpusStream {
        /**
         * How many frames of digital silence in a row are encoded before the encoder is left idle: enough
         * to flush its look-ahead and the synthesis filter, so that when sound comes back it starts from
         * silence, as the listener's decoder does, and no leftover of the sound before the silence is heard.
         */
        static final int SILENT_FRAMES_ENCODED = 2;
        /** The band it codes ({@link #OPUS_WIDE} unless its listener plays out less). */
        final int band;
        private final OpusEncoder encoder;
        private final SubbandSynthesis synthesis = new SubbandSynthesis();
        private final int[] bandLow = new int[N];
        private final int[] bandHigh = new int[N];
        private final short[] pcm = new short[2 * N];
        /** Frames of digital silence in a row so far. */
        private int silentRun;
        /** Its listeners were last sent someone else's packets: the next frame encoded starts afresh. */
        private boolean bypassed;
        /** The last frame it made was of digital silence (or it has made none): its listeners hear nothing. */
        private boolean sentSilence = true;
        /** Frames libopus encoded (the others were silence sent as the shared silence packet); for tests. */
        long framesEncoded;

        /** libopus's complexity, as the encoder reports it; for tests (allocates). */
        int complexity() {
            return encoder.complexity();
        }

        OpusStream(int band, int complexity) {
            this.band = band;
            this.encoder = new OpusEncoder(OpusEncoder.DEFAULT_BITRATE, complexity, OpusEncoder.DEFAULT_LOSS_PERCENT);
            if (band != OPUS_WIDE) {
                encoder.setMaxPlaybackRate(playbackRate(band));
            }
        }

        /**
         * Encodes one frame ({@code high} null: no high band) into {@code out} at {@code at}; its length.
         *
         * <p>Digital silence is not encoded after its first {@link #SILENT_FRAMES_ENCODED} frames: the
         * packet is then {@link Codec#silenceFrame()}, which decodes to silence whatever the decoder's state.
         * That is what a talker alone in the mix hears (the sum minus themself is exactly zero), and what
         * everyone hears while nobody talks: the commonest frames of a meeting, at about 70 µs of libopus
         * each at complexity 5 (issue 11: cost grows with talkers).
         */
        int encode(short[] low, short[] high, byte[] out, int at) {
            sentSilence = silent(low) && (high == null || silent(high));
            if (sentSilence) {
                if (silentRun >= SILENT_FRAMES_ENCODED) {
                    System.arraycopy(Codec.OPUS.silenceFrame(), 0, out, at, Codec.OPUS.silenceFrameLength());
                    return Codec.OPUS.silenceFrameLength();
                }
                silentRun++;
            } else {
                silentRun = 0;
            }
            if (bypassed) {
                bypassed = false;
                encoder.restart();
            }
            framesEncoded++;
            for (int i = 0; i < N; i++) {
                bandLow[i] = Subbands.toSubband(low[i]);
                bandHigh[i] = high == null ? 0 : Subbands.toSubband(high[i]);
            }
            synthesis.synthesise(bandLow, bandHigh, N, pcm, 0);
            int length = encoder.encode(pcm, 0, out, at, N);
            if (length <= 0) {
                // libopus refused (it never should with these arguments): a frame of silence, not garbage.
                System.arraycopy(Codec.OPUS.silenceFrame(), 0, out, at, Codec.OPUS.silenceFrameLength());
                return Codec.OPUS.silenceFrameLength();
            }
            return length;
        }

        /** Its listeners are being sent a talker's own packets instead ({@link SharedMix#forwardOpus}). */
        void bypassed() {
            bypassed = true;
            sentSilence = false;
        }

        boolean sentSilence() {
            return sentSilence;
        }

        private static boolean silent(short[] frame) {
            for (int i = 0; i < N; i++) {
                if (frame[i] != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The wideband-to-G.711 path of one output: its own decimator (a filter with history, so one per
     * continuous signal) and scratch arrays. Made the first time the output needs it.
     */
    static final class Narrowing {
        private final NarrowbandDecimator decimator = new NarrowbandDecimator();
        final int[] bandLow = new int[N];
        final int[] bandHigh = new int[N];
        private final int[] narrow = new int[N];

        /** Two mix-scale bands, low-passed and decimated to 8 kHz, encoded in a G.711 codec. */
        void narrow(short[] low, short[] high, Codec codec, byte[] out, int at) {
            // The decimator is linear: fed mix scale rather than subband scale it keeps the lowest bit,
            // and its output is then twice the PCM scale.
            for (int i = 0; i < N; i++) {
                bandLow[i] = low[i];
                bandHigh[i] = high[i];
            }
            decimator.decimate(bandLow, bandHigh, N, narrow);
            for (int i = 0; i < N; i++) {
                int s = narrow[i] >> 1;
                out[at + i] = codec.encode((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, s)));
            }
        }
    }
}
