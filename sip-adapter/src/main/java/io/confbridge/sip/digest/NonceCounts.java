package io.confbridge.sip.digest;

/**
 * The highest nonce count (RFC 7616 §3.4: {@code nc}) accepted so far for each nonce in use, so that a
 * captured request cannot be replayed: the same or a lower count for a nonce is refused.
 *
 * <p>Bounded by a {@link NonceLedger}: a nonce whose count was dropped to make room is refused, so it can
 * never come back with its count forgotten. Only requests with a correct digest get here, so only account
 * holders can fill it.
 */
final class NonceCounts {

    private final NonceLedger ledger;

    NonceCounts(int capacity, long lifetimeNs) {
        this.ledger = new NonceLedger(capacity, lifetimeNs);
    }

    /**
     * Accepts {@code nc} for {@code nonce} if it is higher than any count seen with that nonce, and
     * remembers it.
     *
     * @return false for a replay (or a nonce whose history was dropped)
     */
    synchronized boolean advance(String nonce, long issuedAtNs, long nc, long nowNs) {
        NonceLedger.Entry entry = ledger.find(nonce);
        if (entry != null) {
            if (nc <= entry.value) {
                return false;
            }
            entry.value = nc;
            return true;
        }
        if (ledger.forgotten(issuedAtNs)) {
            return false;
        }
        ledger.add(nonce, issuedAtNs, nc, nowNs);
        return true;
    }

    synchronized int size() {
        return ledger.size();
    }
}
