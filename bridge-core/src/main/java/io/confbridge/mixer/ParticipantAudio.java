package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Decoder;
import io.confbridge.codec.G722Encoder;
import io.confbridge.codec.OpusDecoder;
import io.confbridge.codec.OpusVoiceActivity;
import io.confbridge.codec.SubbandAnalysis;
import io.confbridge.codec.Subbands;
import io.confbridge.media.MediaClock;
import io.netty.buffer.ByteBuf;

/**
 * One participant's audio as the mixer sees it: what they say (a jitter buffer filled by their RTP
 * receiver) and what they hear (a ring of encoded mix-minus frames drained by their sender).
 * Made once per call; nothing here is allocated per packet.
 */
public final class ParticipantAudio {
    /** Written on the call's loop when a re-INVITE switches codec, read by the mixer on the meeting's. */
    volatile Codec codec;
    final JitterBuffer heard;
    final EncodedFrameRing toSend = new EncodedFrameRing(4);
    /**
     * This tick's decoded frame of this participant, valid when {@link #packetArrived}: 8 kHz audio,
     * or for G.722 its low band, at mix scale (see {@code Subbands}).
     */
    final short[] frame = new short[Codec.FRAME_SAMPLES];
    /** This tick's G.722 high band at mix scale; valid when {@link #wideFrame}. Made on first use. */
    short[] high;
    /** This tick's frame came in G.722, so {@link #high} holds its high band. */
    boolean wideFrame;
    /** The G.722 frame taken from the jitter buffer, and the decoder that follows the participant's stream. */
    private byte[] encodedFrame;
    /**
     * The length of this tick's Opus packet, at the start of {@link #encodedFrame}, when the frame is that
     * one whole 20 ms packet decoded as it came (no loss, no concealment, no parts) and small enough for
     * a listener's frame slot; 0 otherwise. Such a packet can be sent on to listeners as it is.
     */
    private int forwardableOpusLength;
    /** This tick's Opus frame was lost, and concealed here. */
    private boolean opusLost;
    private G722Decoder decoder;
    private int[] bandLow;
    private int[] bandHigh;
    /**
     * G.722 outside the mix: the frames whose higher band was not decoded (see {@link #decodeWideband}),
     * the last {@link #UNDECODED_HIGH_FRAMES} of them in a ring, oldest first from {@link #undecodedFirst};
     * made on first use. {@link #undecodedCount} beyond the ring's size means some were forgotten.
     */
    private byte[] undecodedHigh;
    private int undecodedFirst;
    private int undecodedCount;
    /** This tick's G.722 frame was decoded without its higher band, which {@link #catchUpHighBand} can add. */
    private boolean highBandPending;
    /**
     * G.722 frames kept to catch the higher band up with: 320 ms. Within that, the catch-up is exact; a
     * participant out of the mix longer has its higher band's ADPCM restarted on these last frames, whose
     * step size and predictor leak away their past within about 30 ms, so it has converged by the frame
     * that is heard.
     */
    static final int UNDECODED_HIGH_FRAMES = 16;
    /**
     * An Opus caller's decoder (16 kHz), its output, and the filter that splits it into the mix's bands;
     * made on the first Opus packet. Native state, freed by the decoder's cleaner once this participant
     * is gone: closing it from the call's loop could free it under the mixer's feet.
     */
    private OpusDecoder opus;
    private short[] opusPcm;
    private SubbandAnalysis analysis;
    /**
     * The frame at which the 40 or 60 ms Opus packet now decoded in {@link #opusPcm} starts, -1 for none:
     * its later 20 ms parts are played from there, not decoded again.
     */
    private long opusDecodedFrom = -1;
    /** Where in {@link #opusPcm} a lost frame is rebuilt: after the longest packet's 60 ms. */
    private static final int CONCEALED_AT = 3 * OpusDecoder.FRAME;
    /**
     * The Opus packets of this participant were left undecoded for a while (see {@link #leaveUndecoded}):
     * the decoder's and the band filter's history is stale, so both start afresh with the next packet
     * decoded, as for a stream just joined.
     */
    private boolean opusIdle;
    /** Opus frames decoded (or concealed) so far, up to {@link #OPUS_WARM_UP_FRAMES}. */
    private int opusFramesMeasured;
    /**
     * The first second of a participant's Opus audio, and again after it unmutes, is always decoded,
     * whatever its flags say, so the talker detector measures it: SILK flags a steady tone as no voice
     * after about 0.6 s, and a caller admitted (or unmuted) in the middle of one is still heard.
     */
    static final int OPUS_WARM_UP_FRAMES = 50;
    /** 20 ms frames of this participant's Opus audio decoded (or concealed) by libopus: tests count them. */
    long opusFramesDecoded;
    /**
     * What this participant hears while it is a talker, when it cannot be the shared mix minus nothing:
     * its own G.722 encoder (a G.722 talker), or its own decimator (a G.711 talker while wideband
     * talkers are in the mix). Made the first time it is needed; owned by the mixer's loop.
     */
    G722Encoder encoder;
    SharedMix.Narrowing narrowing;
    /** An Opus talker's own encoder for its mix-minus, and its synthesis filter; made when first needed. */
    SharedMix.OpusStream opusOut;
    /**
     * The Opus band this participant is sent ({@link SharedMix#OPUS_NARROW} to {@link SharedMix#OPUS_WIDE}),
     * from its {@code maxplaybackrate}: a phone that plays out 8 kHz gets the narrowband stream, whose
     * bits all go to what it can play. Written on the call's loop, read by the mixer.
     */
    volatile int opusBand = SharedMix.OPUS_WIDE;
    /**
     * A frame of this participant arrived for this tick and they are not muted, so it is in the sum.
     * Not talker detection: a frame of background noise counts too.
     */
    boolean packetArrived;
    /** Stands in for lost frames, so a lost packet is not a click in the voice. */
    final LossConcealment concealment = new LossConcealment();
    /** Voice activity, measured by the mixer every tick. */
    final TalkerDetector talker = new TalkerDetector();
    /** This participant is one of the talkers summed this tick (it then hears the sum minus itself). */
    boolean inMix;
    /** It was one in the tick before (the mixer's loop). */
    boolean wasInMix;
    /** The gain of this participant's own mix-minus, used while it is in the mix. */
    final SoftLimiter limiter = new SoftLimiter();
    private volatile boolean muted;
    /**
     * When (System.nanoTime) a DTMF key's tone or event was last heard from this participant, 0 for
     * never. Written on the call's loop, read by the mixer: one volatile long, nothing allocated.
     */
    private volatile long keyToneNs;
    /**
     * How long a participant stays out of the mix after the last sign of a key, beyond the frames still
     * in its jitter buffer then: the tone's decay, so the tail of a key is not heard either.
     */
    static final long KEY_TONE_TAIL_NS = 80_000_000L;
    /** The least time out of the mix after a key: the tail and the least jitter buffer depth (2 frames). */
    static final long KEY_TONE_HANGOVER_NS = KEY_TONE_TAIL_NS + ParticipantAudio.MIN_DEPTH_FRAMES * MediaClock.TICK_NS;

    /**
     * The leg of another node of the cluster holding part of the same meeting (issue 12 §3): its audio is
     * that node's own talkers, mixed like one more participant for the callers here, and it hears only
     * this node's own talkers, never what came from other nodes, so nobody is heard twice.
     */
    final boolean otherNode;

    public ParticipantAudio(Codec codec) {
        this(codec, false);
    }

    private ParticipantAudio(Codec codec, boolean otherNode) {
        this.codec = codec;
        this.heard = new JitterBuffer(JITTER_CAPACITY_FRAMES, MIN_DEPTH_FRAMES, MAX_DEPTH_FRAMES);
        this.otherNode = otherNode;
    }

    /** The audio of an inter-node leg: see {@link #otherNode}. */
    public static ParticipantAudio ofOtherNode(Codec codec) {
        return new ParticipantAudio(codec, true);
    }

    /** Whether this is an inter-node leg rather than a caller. */
    public boolean isOtherNode() {
        return otherNode;
    }

    /** The least jitter buffer depth: 40 ms, the frame in play and one of spread (today's fixed depth). */
    public static final int MIN_DEPTH_FRAMES = 2;
    /** The greatest: 200 ms; deeper would be heard as delay in conversation more than as smoothness. */
    public static final int MAX_DEPTH_FRAMES = 10;
    /** Room for the greatest depth and a burst arriving on top of it. */
    private static final int JITTER_CAPACITY_FRAMES = 16;

    /**
     * Receiver side (the call's loop): one audio packet from the participant, and the stream's
     * interarrival jitter (RFC 3550 A.8, 8 kHz timestamp units) measured up to it, which sizes the
     * jitter buffer.
     */
    public void received(int sequenceNumber, ByteBuf buf, int payloadOffset, int payloadLength, long jitterSamples) {
        heard.jitter(jitterSamples);
        heard.put(sequenceNumber, buf, payloadOffset, payloadLength, codec);
    }

    /** The jitter buffer's depth now, in milliseconds; any thread (metrics). */
    public int jitterBufferDepthMs() {
        return heard.depthFrames() * Codec.FRAME_SAMPLES / 8;
    }

    /** Packets the jitter buffer dropped because they came after their frame was played; any thread. */
    public long jitterBufferLatePackets() {
        return heard.latePackets();
    }

    /**
     * Receiver side (the call's loop): one audio packet from the participant, into the jitter buffer.
     * The buffer is read with absolute indexes and not released.
     */
    public void received(int sequenceNumber, ByteBuf buf, int payloadOffset, int payloadLength) {
        heard.put(sequenceNumber, buf, payloadOffset, payloadLength, codec);
    }

    /**
     * Mixer's loop: takes this tick's frame from the jitter buffer into {@link #frame} (and
     * {@link #high} for G.722), decoding G.722 and Opus in stream order and concealing a lost frame. A
     * quiet Opus participant's packet may be left undecoded ({@link #leaveUndecoded}).
     *
     * @return whether a frame (possibly concealed) is there for this tick; false also for an Opus packet
     *         left undecoded, which is not heard
     */
    boolean takeFrame() {
        wideFrame = false;
        highBandPending = false;
        forwardableOpusLength = 0;
        opusLost = false;
        if (encodedFrame == null && codec.wideband()) {
            // Room for an Opus packet too, so that a switch between G.722 and Opus needs no new array.
            encodedFrame = new byte[JitterBuffer.OPUS_SLOT_BYTES];
        }
        if (!heard.take(frame, encodedFrame)) {
            return false;
        }
        if (heard.lastTakeLost()) {
            if (opus != null && codec == Codec.OPUS) {
                if (opusIdle) {
                    return false; // it was saying nothing: there is nothing to conceal
                }
                concealOpus();
                opusLost = true;
            } else {
                // The low band (all of G.711) is concealed; a high band is left out for the lost frame.
                concealment.conceal(frame);
            }
        } else {
            int opusLength = heard.lastTakeOpusLength();
            if (opusLength > 0) {
                int parts = heard.lastTakeOpusParts();
                if (leaveUndecoded(opusLength, parts)) {
                    opusIdle = opus != null;
                    opusDecodedFrom = -1;
                    return false;
                }
                if (parts == 1) {
                    if (decodeOpus(opusLength) && opusLength <= Codec.FRAME_SAMPLES) {
                        forwardableOpusLength = opusLength;
                    }
                } else if (parts == 0) {
                    decodeOpusHalves(opusLength, heard.lastTakeOpusSecondLength());
                } else {
                    playOpusPart(opusLength, parts, heard.lastTakeOpusPart(), heard.lastTakeFrame());
                }
            } else if (heard.lastTakeEncoded()) {
                decodeWideband();
            }
            concealment.played(frame);
        }
        return true;
    }

    /**
     * Whether this tick's Opus packet can be left undecoded: the participant is not heard in the mix nor
     * counted as talking, and is muted or its packet's SILK flags say no voice activity (RFC 6716
     * §4.2.3). Reading the flags costs a few operations where decoding costs about 11 µs, so in a large
     * meeting of mostly silent Opus callers the tick's cost follows the talkers, not the participants.
     * The frame then counts as not received: the talker detector's level decays and its hangover runs
     * out as for a gap. CELT-only packets carry no flag and are always decoded.
     */
    private boolean leaveUndecoded(int length, int parts) {
        if (inMix || talker.talking()) {
            return false;
        }
        if (muted) {
            opusFramesMeasured = 0; // measured afresh once unmuted, as when it joined
            return true;
        }
        if (opusFramesMeasured < OPUS_WARM_UP_FRAMES) {
            return false;
        }
        boolean silent = OpusVoiceActivity.of(encodedFrame, 0, length) == OpusVoiceActivity.SILENT;
        if (silent && parts == 0) {
            // Two 10 ms packets: the second half of the slot must say no voice too.
            int second = heard.lastTakeOpusSecondLength();
            return second <= 0
                    || OpusVoiceActivity.of(encodedFrame, JitterBuffer.OPUS_SLOT_BYTES / 2, second) == OpusVoiceActivity.SILENT;
        }
        return silent;
    }

    /**
     * An Opus packet, decoded in stream order at 16 kHz and split into the mix's two subbands (G.722's
     * analysis filter, the inverse of what the Opus listeners' encoders get). A packet libopus refuses is
     * concealed like a lost one.
     *
     * @return whether the packet was decoded, not concealed
     */
    private boolean decodeOpus(int length) {
        openOpus();
        opusDecodedFrom = -1;
        boolean decoded = opus.decode(encodedFrame, 0, length, opusPcm, 0) == OpusDecoder.FRAME;
        if (!decoded) {
            opus.conceal(opusPcm, 0, OpusDecoder.FRAME);
        }
        splitOpus(0);
        return decoded;
    }

    /**
     * This tick's Opus packet as it came from the participant, when it can be sent on to listeners as it
     * is (see {@link #forwardableOpusLength}): its bytes from index 0, valid until the next tick.
     */
    byte[] forwardableOpus() {
        return encodedFrame;
    }

    /** The length of {@link #forwardableOpus}, 0 when this tick's frame cannot be sent on as it came. */
    int forwardableOpusLength() {
        return forwardableOpusLength;
    }

    /**
     * Whether this tick's Opus frame was lost (and concealed here): listeners who are being sent this
     * participant's own packets can be passed the loss instead.
     */
    boolean opusLost() {
        return opusLost;
    }

    /** Two 10 ms Opus packets (a caller's ptime 10), decoded in turn into one 20 ms frame. */
    private void decodeOpusHalves(int first, int second) {
        openOpus();
        opusDecodedFrom = -1;
        int half = OpusDecoder.FRAME / 2;
        if (opus.decode(encodedFrame, 0, first, opusPcm, 0) != half) {
            opus.conceal(opusPcm, 0, half);
        }
        if (second <= 0 || opus.decode(encodedFrame, JitterBuffer.OPUS_SLOT_BYTES / 2, second, opusPcm, half) != half) {
            opus.conceal(opusPcm, half, half);
        }
        splitOpus(0);
    }

    /**
     * Part {@code part} of a 40 or 60 ms Opus packet that covers {@code parts} frames from frame
     * {@code frame - part}: the packet is decoded once, when its first part to be played comes (the
     * earlier ones may have been skipped), and each 20 ms of it is played in its tick.
     */
    private void playOpusPart(int length, int parts, int part, long frame) {
        openOpus();
        long from = frame - part;
        if (opusDecodedFrom != from) {
            opusDecodedFrom = from;
            int samples = parts * OpusDecoder.FRAME;
            if (opus.decode(encodedFrame, 0, length, opusPcm, 0) != samples) {
                opus.conceal(opusPcm, 0, samples);
            }
        }
        splitOpus(part * OpusDecoder.FRAME);
    }

    private void openOpus() {
        if (opusIdle) {
            opusIdle = false;
            opus.reset();
            analysis.reset();
        }
        if (opus == null) {
            opus = new OpusDecoder();
            // Room for the longest packet taken, 60 ms (the jitter buffer refuses longer ones), and a
            // concealed frame.
            opusPcm = new short[CONCEALED_AT + OpusDecoder.FRAME];
            analysis = new SubbandAnalysis();
            bands();
        }
    }

    /**
     * A lost Opus frame: rebuilt from the in-band FEC of the next packet when it is here already
     * (RFC 6716 §2.1.7; callers are asked for {@code useinbandfec=1}), else by libopus's concealment.
     */
    private void concealOpus() {
        // Into its own part of the buffer, so that a longer packet decoded there stays whole.
        int at = CONCEALED_AT;
        int next = heard.peekNextOpus(encodedFrame);
        if (next <= 0 || opus.decodeFec(encodedFrame, 0, next, opusPcm, at, OpusDecoder.FRAME) != OpusDecoder.FRAME) {
            opus.conceal(opusPcm, at, OpusDecoder.FRAME);
        }
        splitOpus(at);
    }

    /** The 20 ms of 16 kHz audio at {@code opusPcm[from]} into the mix's two bands. */
    private void splitOpus(int from) {
        opusFramesDecoded++;
        if (opusFramesMeasured < OPUS_WARM_UP_FRAMES) {
            opusFramesMeasured++;
        }
        analysis.analyse(opusPcm, from, Codec.FRAME_SAMPLES, bandLow, bandHigh);
        for (int i = 0; i < Codec.FRAME_SAMPLES; i++) {
            frame[i] = (short) clamp(Subbands.toMixScale(bandLow[i]));
            high[i] = (short) clamp(Subbands.toMixScale(bandHigh[i]));
        }
        wideFrame = true;
    }

    private static int clamp(int sample) {
        return Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sample));
    }

    private void bands() {
        if (bandLow == null) {
            bandLow = new int[Codec.FRAME_SAMPLES];
            bandHigh = new int[Codec.FRAME_SAMPLES];
            high = new short[Codec.FRAME_SAMPLES];
        }
    }

    /**
     * A G.722 frame. Only a participant in the mix (as of the last tick: the mixer sets {@link #inMix}
     * after this) has both bands decoded. Anyone else has the lower band decoded, which is what the
     * talker detector measures, and the frame kept: in a meeting of a thousand G.722 callers nearly all
     * are outside the mix, and the higher band's ADPCM was about 45 % of decoding each of them every
     * tick. Should one become a talker, {@link #catchUpHighBand} decodes the kept frames' higher band then.
     */
    private void decodeWideband() {
        if (decoder == null) {
            decoder = new G722Decoder();
            bands();
        }
        if (!inMix) {
            decoder.decodeLowBand(encodedFrame, 0, Codec.FRAME_SAMPLES, bandLow);
            for (int i = 0; i < Codec.FRAME_SAMPLES; i++) {
                frame[i] = (short) Subbands.toMixScale(bandLow[i]);
            }
            keepForHighBand();
            highBandPending = true;
            return;
        }
        if (undecodedCount > 0) {
            catchUp(); // back in the mix after a tick in which it was not chosen: no frame of it was heard
        }
        decoder.decodeBands(encodedFrame, 0, Codec.FRAME_SAMPLES, bandLow, bandHigh);
        for (int i = 0; i < Codec.FRAME_SAMPLES; i++) {
            // The decoder keeps each band within 15 bits, so at mix scale they fit in 16.
            frame[i] = (short) Subbands.toMixScale(bandLow[i]);
            high[i] = (short) Subbands.toMixScale(bandHigh[i]);
        }
        wideFrame = true;
    }

    private void keepForHighBand() {
        if (undecodedHigh == null) {
            undecodedHigh = new byte[UNDECODED_HIGH_FRAMES * Codec.FRAME_SAMPLES];
        }
        int slot = (undecodedFirst + Math.min(undecodedCount, UNDECODED_HIGH_FRAMES)) % UNDECODED_HIGH_FRAMES;
        if (undecodedCount >= UNDECODED_HIGH_FRAMES) {
            undecodedFirst = (undecodedFirst + 1) % UNDECODED_HIGH_FRAMES; // the oldest is overwritten
        }
        System.arraycopy(encodedFrame, 0, undecodedHigh, slot * Codec.FRAME_SAMPLES, Codec.FRAME_SAMPLES);
        undecodedCount++;
    }

    /**
     * Mixer's loop, for a participant chosen as a talker this tick: when its frame was decoded without
     * its higher band, decodes the higher bands kept since it last had one (or, past the ring, restarts
     * that band on the last {@link #UNDECODED_HIGH_FRAMES}), this frame's last, into {@link #high}.
     */
    void catchUpHighBand() {
        if (!highBandPending) {
            return;
        }
        catchUp();
        for (int i = 0; i < Codec.FRAME_SAMPLES; i++) {
            high[i] = (short) Subbands.toMixScale(bandHigh[i]);
        }
        highBandPending = false;
        wideFrame = true;
    }

    /** Decodes the kept frames' higher band in order; {@link #bandHigh} then holds the newest one's. */
    private void catchUp() {
        if (undecodedCount > UNDECODED_HIGH_FRAMES) {
            decoder.resetHighBand();
        }
        int frames = Math.min(undecodedCount, UNDECODED_HIGH_FRAMES);
        for (int k = 0; k < frames; k++) {
            int slot = (undecodedFirst + k) % UNDECODED_HIGH_FRAMES;
            decoder.decodeHighBand(undecodedHigh, slot * Codec.FRAME_SAMPLES, Codec.FRAME_SAMPLES, bandHigh);
        }
        undecodedFirst = 0;
        undecodedCount = 0;
    }

    /**
     * The caller's Opus {@code maxplaybackrate} (RFC 7587 §6.1, Hz; call's loop): up to 8000 it is sent
     * narrowband Opus, up to 12000 mediumband, else wideband (the mix's 16 kHz).
     */
    public void maxPlaybackRate(int hz) {
        opusBand = SharedMix.opusBand(hz);
    }

    /** Whether the participant's codec is wideband (G.722) now. */
    public boolean isWideband() {
        return codec.wideband();
    }

    /** Sender side (the call's loop): mix frames waiting to go out. */
    public EncodedFrameRing output() {
        return toSend;
    }

    /** The codec the participant sends and is sent in now. */
    public Codec codec() {
        return codec;
    }

    /**
     * A re-INVITE switched the participant's codec (call's loop). The mixer encodes its next frame in
     * it, and the jitter buffer decodes the next packet with it.
     */
    public void codec(Codec newCodec) {
        codec = newCodec;
    }

    /** Whether the participant was one of the talkers heard in the last tick (the mixer's loop). */
    public boolean heardNow() {
        return inMix;
    }

    boolean muted() {
        return muted;
    }

    /**
     * Call's loop: a DTMF key is sounding in this participant's audio now (an in-band tone being
     * detected, or an RFC 4733 event whose sender may leave its tones in the audio too).
     */
    public void keyToneHeard(long nowNs) {
        keyToneNs = nowNs == 0 ? 1 : nowNs;
    }

    /** Whether a key's tone was heard recently enough that this participant's audio is left out. */
    boolean keyToneAt(long nowNs) {
        long at = keyToneNs;
        if (at == 0) {
            return false;
        }
        // A key is detected as its packets arrive, and played a jitter buffer's depth later: the hangover
        // runs from then, so a caller on a deep buffer (up to 200 ms) has no tail of the key heard either.
        return nowNs - at < KEY_TONE_TAIL_NS + heard.depthFrames() * MediaClock.TICK_NS;
    }

    public void muted(boolean muted) {
        this.muted = muted;
    }
}
