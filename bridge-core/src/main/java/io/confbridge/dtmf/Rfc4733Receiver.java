package io.confbridge.dtmf;

import io.netty.buffer.ByteBuf;

/**
 * Turns one call's RFC 4733 telephone-event packets into key presses, each press reported once.
 * One instance per call, used by the call's receive thread only; fields only, no allocation.
 *
 * <p>The payload (RFC 4733 §2.3):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>A press is one event, and every packet of an event carries the event's start as its RTP
 * timestamp (RFC 4733 §2.2.1): the first packet has the marker bit (§2.2.2), updates repeat it
 * with growing duration, and the final packet (E bit) is sent three times (§2.5.1.4). So the
 * receiver reports a key on the first packet it sees with a new timestamp, whichever packet of the
 * event that is (when the start packets are lost, the first end packet), and ignores every other
 * packet of that timestamp. Pressing the same key twice gives two timestamps and counts twice.
 *
 * <p>Two deliberate exceptions:
 * <ul>
 *   <li>A key held longer than the 16-bit duration field allows (65535 samples, about 8 s) is sent
 *       as several segments, each a new timestamp equal to the previous plus the previous
 *       segment's duration, without the marker bit (§2.5.1.3). Such a continuation of a key that
 *       has not ended is the same press and is not reported again.</li>
 *   <li>Senders that replay captured packets (stock SIPp pcap play) reuse one timestamp for every
 *       packet; only the first key is then seen. That is the sender's fault, and counting each
 *       packet instead would turn every retransmitted end packet into a key press.</li>
 * </ul>
 * Packets of an earlier event that arrive late (up to 2 s of timestamp behind the current one)
 * are ignored too. Payloads shorter than 4 bytes and events that are not keys (above 15) are
 * ignored.
 */
final class Rfc4733Receiver {

    /** Slack, in samples, when matching a long-duration continuation to its previous segment. */
    private static final int SEGMENT_SLACK = 800;
    /** How far back, in samples (2 s at 8 kHz), a timestamp is taken for an earlier event's. */
    private static final int STALE_WINDOW = 16_000;

    private boolean haveEvent;
    private long eventTimestamp;
    private int eventCode;
    private boolean eventEnded;
    /** The largest duration seen in the current segment. */
    private int eventDuration;

    /**
     * Feeds one telephone-event packet.
     *
     * @param buf the packet; read with absolute indexes
     * @param payloadOffset where the RFC 4733 payload starts
     * @param payloadLength payload bytes (padding excluded)
     * @param rtpTimestamp the packet's RTP timestamp, unsigned 32 bit
     * @param marker the packet's RTP marker bit
     * @return the key if this packet reports a new press, else {@link DtmfKey#NONE}
     */
    char onPacket(ByteBuf buf, int payloadOffset, int payloadLength, long rtpTimestamp, boolean marker) {
        if (payloadLength < 4) {
            return DtmfKey.NONE;
        }
        int event = buf.getUnsignedByte(payloadOffset);
        if (event > 15) {
            return DtmfKey.NONE;
        }
        boolean end = (buf.getByte(payloadOffset + 1) & 0x80) != 0;
        int duration = buf.getUnsignedShort(payloadOffset + 2);
        long timestamp = rtpTimestamp & 0xFFFF_FFFFL;

        if (haveEvent && timestamp == eventTimestamp) {
            eventEnded |= end;
            eventDuration = Math.max(eventDuration, duration);
            return DtmfKey.NONE;
        }
        if (haveEvent && isRecentPast(timestamp)) {
            return DtmfKey.NONE;
        }
        boolean continuation = haveEvent && !marker && !eventEnded && event == eventCode
                && isNextSegment(timestamp);
        haveEvent = true;
        eventTimestamp = timestamp;
        eventCode = event;
        eventEnded = end;
        eventDuration = duration;
        return continuation ? DtmfKey.NONE : DtmfKey.fromEvent(event);
    }

    /**
     * Whether the timestamp lies shortly before the current event's: a reordered retransmission of
     * an earlier event (the end packet of one key arriving after the start of the next). Only a
     * short window counts as past, so a sender that restarts with a new random timestamp base
     * below the old one is not ignored for good.
     */
    private boolean isRecentPast(long timestamp) {
        long behind = (eventTimestamp - timestamp) & 0xFFFF_FFFFL;
        return behind <= STALE_WINDOW;
    }

    /** Whether the timestamp starts where a maxed-out segment of the current event would end. */
    private boolean isNextSegment(long timestamp) {
        long advance = (timestamp - eventTimestamp) & 0xFFFF_FFFFL;
        return eventDuration >= 0xFFFF - SEGMENT_SLACK
                && advance >= eventDuration - SEGMENT_SLACK && advance <= 0xFFFF + SEGMENT_SLACK;
    }
}
