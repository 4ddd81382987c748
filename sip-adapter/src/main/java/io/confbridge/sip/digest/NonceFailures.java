package io.confbridge.sip.digest;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed responses per nonce: a nonce accepts at most {@link #MAX_FAILURES} wrong responses, then it is
 * spent and the client must fetch a fresh challenge, a round trip per three guesses.
 *
 * <p>Bounded like {@link NonceCounts}: at capacity the oldest entry is dropped and its issue time raises a
 * floor below which untracked nonces count as spent, so dropping a nonce never gives it fresh tries.
 */
final class NonceFailures {

    /** Wrong responses a nonce accepts. */
    static final int MAX_FAILURES = 3;

    private static final class Entry {
        final long issuedAtNs;
        int failures;

        Entry(long issuedAtNs) {
            this.issuedAtNs = issuedAtNs;
        }
    }

    private final int capacity;
    private final long lifetimeNs;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    private boolean hasFloor;
    private long floorNs;

    NonceFailures(int capacity, long lifetimeNs) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity);
        }
        this.capacity = capacity;
        this.lifetimeNs = lifetimeNs;
    }

    /** Whether the nonce has had its {@link #MAX_FAILURES} wrong responses (or its history was dropped). */
    synchronized boolean spent(String nonce, long issuedAtNs) {
        Entry entry = entries.get(nonce);
        if (entry != null) {
            return entry.failures >= MAX_FAILURES;
        }
        return hasFloor && issuedAtNs - floorNs <= 0;
    }

    /** Counts a wrong response with the nonce. */
    synchronized void failed(String nonce, long issuedAtNs, long nowNs) {
        Entry entry = entries.get(nonce);
        if (entry == null) {
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
            entry = new Entry(issuedAtNs);
            entries.put(nonce, entry);
        }
        entry.failures++;
    }

    synchronized int size() {
        return entries.size();
    }

    /** Expired nonces are refused before their failures matter, so forgetting them needs no floor. */
    private void dropExpired(long nowNs) {
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
            if (nowNs - it.next().getValue().issuedAtNs > lifetimeNs) {
                it.remove();
            }
        }
    }
}
