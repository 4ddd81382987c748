package io.confbridge.sip.digest;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The highest nonce count (RFC 7616 §3.4: {@code nc}) accepted so far for each nonce in use, so that a
 * captured request cannot be replayed: the same or a lower count for a nonce is refused.
 *
 * <p>Bounded: at capacity the oldest entry is dropped, and the issue time of every dropped nonce raises
 * a floor below which untracked nonces are refused. A dropped nonce therefore can never come back with
 * its count forgotten; the worst a full tracker does is send a client back for a fresh challenge. Only
 * requests with a correct digest get here, so only account holders can fill it.
 */
final class NonceCounts {

    private static final class Entry {
        final long issuedAtNs;
        long highestNc;

        Entry(long issuedAtNs, long highestNc) {
            this.issuedAtNs = issuedAtNs;
            this.highestNc = highestNc;
        }
    }

    private final int capacity;
    private final long lifetimeNs;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    private boolean hasFloor;
    private long floorNs;

    NonceCounts(int capacity, long lifetimeNs) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity);
        }
        this.capacity = capacity;
        this.lifetimeNs = lifetimeNs;
    }

    /**
     * Accepts {@code nc} for {@code nonce} if it is higher than any count seen with that nonce, and
     * remembers it.
     *
     * @return false for a replay (or a nonce whose history was dropped)
     */
    synchronized boolean advance(String nonce, long issuedAtNs, long nc, long nowNs) {
        Entry entry = entries.get(nonce);
        if (entry != null) {
            if (nc <= entry.highestNc) {
                return false;
            }
            entry.highestNc = nc;
            return true;
        }
        if (hasFloor && issuedAtNs - floorNs <= 0) {
            return false;
        }
        if (entries.size() >= capacity) {
            dropExpired(nowNs);
        }
        if (entries.size() >= capacity) {
            Iterator<Entry> oldest = entries.values().iterator();
            Entry dropped = oldest.next();
            oldest.remove();
            if (!hasFloor || dropped.issuedAtNs - floorNs > 0) {
                floorNs = dropped.issuedAtNs;
                hasFloor = true;
            }
        }
        entries.put(nonce, new Entry(issuedAtNs, nc));
        return true;
    }

    synchronized int size() {
        return entries.size();
    }

    /** Expired nonces are refused before their counts matter, so forgetting them needs no floor. */
    private void dropExpired(long nowNs) {
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            if (nowNs - it.next().getValue().issuedAtNs > lifetimeNs) {
                it.remove();
            }
        }
    }
}
