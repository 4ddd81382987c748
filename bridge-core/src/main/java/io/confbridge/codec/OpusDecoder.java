package io.confbridge.codec;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import tomp2p.opuswrapper.Opus;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Objects;

/**
 * One stream's Opus decoder (libopus through {@link OpusNative}): packets in, 16 kHz mono 16-bit PCM out
 * (libopus resamples whatever band the sender coded), 320 samples for a 20 ms packet. Besides plain
 * decoding: {@link #conceal} fills a lost frame from the decoder's state (PLC), and {@link #decodeFec}
 * rebuilds a lost frame from the in-band FEC copy that the next packet carries.
 *
 * <h2>Hostile packets</h2>
 * A packet from the network is checked in Java before libopus sees it: {@link OpusPacket#validate}
 * (RFC 6716 framing, at most 120 ms), at most {@link #MAX_PACKET_BYTES}, and its duration must fit the
 * output. A refused packet gives a negative result, never an exception: the caller counts it and
 * conceals the frame. Behind that, libopus reads exactly {@code len} bytes of a packet, writes at most
 * {@code frame_size} samples, and is fuzzed to return {@code OPUS_INVALID_PACKET} on any malformed
 * input. The bundled libopus 1.1.2 (2015) predates RFC 8251 (2017), whose decoder fixes include integer
 * overflows found by fuzzing (in SILK's {@code LPC_inverse_pred_gain_QA}, among others) that no framing
 * check can filter: a newer libopus can be used with {@code -Dopus.lib}, see {@link OpusNative}.
 *
 * <p>{@link #decode}, {@link #conceal} and {@link #decodeFec} allocate nothing. Not thread-safe: one
 * decoder per stream, used and closed on the stream's own thread; a {@link Cleaner} frees the native
 * state of a decoder dropped unclosed.
 */
public final class OpusDecoder implements AutoCloseable {
    /** Samples in one 20 ms frame at 16 kHz. */
    public static final int FRAME = 320;
    /** The most samples one packet decodes to: 120 ms at 16 kHz. */
    public static final int MAX_SAMPLES = OpusPacket.MAX_SAMPLES_48K / 3;
    /**
     * The longest packet accepted: an Ethernet MTU. A 120 ms packet of voice at 64 kbit/s is 960 bytes;
     * only padding or music bitrates go beyond, and Netty's 2048-byte datagram buffer would cut those.
     */
    public static final int MAX_PACKET_BYTES = 1500;
    /** Packet durations and concealment come in steps of 2.5 ms, 40 samples at 16 kHz. */
    private static final int STEP = 40;

    private final NativeState state;
    private final Cleaner.Cleanable cleanable;

    public OpusDecoder() {
        int[] error = new int[1];
        Pointer st = OpusNative.opus_decoder_create(OpusNative.SAMPLE_RATE, OpusNative.CHANNELS, error);
        if (st == null) {
            OpusNative.check(error[0] < 0 ? error[0] : Opus.OPUS_ALLOC_FAIL, "opus_decoder_create");
        }
        this.state = new NativeState(st, new Memory(MAX_PACKET_BYTES), new Memory(2L * MAX_SAMPLES));
        this.cleanable = OpusNative.CLEANER.register(this, state);
    }

    /**
     * Decodes the packet {@code packet[off .. off + len)} into {@code out} from {@code outOffset}.
     * Returns the samples written (320 for a 20 ms packet), or a negative value if the packet was refused
     * (see the class comment) or libopus could not decode it; the frame is then lost.
     */
    public int decode(byte[] packet, int off, int len, short[] out, int outOffset) {
        Objects.checkFromIndexSize(off, len, packet.length);
        Objects.checkIndex(outOffset, out.length);
        NativeState st = open();
        int room = Math.min(out.length - outOffset, MAX_SAMPLES);
        int samples = acceptedSamples(packet, off, len, room);
        if (samples < 0) {
            return samples;
        }
        st.packet.write(0, packet, off, len);
        int decoded = OpusNative.opus_decode(st.decoder, st.packet, len, st.pcm, room, 0);
        if (decoded > 0) {
            st.pcm.read(0, out, outOffset, decoded);
        }
        Reference.reachabilityFence(this); // the Cleaner must not free the state mid-call
        return decoded;
    }

    /**
     * Packet loss concealment: writes {@code samples} (a multiple of 40, 2.5 ms, at most 1920) samples
     * extrapolated from what this decoder last decoded; after a few lost frames they fade to silence.
     * Returns {@code samples}.
     */
    public int conceal(short[] out, int outOffset, int samples) {
        checkSamples(out, outOffset, samples);
        NativeState st = open();
        int decoded = OpusNative.opus_decode(st.decoder, null, 0, st.pcm, samples, 0);
        OpusNative.check(decoded, "opus_decode (PLC)");
        st.pcm.read(0, out, outOffset, decoded);
        Reference.reachabilityFence(this);
        return decoded;
    }

    /**
     * Rebuilds the lost frame just before {@code nextPacket} from the in-band FEC data {@code nextPacket}
     * carries, {@code samples} long (the lost duration: a multiple of 40, at most 1920). Where the packet
     * has no FEC data libopus conceals instead: the sender had FEC off or coded in CELT mode, or SILK's
     * voice activity detector did not count the lost frame as speech (a tone that has gone on steadily
     * for under a second already gets none). If {@code samples} is longer than the packet's own
     * duration, only the last part comes from FEC.
     * Decode {@code nextPacket} itself afterwards as usual. Returns {@code samples}, or a negative value if
     * the packet was refused; then call {@link #conceal} instead.
     */
    public int decodeFec(byte[] nextPacket, int off, int len, short[] out, int outOffset, int samples) {
        Objects.checkFromIndexSize(off, len, nextPacket.length);
        checkSamples(out, outOffset, samples);
        NativeState st = open();
        int accepted = acceptedSamples(nextPacket, off, len, MAX_SAMPLES);
        if (accepted < 0) {
            return accepted;
        }
        st.packet.write(0, nextPacket, off, len);
        int decoded = OpusNative.opus_decode(st.decoder, st.packet, len, st.pcm, samples, 1);
        if (decoded > 0) {
            st.pcm.read(0, out, outOffset, decoded);
        }
        Reference.reachabilityFence(this);
        return decoded;
    }

    /**
     * Forgets the stream: the next packet decodes as the first. For a new SSRC, or a stream whose packets
     * were not decoded for a while (a silent participant, see {@code ParticipantAudio}), whose history
     * would be stale. Allocates nothing.
     */
    public void reset() {
        OpusNative.check(OpusNative.opus_decoder_init(open().decoder, OpusNative.SAMPLE_RATE, OpusNative.CHANNELS),
                "opus_decoder_init");
        Reference.reachabilityFence(this);
    }

    /** A libopus {@code OPUS_GET_*} value, for tests and diagnostics (allocates). */
    int get(int request) {
        int value = OpusNative.decoderGet(open().decoder, request);
        Reference.reachabilityFence(this);
        return value;
    }

    /** Frees the native state; the decoder cannot be used afterwards. Idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }

    /** The packet's duration at 16 kHz if it is accepted and fits {@code room} samples, else negative. */
    private static int acceptedSamples(byte[] packet, int off, int len, int room) {
        if (len > MAX_PACKET_BYTES) {
            return OpusPacket.INVALID;
        }
        int samples48k = OpusPacket.validate(packet, off, len);
        if (samples48k < 0) {
            return OpusPacket.INVALID;
        }
        int samples = samples48k / 3;
        return samples <= room ? samples : Opus.OPUS_BUFFER_TOO_SMALL;
    }

    private static void checkSamples(short[] out, int outOffset, int samples) {
        if (samples <= 0 || samples > MAX_SAMPLES || samples % STEP != 0) {
            throw new IllegalArgumentException("Opus conceals 2.5 ms steps up to 120 ms, not " + samples + " samples");
        }
        Objects.checkFromIndexSize(outOffset, samples, out.length);
    }

    private NativeState open() {
        if (state.closed) {
            throw new IllegalStateException("Opus decoder closed");
        }
        return state;
    }

    /** What the Cleaner frees: holds no reference back to the decoder, or it would never be collected. */
    private static final class NativeState implements Runnable {
        final Pointer decoder;
        final Memory packet;
        final Memory pcm;
        boolean closed;

        NativeState(Pointer decoder, Memory packet, Memory pcm) {
            this.decoder = decoder;
            this.packet = packet;
            this.pcm = pcm;
        }

        @Override
        public void run() {
            closed = true;
            OpusNative.opus_decoder_destroy(decoder);
            packet.close();
            pcm.close();
        }
    }
}
