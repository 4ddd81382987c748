package io.confbridge.sip;

import java.util.concurrent.TimeUnit;

/**
 * A token bucket: {@code ratePerSecond} tokens a second, at most {@code depth}, full at first. Guarded
 * by its own monitor; the clock is the caller's (nanoseconds, as {@link System#nanoTime}), so tests move
 * time by hand. Shared by SIP's flood limits ({@link RequestAdmission}) and the admin listener's budget
 * of failed authentications.
 */
public final class TokenBucket {
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);

    private final double ratePerNs;
    private final double depth;
    private double tokens;
    private long lastNs = Long.MIN_VALUE;

    public TokenBucket(double ratePerSecond, long depth) {
        this.ratePerNs = ratePerSecond / SECOND_NS;
        this.depth = depth;
        this.tokens = depth;
    }

    /** Takes a token if there is one. */
    public synchronized boolean take(long nowNs) {
        refill(nowNs);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Whether a token is there, without taking it. */
    public synchronized boolean available(long nowNs) {
        refill(nowNs);
        return tokens >= 1;
    }

    /** Whole seconds until a token is there again, at least 1. */
    public synchronized int retryAfterS(long nowNs) {
        refill(nowNs);
        double missing = Math.max(0, 1 - tokens);
        return (int) Math.max(1, Math.ceil(missing / ratePerNs / SECOND_NS));
    }

    private void refill(long nowNs) {
        if (lastNs != Long.MIN_VALUE && nowNs - lastNs > 0) {
            tokens = Math.min(depth, tokens + (nowNs - lastNs) * ratePerNs);
        }
        lastNs = nowNs;
    }
}
