package io.confbridge.codec;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import tomp2p.opuswrapper.Opus;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Objects;

/**
 * One stream's Opus encoder (libopus through {@link OpusNative}): 16 kHz mono 16-bit PCM in, the rate
 * the bridge mixes at, one packet per 20 ms frame of {@link #FRAME} samples out. Application VOIP,
 * signal voice, variable bitrate, in-band FEC on.
 *
 * <p>{@link #encode} allocates nothing: the frame is copied into native memory held by this encoder,
 * encoded by a direct-mapped call, and the packet copied back. The setters go through JNA's interface
 * mapping and allocate; they are for call setup and for the rare change (a new loss estimate from RTCP),
 * not per frame.
 *
 * <p>Not thread-safe: one encoder per stream, used and closed on the stream's own thread. {@link #close}
 * frees the native state; a {@link Cleaner} frees it too if an encoder is dropped unclosed.
 */
public final class OpusEncoder implements AutoCloseable {
    /** Samples in one 20 ms frame at 16 kHz. */
    public static final int FRAME = 320;
    public static final int DEFAULT_BITRATE = 32_000;
    /**
     * libopus's complexity, 0–10 (libopus's own default is 10). Measured per 20 ms frame on the 2-core
     * EPYC (bench/RESULTS.md, "Opus library choice"): 53 µs at 3, 113 at 5, 210 at 10, the packets the
     * same size. 5 is the middle way; 3 halves the cost again if a meeting's encoders ever dominate a tick.
     */
    public static final int DEFAULT_COMPLEXITY = 5;
    /** The loss the in-band FEC is sized for until the caller knows better (RTCP receiver reports). */
    public static final int DEFAULT_LOSS_PERCENT = 5;

    private final NativeState state;
    private final Cleaner.Cleanable cleanable;
    /** The state as it was before the first frame, settings included, for {@link #restart}; taken then. */
    private byte[] fresh;

    /** An encoder at {@link #DEFAULT_BITRATE}, {@link #DEFAULT_COMPLEXITY}, {@link #DEFAULT_LOSS_PERCENT}. */
    public OpusEncoder() {
        this(DEFAULT_BITRATE, DEFAULT_COMPLEXITY, DEFAULT_LOSS_PERCENT);
    }

    public OpusEncoder(int bitrate, int complexity, int lossPercent) {
        int[] error = new int[1];
        Pointer st = OpusNative.opus_encoder_create(OpusNative.SAMPLE_RATE, OpusNative.CHANNELS,
                Opus.OPUS_APPLICATION_VOIP, error);
        if (st == null) {
            OpusNative.check(error[0] < 0 ? error[0] : Opus.OPUS_ALLOC_FAIL, "opus_encoder_create");
        }
        this.state = new NativeState(st, new Memory(2L * 3 * FRAME), new Memory(OpusPacket.MAX_FRAME_BYTES));
        this.cleanable = OpusNative.CLEANER.register(this, state);
        try {
            ctl(Opus.OPUS_SET_SIGNAL_REQUEST, Opus.OPUS_SIGNAL_VOICE, "signal");
            ctl(Opus.OPUS_SET_INBAND_FEC_REQUEST, 1, "inband FEC");
            setBitrate(bitrate);
            setComplexity(complexity);
            setPacketLossPercent(lossPercent);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Encodes the 20 ms frame {@code pcm16k[offset .. offset + 320)} into {@code out} from
     * {@code outOffset}, at most {@code maxBytes} bytes (more than 1275 are never needed). Returns the
     * packet's length. Throws if the arrays are too short, the encoder is closed, or libopus fails (only
     * with too small a {@code maxBytes}: a packet needs at least a few bytes).
     */
    public int encode(short[] pcm16k, int offset, byte[] out, int outOffset, int maxBytes) {
        return encode(pcm16k, offset, FRAME, out, outOffset, maxBytes);
    }

    /**
     * Like {@link #encode(short[], int, byte[], int, int)} for a packet of {@code samples}: 160, 320, 640
     * or 960 (10, 20, 40 or 60 ms), what phones send; libopus codes 40 and 60 ms as one SILK frame or as
     * 20 ms frames in one packet, as its mode asks.
     */
    public int encode(short[] pcm16k, int offset, int samples, byte[] out, int outOffset, int maxBytes) {
        if (samples != FRAME / 2 && samples != FRAME && samples != 2 * FRAME && samples != 3 * FRAME) {
            throw new IllegalArgumentException("Opus packet of " + samples + " samples: 160, 320, 640 or 960");
        }
        Objects.checkFromIndexSize(offset, samples, pcm16k.length);
        Objects.checkFromIndexSize(outOffset, maxBytes, out.length);
        NativeState st = open();
        int max = Math.min(maxBytes, OpusPacket.MAX_FRAME_BYTES);
        if (fresh == null) {
            fresh = st.encoder.getByteArray(0, OpusNative.opus_encoder_get_size(OpusNative.CHANNELS));
        }
        st.pcm.write(0, pcm16k, offset, samples);
        int length = OpusNative.opus_encode(st.encoder, st.pcm, samples, st.packet, max);
        if (length < 0) {
            OpusNative.check(length, "opus_encode");
        }
        st.packet.read(0, out, outOffset, length);
        // Until here this encoder must stay reachable, or the Cleaner could free the state mid-call.
        Reference.reachabilityFence(this);
        return length;
    }

    /**
     * Back to the state before the first frame, with the settings it had then: the next frame is coded as
     * the first of a stream. For a stream whose listeners' decoders have meanwhile been fed another
     * encoder's packets: a restarted encoder codes its first frame on its own, so they go over cleanly
     * (continuing from stale history was measured at +3 dB for 100 ms). libopus keeps an encoder's state
     * in one block that refers to its parts by offset, so copying the saved block back is
     * {@code OPUS_RESET_STATE} without the varargs ctl, which JNA could only reach by allocating. Nothing
     * to do before the first frame.
     */
    public void restart() {
        if (fresh != null) {
            open().encoder.write(0, fresh, 0, fresh.length);
            Reference.reachabilityFence(this);
        }
    }

    /** The target bitrate in bit/s (libopus takes 500 to 512,000); SDP's {@code maxaveragebitrate}. */
    public void setBitrate(int bitrate) {
        ctl(Opus.OPUS_SET_BITRATE_REQUEST, bitrate, "bitrate");
    }

    /** 0 (cheapest) to 10 (best). */
    public void setComplexity(int complexity) {
        ctl(Opus.OPUS_SET_COMPLEXITY_REQUEST, complexity, "complexity");
    }

    /**
     * The loss rate (0–100 %) the in-band FEC is sized for. libopus 1.1 sends FEC only when this is
     * above 0 and the bitrate leaves room for it, and only in SILK mode, which is what 16 kHz voice uses.
     */
    public void setPacketLossPercent(int percent) {
        ctl(Opus.OPUS_SET_PACKET_LOSS_PERC_REQUEST, percent, "packet loss percentage");
    }

    public void setInbandFec(boolean on) {
        ctl(Opus.OPUS_SET_INBAND_FEC_REQUEST, on ? 1 : 0, "inband FEC");
    }

    /**
     * Limits the coded audio band to what the peer plays out (RFC 7587 {@code maxplaybackrate}): up to
     * 8000 Hz narrowband (4 kHz audio), up to 12000 mediumband, else wideband, the most 16 kHz input
     * carries. Saves the bits a narrowband listener would throw away.
     */
    public void setMaxPlaybackRate(int hz) {
        int bandwidth = hz <= 8000 ? Opus.OPUS_BANDWIDTH_NARROWBAND
                : hz <= 12_000 ? Opus.OPUS_BANDWIDTH_MEDIUMBAND : Opus.OPUS_BANDWIDTH_WIDEBAND;
        ctl(Opus.OPUS_SET_MAX_BANDWIDTH_REQUEST, bandwidth, "max bandwidth");
    }

    /** The complexity libopus encodes at, as it reports it (allocates: not for the media path). */
    public int complexity() {
        return get(Opus.OPUS_GET_COMPLEXITY_REQUEST);
    }

    /** A libopus {@code OPUS_GET_*} value, for tests and diagnostics (allocates). */
    int get(int request) {
        int value = OpusNative.encoderGet(open().encoder, request);
        Reference.reachabilityFence(this);
        return value;
    }

    /** Frees the native state; the encoder cannot be used afterwards. Idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }

    private void ctl(int request, int value, String setting) {
        int result = OpusNative.encoderCtl(open().encoder, request, value);
        Reference.reachabilityFence(this);
        if (result < 0) {
            OpusNative.check(result, "opus_encoder_ctl " + setting + " " + value);
        }
    }

    private NativeState open() {
        if (state.closed) {
            throw new IllegalStateException("Opus encoder closed");
        }
        return state;
    }

    /** What the Cleaner frees: holds no reference back to the encoder, or it would never be collected. */
    private static final class NativeState implements Runnable {
        final Pointer encoder;
        final Memory pcm;
        final Memory packet;
        boolean closed;

        NativeState(Pointer encoder, Memory pcm, Memory packet) {
            this.encoder = encoder;
            this.pcm = pcm;
            this.packet = packet;
        }

        @Override
        public void run() {
            closed = true;
            OpusNative.opus_encoder_destroy(encoder);
            pcm.close();
            packet.close();
        }
    }
}
