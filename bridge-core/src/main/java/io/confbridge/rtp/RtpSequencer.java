package io.confbridge.rtp;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The numbering of one outgoing RTP stream: sequence number, timestamp, SSRC and marker bit, for
 * packets of 8 kHz audio (20 ms frames, or 10–60 ms packets in the caller's ptime). Owned by the thread
 * that sends the stream; not thread-safe.
 *
 * <ul>
 *   <li>Initial sequence number, timestamp and SSRC are random (RFC 3550 §5.1, §8.1), so a
 *       restarted call cannot be mistaken for the old one. They need not be unpredictable
 *       without SRTP, so {@link ThreadLocalRandom} suffices.</li>
 *   <li>Each packet sent advances the sequence number by 1 (mod 2^16) and the timestamp by 160
 *       samples (mod 2^32), RFC 3550 §5.1.</li>
 *   <li>Frames not sent (on hold, nothing to play) still advance the timestamp, because it is a
 *       sampling clock, but not the sequence number, which counts packets: {@link #skipFrames}.</li>
 *   <li>The marker bit is set on the first packet of the stream and on the first packet after a
 *       silence in which nothing was sent (RFC 3551 §4.1), so the receiver re-syncs its
 *       jitter buffer there; {@link #markTalkspurt} asks for it explicitly.</li>
 * </ul>
 */
final class RtpSequencer {

    /** Timestamp units (8 kHz samples) in one 20 ms frame. */
    public static final int SAMPLES_PER_FRAME = 160;

    private final long ssrc;
    private int sequenceNumber;
    private long timestamp;
    private boolean markNext = true;

    /** A stream with random initial sequence number, timestamp and SSRC. */
    public RtpSequencer() {
        this(ThreadLocalRandom.current().nextInt(1 << 16),
                ThreadLocalRandom.current().nextLong(1L << 32),
                ThreadLocalRandom.current().nextLong(1L << 32));
    }

    /** A stream with the given starting values (tests, or continuing a stream after a re-INVITE). */
    public RtpSequencer(int initialSequenceNumber, long initialTimestamp, long ssrc) {
        this.sequenceNumber = initialSequenceNumber & 0xFFFF;
        this.timestamp = initialTimestamp & 0xFFFF_FFFFL;
        this.ssrc = ssrc & 0xFFFF_FFFFL;
    }

    /**
     * Writes the fixed header of the next 20 ms frame at {@code offset} (see
     * {@link RtpHeader#writeFixedHeader}) and advances to the frame after it.
     *
     * @return the header length, {@link RtpHeader#FIXED_HEADER_LENGTH}; the payload goes there
     */
    public int writeNextHeader(ByteBuf buf, int offset, int payloadType) {
        return writeNextHeader(buf, offset, payloadType, SAMPLES_PER_FRAME);
    }

    /**
     * Writes the fixed header of the next packet, which carries {@code samples} samples, and advances the
     * timestamp past them (RFC 3550 §5.1: the timestamp is that of the packet's first sample).
     *
     * @return the header length, {@link RtpHeader#FIXED_HEADER_LENGTH}; the payload goes there
     */
    public int writeNextHeader(ByteBuf buf, int offset, int payloadType, int samples) {
        RtpHeader.writeFixedHeader(buf, offset, markNext, payloadType, sequenceNumber, timestamp, ssrc);
        markNext = false;
        sequenceNumber = (sequenceNumber + 1) & 0xFFFF;
        timestamp = (timestamp + samples) & 0xFFFF_FFFFL;
        return RtpHeader.FIXED_HEADER_LENGTH;
    }

    /**
     * Accounts for {@code frames} 20 ms frames that were not sent: the timestamp moves on, the
     * sequence number does not, and the next packet carries the marker bit (RFC 3551 §4.1).
     */
    public void skipFrames(int frames) {
        if (frames < 0) {
            throw new IllegalArgumentException("frames < 0: " + frames);
        }
        skipSamples((long) frames * SAMPLES_PER_FRAME);
    }

    /**
     * Accounts for {@code samples} samples that were not sent (a frame on hold, or the part of a longer
     * packet collected before the stream stopped sending), as {@link #skipFrames} does for whole frames.
     */
    public void skipSamples(long samples) {
        if (samples < 0) {
            throw new IllegalArgumentException("samples < 0: " + samples);
        }
        if (samples > 0) {
            timestamp = (timestamp + samples) & 0xFFFF_FFFFL;
            markNext = true;
        }
    }

    /**
     * Accounts for a packet of {@code samples} samples that is not sent because it was lost before it
     * reached us (a talker's packet passed on as it came): the sequence number and the timestamp both
     * move on, so the receiver sees the loss as such and conceals it, with the next packet's in-band FEC
     * where it has one (RFC 6716 §2.1.7).
     */
    public void skipLostPacket(long samples) {
        if (samples < 0) {
            throw new IllegalArgumentException("samples < 0: " + samples);
        }
        sequenceNumber = (sequenceNumber + 1) & 0xFFFF;
        timestamp = (timestamp + samples) & 0xFFFF_FFFFL;
    }

    /** Sets the marker bit on the next packet: a new talkspurt, or a switch of audio source. */
    public void markTalkspurt() {
        markNext = true;
    }

    /** The sequence number the next packet will carry. */
    public int nextSequenceNumber() {
        return sequenceNumber;
    }

    /** The timestamp the next packet will carry. */
    public long nextTimestamp() {
        return timestamp;
    }

    /** Whether the next packet will carry the marker bit. */
    public boolean nextMarker() {
        return markNext;
    }

    /** This stream's SSRC, unsigned. */
    public long ssrc() {
        return ssrc;
    }
}
