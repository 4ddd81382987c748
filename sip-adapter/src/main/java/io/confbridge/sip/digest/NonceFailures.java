package io.confbridge.sip.digest;

/**
 * Failed responses per nonce: a nonce accepts at most {@link #MAX_FAILURES} wrong responses, then it is
 * spent and the client must fetch a fresh challenge, a round trip per three guesses.
 *
 * <p>Bounded by a {@link NonceLedger}: a nonce whose failures were dropped to make room counts as spent,
 * so dropping it never gives it fresh tries.
 */
final class NonceFailures {

    /** Wrong responses a nonce accepts. */
    static final int MAX_FAILURES = 3;

    private final NonceLedger ledger;

    NonceFailures(int capacity, long lifetimeNs) {
        this.ledger = new NonceLedger(capacity, lifetimeNs);
    }

    /** Whether the nonce has had its {@link #MAX_FAILURES} wrong responses (or its history was dropped). */
    synchronized boolean spent(String nonce, long issuedAtNs) {
        NonceLedger.Entry entry = ledger.find(nonce);
        if (entry != null) {
            return entry.value >= MAX_FAILURES;
        }
        return ledger.forgotten(issuedAtNs);
    }

    /** Counts a wrong response with the nonce. */
    synchronized void failed(String nonce, long issuedAtNs, long nowNs) {
        NonceLedger.Entry entry = ledger.find(nonce);
        if (entry == null) {
            entry = ledger.add(nonce, issuedAtNs, 0, nowNs);
        }
        entry.value++;
    }

    synchronized int size() {
        return ledger.size();
    }
}
