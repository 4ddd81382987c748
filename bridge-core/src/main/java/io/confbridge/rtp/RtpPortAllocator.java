package io.confbridge.rtp;

import java.util.BitSet;

/**
 * Hands out RTP ports from the configured range: each allocation is an even port for RTP with the
 * odd port above it kept for RTCP (RFC 3550 §11: RTP on an even port, RTCP on the next higher
 * one). Bookkeeping only: the caller binds the sockets, and when a bind fails (the port is taken
 * by another process) it releases the port and allocates again.
 *
 * <p>Allocation is round robin through the range, so a port that was just released is reused only
 * after every other free port: stray packets still in flight to a finished call then do not land
 * in a new one. Thread-safe (SIP stack threads allocate, event loops release); each call holds a
 * monitor briefly and costs one {@link BitSet} scan.
 */
public final class RtpPortAllocator {

    private final int firstPort;
    private final int pairs;
    /** Bit i set: pair i (RTP port firstPort + 2i) is allocated. Guarded by this. */
    private final BitSet inUse;
    /** The pair the next search starts from. Guarded by this. */
    private int cursor;
    private int allocated;

    /**
     * @param portMin lowest usable port; rounded up to even
     * @param portMax highest usable port; the last pair must fit, RTCP included
     * @throws IllegalArgumentException when the range is outside 1–65535 or holds no pair
     */
    public RtpPortAllocator(int portMin, int portMax) {
        if (portMin < 1 || portMax > 65535 || portMin > portMax) {
            throw new IllegalArgumentException(
                    "RTP port range must lie within 1-65535 with min <= max, got " + portMin + "-" + portMax);
        }
        this.firstPort = (portMin + 1) & ~1;
        this.pairs = (portMax - firstPort + 1) / 2;
        if (pairs < 1) {
            throw new IllegalArgumentException(
                    "RTP port range " + portMin + "-" + portMax + " holds no even/odd RTP/RTCP port pair");
        }
        this.inUse = new BitSet(pairs);
    }

    /** Returns a free even RTP port (its RTCP port + 1 is reserved with it), or -1 when all are in use. */
    public synchronized int allocate() {
        if (allocated == pairs) {
            return -1;
        }
        int pair = inUse.nextClearBit(cursor);
        if (pair >= pairs) {
            pair = inUse.nextClearBit(0);
        }
        inUse.set(pair);
        allocated++;
        cursor = pair + 1 == pairs ? 0 : pair + 1;
        return firstPort + 2 * pair;
    }

    /**
     * Returns an allocated RTP port (and its RTCP port) to the pool.
     *
     * @throws IllegalArgumentException when the port is not an RTP port of this range
     * @throws IllegalStateException when the port is not allocated (released twice)
     */
    public synchronized void release(int port) {
        int pair = (port - firstPort) / 2;
        if (port < firstPort || (port & 1) != 0 || pair >= pairs) {
            throw new IllegalArgumentException("not an RTP port of " + this + ": " + port);
        }
        if (!inUse.get(pair)) {
            throw new IllegalStateException("RTP port " + port + " is not allocated");
        }
        inUse.clear(pair);
        allocated--;
    }

    /** How many port pairs the range holds. */
    public int capacity() {
        return pairs;
    }

    /** How many port pairs are allocated now. */
    public synchronized int allocatedCount() {
        return allocated;
    }

    @Override
    public String toString() {
        return "RtpPortAllocator[" + firstPort + "-" + (firstPort + 2 * pairs - 1) + "]";
    }
}
