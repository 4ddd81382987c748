package io.confbridge.sip.stream;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One warning about refused connections at most every ten seconds, so that a peer cannot flood the log;
 * the ones in between are counted and named in the next. Shared by SIP's stream listeners and the admin
 * listener (its connections, and the sources it refuses after failed authentications).
 */
public final class RefusalWarnings {
    private static final long INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

    private final AtomicLong lastWarningNs = new AtomicLong(System.nanoTime() - INTERVAL_NS);
    private final AtomicLong unreported = new AtomicLong();
    /** What is refused, plural: named in the suffix. */
    private final String refused;

    /** Refused connections. */
    public RefusalWarnings() {
        this("other connection(s)");
    }

    /** @param refused what is refused, in the plural, as the suffix names it ("other connection(s)") */
    public RefusalWarnings(String refused) {
        this.refused = refused;
    }

    /**
     * Whether this refusal is to be logged now: then the suffix naming those counted since the last
     * warning ({@code ""} if none), else null (it is counted).
     */
    public String due() {
        long now = System.nanoTime();
        long last = lastWarningNs.get();
        if (now - last >= INTERVAL_NS && lastWarningNs.compareAndSet(last, now)) {
            long others = unreported.getAndSet(0);
            return others == 0 ? "" : " (and " + others + " " + refused + " since the last such warning)";
        }
        unreported.incrementAndGet();
        return null;
    }
}
