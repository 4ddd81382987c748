package io.confbridge.codec;

/**
 * The audio codecs the bridge speaks, 20 ms a frame: Opus (RFC 7587; mono 16 kHz audio here, on a 48 kHz
 * RTP clock), G.722 (wideband, 16 kHz audio) and G.711 µ-law and A-law (8 kHz).
 *
 * <p>G.722 and G.711 carry one byte per 8 kHz RTP clock tick (RFC 3551 gives G.722 an 8000 clock rate
 * although it samples at 16 kHz, and at 64 kbit/s a 20 ms frame is 160 bytes), so their frames, frame
 * rings and timestamps are the same size. An Opus frame varies in length: the bridge's own are at most
 * {@link #FRAME_SAMPLES} bytes (its encoders are capped there, 64 kbit/s), so they fit the same slots with
 * a length beside them; a caller's may be longer (see the jitter buffer).
 *
 * <p>G.711 is stateless: {@link #encode(short)} and {@link #decode(byte)} convert one sample through
 * {@link G711}'s lookup tables. G.722 and Opus keep state: each stream needs its own encoder or decoder,
 * so the per-sample methods refuse them.
 */
public enum Codec {
    OPUS(-1, "opus", 48_000, 2),
    G722(9, "G722", 8000, 1),
    PCMU(0, "PCMU", 8000, 1),
    PCMA(8, "PCMA", 8000, 1);

    /** Samples in one 20 ms frame at 8 kHz; also the payload size in bytes of one G.711 frame. */
    public static final int FRAME_SAMPLES = 160;
    /** The RTP clock of G.711 and G.722 (and of telephone-event). */
    public static final int CLOCK_RATE = 8000;
    /**
     * The longest packet taken from a caller, in 8 kHz samples: 60 ms, the most RFC 3551 lists for G.711.
     * Longer ones are cut there, by the jitter buffer and the in-band key detector alike.
     */
    public static final int MAX_PACKET_SAMPLES = 480;
    /** The payload type the bridge offers Opus on (dynamic, RFC 3551 §3; what most phones use too). */
    public static final int OPUS_PAYLOAD_TYPE = 111;

    private final int staticPayloadType;
    private final String encodingName;
    private final int clockRate;
    private final int channels;

    Codec(int staticPayloadType, String encodingName, int clockRate, int channels) {
        this.staticPayloadType = staticPayloadType;
        this.encodingName = encodingName;
        this.clockRate = clockRate;
        this.channels = channels;
    }

    /** The RFC 3551 static payload type (0 for PCMU, 8 for PCMA), or -1 for Opus, which has none. */
    public int staticPayloadType() {
        return staticPayloadType;
    }

    /** The payload type the bridge offers this codec on: the static one, or {@link #OPUS_PAYLOAD_TYPE}. */
    public int offeredPayloadType() {
        return staticPayloadType >= 0 ? staticPayloadType : OPUS_PAYLOAD_TYPE;
    }

    /** The RTP clock rate: 48000 for Opus (RFC 7587 §4.1), 8000 otherwise. */
    public int clockRate() {
        return clockRate;
    }

    /** RTP timestamp units in one 20 ms frame: 160, or 960 for Opus. */
    public int frameTimestampUnits() {
        return clockRate / 50;
    }

    /** What follows the payload type in {@code a=rtpmap}: {@code PCMU/8000}, {@code opus/48000/2}. */
    public String rtpmap() {
        return encodingName + "/" + clockRate + (channels > 1 ? "/" + channels : "");
    }

    /** The SDP channel count: Opus is always signalled as 2 (RFC 7587 §7), whatever is sent. */
    public int channels() {
        return channels;
    }

    /** The SDP encoding name as in {@code a=rtpmap:0 PCMU/8000}. */
    public String encodingName() {
        return encodingName;
    }

    /** Whether the codec carries 16 kHz audio (G.722, Opus here) rather than 8 kHz (G.711). */
    public boolean wideband() {
        return this == G722 || this == OPUS;
    }

    /** Whether frames vary in length (Opus) rather than being {@link #FRAME_SAMPLES} bytes. */
    public boolean variableLength() {
        return this == OPUS;
    }

    /**
     * The packet time the bridge sends this codec in when the caller asked for {@code askedMs} (10–60 ms,
     * already fitted to its maxptime): that, for G.711 and G.722, which are cut at any 10 ms; for Opus
     * whole 20 ms frames, so 20, 40 or 60 (the most 20 ms frames that fit, at least one).
     */
    public int sentPacketTimeMs(int askedMs) {
        if (!variableLength()) {
            return askedMs;
        }
        return Math.max(20, Math.min(60, askedMs / 20 * 20));
    }

    /** The codec of an SDP encoding name ({@code g722}, {@code PCMU}; case-insensitive), or null. */
    public static Codec named(String encodingName) {
        for (Codec c : values()) {
            if (c.encodingName.equalsIgnoreCase(encodingName)) {
                return c;
            }
        }
        return null;
    }

    /** G.711 only: encodes one 16-bit linear sample. */
    public byte encode(short linear) {
        return switch (this) {
            case PCMU -> G711.linearToUlaw(linear);
            case PCMA -> G711.linearToAlaw(linear);
            case G722 -> throw new UnsupportedOperationException("G.722 is encoded per stream with G722Encoder");
            case OPUS -> throw new UnsupportedOperationException("Opus is encoded per stream with OpusEncoder");
        };
    }

    /** G.711 only: decodes one encoded byte to a 16-bit linear sample. */
    public short decode(byte encoded) {
        return switch (this) {
            case PCMU -> G711.ulawToLinear(encoded);
            case PCMA -> G711.alawToLinear(encoded);
            case G722 -> throw new UnsupportedOperationException("G.722 is decoded per stream with G722Decoder");
            case OPUS -> throw new UnsupportedOperationException("Opus is decoded per stream with OpusDecoder");
        };
    }

    /**
     * One 20 ms frame of digital silence in this codec, {@link #silenceFrameLength()} bytes of it (a
     * whole {@link #FRAME_SAMPLES}-byte slot). For G.722 it is what an encoder settled on silence sends,
     * so a decoder hears nothing whatever state it is in after a few frames; for Opus, an encoder's
     * frame of silence. Shared: read only.
     */
    public byte[] silenceFrame() {
        return this == OPUS ? OpusSilence.FRAME : Silence.FRAMES[ordinal()];
    }

    /** The length of {@link #silenceFrame()}'s packet: {@link #FRAME_SAMPLES}, less for Opus. */
    public int silenceFrameLength() {
        return this == OPUS ? OpusSilence.LENGTH : FRAME_SAMPLES;
    }

    /** Built on first use, apart from the others, so that only an Opus call loads libopus. */
    private static final class OpusSilence {
        static final byte[] FRAME = new byte[FRAME_SAMPLES];
        static final int LENGTH;

        static {
            short[] zeros = new short[2 * FRAME_SAMPLES];
            int length = 0;
            try (OpusEncoder encoder = new OpusEncoder()) {
                for (int i = 0; i < 10; i++) {
                    length = encoder.encode(zeros, 0, FRAME, 0, FRAME_SAMPLES);
                }
            }
            LENGTH = length;
        }
    }

    /** Built on first use, so that G.711-only code never loads the G.722 encoder. */
    private static final class Silence {
        static final byte[][] FRAMES = new byte[values().length][];

        static {
            for (Codec c : values()) {
                byte[] frame = new byte[FRAME_SAMPLES];
                if (c == G722) {
                    G722Encoder encoder = new G722Encoder();
                    short[] zeros = new short[2 * FRAME_SAMPLES];
                    for (int i = 0; i < 10; i++) {
                        encoder.encode(zeros, 0, zeros.length, frame, 0);
                    }
                } else if (c != OPUS) {
                    java.util.Arrays.fill(frame, c.encode((short) 0));
                }
                FRAMES[c.ordinal()] = frame;
            }
        }
    }
}
