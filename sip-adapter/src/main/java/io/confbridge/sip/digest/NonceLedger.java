package io.confbridge.sip.digest;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One number remembered per nonce in use (its highest nonce count, or its wrong responses), bounded.
 *
 * <p>At capacity the expired entries go first, then the oldest one, and the issue time of every entry
 * dropped before it expired raises a floor: a nonce issued at or before the floor that is not tracked
 * is {@link #forgotten}, and its owner treats it as used up. So dropping an entry can never hand a nonce
 * its history back clean; the worst a full ledger does is send a client back for a fresh challenge.
 *
 * <p>Not thread-safe: its owner synchronizes.
 */
final class NonceLedger {

    static final class Entry {
        final long issuedAtNs;
        long value;

        private Entry(long issuedAtNs, long value) {
            this.issuedAtNs = issuedAtNs;
            this.value = value;
        }
    }

    private final int capacity;
    private final long lifetimeNs;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    private boolean hasFloor;
    private long floorNs;

    NonceLedger(int capacity, long lifetimeNs) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity);
        }
        this.capacity = capacity;
        this.lifetimeNs = lifetimeNs;
    }

    /** The nonce's entry, or null when it is not tracked. */
    Entry find(String nonce) {
        return entries.get(nonce);
    }

    /** Whether an untracked nonce issued then may have had an entry that was dropped. */
    boolean forgotten(long issuedAtNs) {
        return hasFloor && issuedAtNs - floorNs <= 0;
    }

    /** Tracks a nonce that has no entry, making room first. */
    Entry add(String nonce, long issuedAtNs, long value, long nowNs) {
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
        Entry entry = new Entry(issuedAtNs, value);
        entries.put(nonce, entry);
        return entry;
    }

    int size() {
        return entries.size();
    }

    /** Expired nonces are refused before their entries matter, so forgetting them needs no floor. */
    private void dropExpired(long nowNs) {
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            if (nowNs - it.next().getValue().issuedAtNs > lifetimeNs) {
                it.remove();
            }
        }
    }
}
