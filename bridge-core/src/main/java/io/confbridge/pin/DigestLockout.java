package io.confbridge.pin;

import io.confbridge.auth.DigestGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link PinLockout}'s digest limits for the SIP adapter: checks from memory on the SIP thread, counts on
 * {@code workers} (the database is never touched on a SIP thread). At most {@link #MAX_PENDING} counts wait
 * for a worker: a flood of wrong responses must neither grow a queue without bound nor starve PIN checks,
 * so past it failures are dropped, counted, and reported at most once a minute.
 */
public final class DigestLockout implements DigestGuard {
    private static final Logger log = LoggerFactory.getLogger(DigestLockout.class);

    /** Counts handed to the workers and not yet done, at most. */
    static final int MAX_PENDING = 256;
    private static final long REPORT_INTERVAL_MS = 60_000;

    private final PinLockout lockout;
    private final Executor workers;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong lastReportMs = new AtomicLong(-REPORT_INTERVAL_MS);

    public DigestLockout(PinLockout lockout, Executor workers) {
        this.lockout = lockout;
        this.workers = workers;
    }

    @Override
    public boolean refuses(String username, String sourceAddress) {
        return lockout.digestRefused(username, sourceAddress, lockout.nowMs());
    }

    @Override
    public void failed(String username, String sourceAddress, boolean refused) {
        long nowMs = lockout.nowMs();
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            drop(nowMs, "too many waiting");
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    lockout.recordDigestFailure(username, sourceAddress, refused, nowMs);
                } catch (RuntimeException e) {
                    log.error("could not count a failed SIP digest response of '{}' from {}", PinLockout.shown(username),
                            sourceAddress, e);
                } finally {
                    pending.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            pending.decrementAndGet();
            drop(nowMs, "the worker pool refused it");
        }
    }

    /** Failed responses not counted because the workers were busy, since start. */
    public long dropped() {
        return dropped.get();
    }

    private void drop(long nowMs, String why) {
        long total = dropped.incrementAndGet();
        long last = lastReportMs.get();
        if (nowMs - last >= REPORT_INTERVAL_MS && lastReportMs.compareAndSet(last, nowMs)) {
            log.error("failed SIP digest responses not counted ({}): {} since start; the PIN workers are overloaded",
                    why, total);
        }
    }

    @Override
    public String toString() {
        return "DigestLockout[" + lockout + "]";
    }
}
