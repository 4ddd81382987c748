package io.confbridge.rtp;

/**
 * What the bridge knows about the caller's RTP stream, for the report block of its RTCP reports:
 * extended highest sequence number and cumulative loss (RFC 3550 A.1, A.3), fraction lost since the
 * previous report, and interarrival jitter (A.8). Primitive fields only: {@link #onPacket} runs per
 * received packet and allocates nothing. Confined to the call's event loop.
 */
public final class RtpReceptionStats {
    private static final int RTP_SEQ_MOD = 1 << 16;
    private static final int MAX_DROPOUT = 3000;
    private static final int MAX_MISORDER = 100;

    private final int clockRate;
    private boolean started;
    private long ssrc;
    private int maxSeq;
    private long cycles;
    private int baseSeq;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    /** Previous transit time (arrival in RTP units minus RTP timestamp); Long.MIN_VALUE before any. */
    private long transit = Long.MIN_VALUE;
    /** Jitter estimate scaled by 16, as in RFC 3550 A.8's integer version. */
    private long jitterQ4;
    private long firstArrivalNs;

    /** The RTP clock the jitter is measured in: 8000, or 48000 for Opus. */
    public int clockRate() {
        return clockRate;
    }

    public RtpReceptionStats(int clockRate) {
        this.clockRate = clockRate;
    }

    /**
     * One RTP packet from the caller.
     *
     * @param seq           its sequence number
     * @param rtpTimestamp  its RTP timestamp
     * @param ssrc          its SSRC
     * @param arrivalNs     when it arrived ({@code System.nanoTime()} scale)
     * @param countsForJitter false for packets whose timestamps do not follow the sampling clock
     *                      (RFC 4733 events repeat the event's start), so they do not disturb the jitter
     */
    public void onPacket(int seq, long rtpTimestamp, long ssrc, long arrivalNs, boolean countsForJitter) {
        if (!started || ssrc != this.ssrc) {
            restart(seq, ssrc, arrivalNs); // a new source (or the first) starts its numbering afresh
        } else {
            int delta = (seq - maxSeq) & 0xFFFF;
            if (delta < MAX_DROPOUT) {
                if (seq < maxSeq) {
                    cycles += RTP_SEQ_MOD;
                }
                maxSeq = seq;
            } else if (delta <= RTP_SEQ_MOD - MAX_MISORDER) {
                restart(seq, ssrc, arrivalNs); // a very large jump: the sender restarted (A.1, simplified)
            } // else a duplicate or reordered packet
        }
        received++;
        if (countsForJitter) {
            // relative to the source's first packet, so the product stays in range for 13 days
            long arrival = (arrivalNs - firstArrivalNs) * clockRate / 1_000_000_000L;
            long t = arrival - rtpTimestamp;
            if (transit != Long.MIN_VALUE) {
                long d = (int) (t - transit); // wrap-safe over a 32-bit timestamp
                if (d < 0) {
                    d = -d;
                }
                jitterQ4 += d - ((jitterQ4 + 8) >> 4);
            }
            transit = t;
        }
    }

    private void restart(int seq, long ssrc, long arrivalNs) {
        started = true;
        firstArrivalNs = arrivalNs;
        this.ssrc = ssrc;
        baseSeq = seq;
        maxSeq = seq;
        cycles = 0;
        received = 0;
        expectedPrior = 0;
        receivedPrior = 0;
        transit = Long.MIN_VALUE;
        jitterQ4 = 0;
    }

    public boolean started() {
        return started;
    }

    public long ssrc() {
        return ssrc;
    }

    public long received() {
        return received;
    }

    public long extendedHighestSequence() {
        return cycles + maxSeq;
    }

    public long expected() {
        return extendedHighestSequence() - baseSeq + 1;
    }

    /** Cumulative lost, A.3 (negative when duplicates arrived). */
    public long cumulativeLost() {
        return expected() - received;
    }

    /** Interarrival jitter in RTP timestamp units. */
    public long jitter() {
        return jitterQ4 >> 4;
    }

    /**
     * The fraction lost since the previous call of this method, in 1/256 (A.3); starts the next
     * interval. Called once per report sent.
     */
    public int takeFractionLost() {
        long expectedNow = expected();
        long expectedInterval = expectedNow - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expectedNow;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        if (expectedInterval == 0 || lostInterval <= 0) {
            return 0;
        }
        return (int) Math.min(255, (lostInterval << 8) / expectedInterval);
    }
}
