package io.confbridge.dtmf;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Decoder;
import io.confbridge.codec.Subbands;
import io.netty.buffer.ByteBuf;

/**
 * Where all of one call's key presses come in, whichever way the phone sends them (SPEC §2.9): RFC 4733
 * telephone-events ({@link Rfc4733Receiver}), SIP INFO, and tones in the caller's audio
 * ({@link InbandDtmfDetector}, when asked for). A press sent several ways counts once
 * ({@link KeyPressMerger}). Each method answers the key when it is a new press, else {@link DtmfKey#NONE}.
 *
 * <p>One instance per call, used on the call's loop only; no allocation per packet.
 */
public final class DtmfReceiver {
    private final Rfc4733Receiver telephoneEvents = new Rfc4733Receiver();
    /** Null when in-band listening is off. */
    private InbandDtmfDetector tones;
    private final KeyPressMerger merger = new KeyPressMerger(KeyPressMerger.DEFAULT_WINDOW);
    private Codec codec;
    /**
     * The 20 ms block the tone detector looks at next, filled from the caller's packets in turn: a 10 ms
     * packet fills half of it, a 30 ms one a block and a half, so the detector sees the caller's audio
     * as it was, whatever its packet time.
     */
    private final short[] decoded = new short[Codec.FRAME_SAMPLES];
    private int filled;
    /** Whether a block completed by the last packet had a key's tones sounding (a 60 ms packet has three). */
    private boolean toneInPacket;
    /** G.722 only, made on its first packet. */
    private G722Decoder g722;
    private byte[] encoded;
    private int[] low;
    private boolean counting;

    /**
     * @param codec        the caller's audio codec, to decode for in-band detection
     * @param listenInband whether to look for DTMF tones in the caller's audio
     */
    public DtmfReceiver(Codec codec, boolean listenInband) {
        this.codec = codec;
        this.tones = listenInband ? new InbandDtmfDetector() : null;
    }

    /**
     * A re-INVITE changed the caller's codec or telephone-events: decode in {@code newCodec} and listen
     * for tones when asked (a detector is made then, once, not per packet).
     */
    public void media(Codec newCodec, boolean listenInband) {
        if (newCodec != codec) {
            filled = 0; // half a block of the old codec's audio is not to be finished with the new one's
        }
        codec = newCodec;
        if (!listenInband) {
            tones = null;
        } else if (tones == null) {
            tones = new InbandDtmfDetector();
        }
    }

    /**
     * Presses before this are detected (so a key held across it is not reported twice) but not
     * reported: the voice menu has not started yet.
     */
    public void startCounting() {
        counting = true;
    }

    /** One RFC 4733 telephone-event packet; see {@link Rfc4733Receiver#onPacket}. */
    public char telephoneEvent(ByteBuf buf, int payloadOffset, int payloadLength, long rtpTimestamp, boolean marker,
                               long nowNs) {
        char key = telephoneEvents.onPacket(buf, payloadOffset, payloadLength, rtpTimestamp, marker);
        return offer(key, DtmfPath.RFC4733, nowNs);
    }

    /**
     * One audio packet of the caller's codec, 10 to 60 ms (longer ones are cut at 60 ms, as the jitter
     * buffer cuts them): searched for tones, when listening, in 20 ms blocks that run on across packets.
     * Answers the key of a press completed in this packet.
     */
    public char audio(ByteBuf buf, int payloadOffset, int payloadLength, long nowNs) {
        if (tones == null || codec == Codec.OPUS) {
            // Opus: tones are not searched for. A second decoder per call, on every packet, would double
            // the cost of an Opus caller; and Opus phones send RFC 4733 events (RFC 7587 §7 leaves DTMF to them).
            return DtmfKey.NONE;
        }
        char pressed = DtmfKey.NONE;
        toneInPacket = false;
        int length = Math.min(payloadLength, Codec.MAX_PACKET_SAMPLES); // G.711 and G.722: a byte per 8 kHz sample
        for (int done = 0; done < length; ) {
            int n = Math.min(length - done, Codec.FRAME_SAMPLES - filled);
            if (codec.wideband()) {
                decodeLowBand(buf, payloadOffset + done, n);
            } else {
                for (int i = 0; i < n; i++) {
                    decoded[filled + i] = codec.decode(buf.getByte(payloadOffset + done + i));
                }
            }
            filled += n;
            done += n;
            if (filled == Codec.FRAME_SAMPLES) {
                filled = 0;
                char key = offer(tones.onFrame(decoded, 0), DtmfPath.INBAND, nowNs);
                toneInPacket |= tones.toneSounding();
                if (key != DtmfKey.NONE) {
                    pressed = key;
                }
            }
        }
        return pressed;
    }

    /**
     * G.722: the keys' tones (697–1633 Hz) are all in the low band, which is 8 kHz audio already, so
     * the detector needs no 16 kHz signal, nor the higher band: only the lower band's ADPCM is run, about
     * half a full decode. The decoder follows the caller's stream packet by packet. Decodes {@code n}
     * bytes into the block from {@link #filled} on.
     */
    private void decodeLowBand(ByteBuf buf, int payloadOffset, int n) {
        if (g722 == null) {
            g722 = new G722Decoder();
            encoded = new byte[Codec.FRAME_SAMPLES];
            low = new int[Codec.FRAME_SAMPLES];
        }
        buf.getBytes(payloadOffset, encoded, 0, n);
        g722.decodeLowBand(encoded, 0, n, low);
        for (int i = 0; i < n; i++) {
            decoded[filled + i] = (short) Subbands.toMixScale(low[i]);
        }
    }

    /**
     * Whether the audio packet just given to {@link #audio} carried a key's tones (false when not
     * listening in-band): a meeting leaves such audio out of its mix.
     */
    public boolean keyToneInAudio() {
        return tones != null && (toneInPacket || tones.toneSounding());
    }

    /** A key that arrived in signalling (SIP INFO). */
    public char signalled(char key, long nowNs) {
        return offer(key, DtmfPath.SIP_INFO, nowNs);
    }

    private char offer(char key, DtmfPath path, long nowNs) {
        if (key == DtmfKey.NONE || !counting) {
            return DtmfKey.NONE;
        }
        return merger.accept(key, path, nowNs);
    }
}
