package io.confbridge.pin;

import io.confbridge.auth.DigestGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@link PinLockout}'s digest limits for the SIP adapter: checks from memory on the SIP thread, counts on
 * {@code workers} (the database is never touched on a SIP thread).
 */
public final class DigestLockout implements DigestGuard {
    private static final Logger log = LoggerFactory.getLogger(DigestLockout.class);

    private final PinLockout lockout;
    private final Executor workers;

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
        try {
            workers.execute(() -> {
                try {
                    lockout.recordDigestFailure(username, sourceAddress, refused, nowMs);
                } catch (RuntimeException e) {
                    log.error("could not count a failed SIP digest response of '{}' from {}", PinLockout.shown(username),
                            sourceAddress, e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.error("could not count a failed SIP digest response of '{}' from {}: the worker pool is full",
                    PinLockout.shown(username), sourceAddress);
        }
    }

    @Override
    public String toString() {
        return "DigestLockout[" + lockout + "]";
    }
}
