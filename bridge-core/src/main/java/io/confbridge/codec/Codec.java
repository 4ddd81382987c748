package io.confbridge.codec;

/**
 * The audio codecs the bridge speaks: G.722 (wideband, 16 kHz audio) and G.711 µ-law and A-law
 * (8 kHz), 20 ms a packet. All three carry one byte per 8 kHz RTP clock tick (RFC 3551 gives G.722 an
 * 8000 clock rate although it samples at 16 kHz, and at 64 kbit/s a 20 ms frame is 160 bytes), so
 * packets, frame rings and timestamps are the same size for every codec.
 *
 * <p>G.711 is stateless: {@link #encode(short)} and {@link #decode(byte)} convert one sample through
 * {@link G711}'s lookup tables. G.722 is adaptive (ADPCM): each stream needs its own
 * {@link G722Encoder} or {@link G722Decoder}, so the per-sample methods refuse it.
 */
public enum Codec {
    G722(9, "G722"),
    PCMU(0, "PCMU"),
    PCMA(8, "PCMA");

    /** Samples in one 20 ms frame at 8 kHz; also the payload size in bytes of one G.711 frame. */
    public static final int FRAME_SAMPLES = 160;
    public static final int CLOCK_RATE = 8000;

    private final int staticPayloadType;
    private final String encodingName;

    Codec(int staticPayloadType, String encodingName) {
        this.staticPayloadType = staticPayloadType;
        this.encodingName = encodingName;
    }

    /** The RFC 3551 static payload type (0 for PCMU, 8 for PCMA). */
    public int staticPayloadType() {
        return staticPayloadType;
    }

    /** The SDP encoding name as in {@code a=rtpmap:0 PCMU/8000}. */
    public String encodingName() {
        return encodingName;
    }

    /** Whether the codec carries 16 kHz audio (G.722) rather than 8 kHz (G.711). */
    public boolean wideband() {
        return this == G722;
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
        };
    }

    /** G.711 only: decodes one encoded byte to a 16-bit linear sample. */
    public short decode(byte encoded) {
        return switch (this) {
            case PCMU -> G711.ulawToLinear(encoded);
            case PCMA -> G711.alawToLinear(encoded);
            case G722 -> throw new UnsupportedOperationException("G.722 is decoded per stream with G722Decoder");
        };
    }

    /**
     * One 20 ms frame ({@link #FRAME_SAMPLES} bytes) of digital silence in this codec. For G.722 it is
     * what an encoder settled on silence sends, so a decoder hears nothing whatever state it is in
     * after a few frames. Shared: read only.
     */
    public byte[] silenceFrame() {
        return Silence.FRAMES[ordinal()];
    }

    /** Built on first use, so that G.711-only code never loads the G.722 encoder. */
    private static final class Silence {
        static final byte[][] FRAMES = new byte[values().length][];

        static {
            for (Codec c : values()) {
                byte[] frame = new byte[FRAME_SAMPLES];
                if (c.wideband()) {
                    G722Encoder encoder = new G722Encoder();
                    short[] zeros = new short[2 * FRAME_SAMPLES];
                    for (int i = 0; i < 10; i++) {
                        encoder.encode(zeros, 0, zeros.length, frame, 0);
                    }
                } else {
                    java.util.Arrays.fill(frame, c.encode((short) 0));
                }
                FRAMES[c.ordinal()] = frame;
            }
        }
    }
}
