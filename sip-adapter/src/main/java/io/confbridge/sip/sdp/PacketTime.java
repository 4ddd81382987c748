package io.confbridge.sip.sdp;

import io.confbridge.rtp.RtpSession;

/**
 * The packet time the bridge sends a caller's audio in, chosen from the caller's {@code a=ptime} (how
 * much audio it wants in each packet it receives, RFC 4566 §6, RFC 3264 §6.1) and {@code a=maxptime}
 * (the most it can take).
 *
 * <p>The bridge cuts packets of 10–60 ms in steps of 10 out of its 20 ms frames. It sends the ptime
 * asked for when it is one of those and not above the maxptime; otherwise the longest of those that is
 * neither above what was asked for nor above the maxptime (so {@code ptime:25} gets 20, {@code ptime:70}
 * gets 60, {@code ptime:40 maxptime:30} gets 30), and 10 when even that is too long. Without a ptime the
 * bridge asks itself for 20, the G.711 default (RFC 3551 §4.5), again under the maxptime: a maxptime
 * alone is a limit, not a wish for long packets, which only add delay.
 */
public final class PacketTime {

    /** What is sent when the caller asks for nothing: one 20 ms frame a packet. */
    public static final int DEFAULT_MS = RtpSession.DEFAULT_PACKET_TIME_MS;
    /** The shortest packet time sent. */
    public static final int MIN_MS = RtpSession.MIN_PACKET_TIME_MS;
    /** The longest packet time sent, and the longest the bridge takes (its {@code a=maxptime}). */
    public static final int MAX_MS = RtpSession.MAX_PACKET_TIME_MS;
    private static final int STEP_MS = RtpSession.PACKET_TIME_STEP_MS;

    private PacketTime() {
    }

    /**
     * @param ptimeMs    the offer's {@code a=ptime} in whole ms, or -1 when it has none
     * @param maxPtimeMs the offer's {@code a=maxptime} in whole ms, or -1 when it has none
     * @return the packet time to send in and answer with, 10–60 ms in steps of 10
     */
    public static int choose(int ptimeMs, int maxPtimeMs) {
        int wanted = ptimeMs > 0 ? ptimeMs : DEFAULT_MS;
        if (maxPtimeMs > 0) {
            wanted = Math.min(wanted, maxPtimeMs);
        }
        int chosen = Math.min(wanted, MAX_MS) / STEP_MS * STEP_MS;
        return Math.max(chosen, MIN_MS);
    }
}
