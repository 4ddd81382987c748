package io.confbridge.codec;

/**
 * The audio codecs the bridge speaks: G.711 µ-law and A-law at 8 kHz, 160 samples (20 ms) a packet.
 * Conversion goes through {@link G711}'s lookup tables; nothing here allocates.
 */
public enum Codec {
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

    /** Encodes one 16-bit linear sample. */
    public byte encode(short linear) {
        return this == PCMU ? G711.linearToUlaw(linear) : G711.linearToAlaw(linear);
    }

    /** Decodes one encoded byte to a 16-bit linear sample. */
    public short decode(byte encoded) {
        return this == PCMU ? G711.ulawToLinear(encoded) : G711.alawToLinear(encoded);
    }

    /** The encoded byte of digital silence. */
    public byte silence() {
        return encode((short) 0);
    }
}
