package io.confbridge.call;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * {@code rtp.inactivityTimeoutMs}: ends a call whose caller sent no RTP or RTCP for that long (as
 * Asterisk's {@code rtptimeout} and FreeSWITCH's {@code media_timeout} do), for callers that vanished
 * without a BYE on a network where the keepalive cannot tell.
 *
 * <p>Nothing happens per packet: a timer on the call's loop looks at the session's count of packets
 * heard every quarter of the timeout, and the call is silent since the last check at which the count
 * last moved. So a silent caller is ended between the timeout and a quarter of it later. On the call's
 * loop only.
 */
final class MediaWatchdog {

    /** Checks per timeout: the precision of the end, against the cost of the timer. */
    static final int CHECKS_PER_TIMEOUT = 4;

    private final long timeoutNs;
    private final LongSupplier packetsHeard;
    private final LongConsumer onSilent;
    private long lastCount;
    private long lastChangeNs;
    private boolean fired;
    private ScheduledFuture<?> timer;

    /**
     * @param timeoutMs    above 0
     * @param packetsHeard RTP and RTCP packets accepted from the caller so far
     * @param onSilent     told once, with how long the caller has been silent in milliseconds
     */
    MediaWatchdog(long timeoutMs, LongSupplier packetsHeard, LongConsumer onSilent) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("inactivity timeout " + timeoutMs);
        }
        this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.packetsHeard = packetsHeard;
        this.onSilent = onSilent;
    }

    /** The call was answered: silence counts from now. */
    void start(EventLoop loop, long nowNs) {
        arm(nowNs);
        long periodNs = Math.max(timeoutNs / CHECKS_PER_TIMEOUT, TimeUnit.MILLISECONDS.toNanos(10));
        timer = loop.scheduleAtFixedRate(() -> check(System.nanoTime()), periodNs, periodNs, TimeUnit.NANOSECONDS);
    }

    /** Silence counts from {@code nowNs}; {@link #start} does this before its timer runs. */
    void arm(long nowNs) {
        lastCount = packetsHeard.getAsLong();
        lastChangeNs = nowNs;
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** One look at the count; true when it ended the call. */
    boolean check(long nowNs) {
        if (fired) {
            return false;
        }
        long count = packetsHeard.getAsLong();
        if (count != lastCount) {
            lastCount = count;
            lastChangeNs = nowNs;
            return false;
        }
        long silentNs = nowNs - lastChangeNs;
        if (silentNs < timeoutNs) {
            return false;
        }
        fired = true;
        stop();
        onSilent.accept(TimeUnit.NANOSECONDS.toMillis(silentNs));
        return true;
    }
}
