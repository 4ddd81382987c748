package io.confbridge.server.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A timer in the test's JVM that should fire every {@value #PERIOD_MS} ms and notes when it fired late:
 * the times when nothing in this JVM ran at all (a garbage collection pause, or the machine's cores busy
 * with other processes). Music arriving late through such a stall is the machine's doing; music late
 * while the canary kept time is the bridge's. Fuzz tests subtract the first from a gap to find the second.
 */
public final class StallCanary implements AutoCloseable {
    private static final long PERIOD_MS = 2;
    private static final long LATE_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stall-canary");
        t.setDaemon(true);
        t.setPriority(Thread.MAX_PRIORITY);
        return t;
    });
    private final List<long[]> stalls = new ArrayList<>();
    private long lastNs = System.nanoTime();

    private StallCanary() {
        timer.scheduleAtFixedRate(this::tick, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    public static StallCanary start() {
        return new StallCanary();
    }

    private void tick() {
        long now = System.nanoTime();
        if (now - lastNs > LATE_NS) {
            synchronized (stalls) {
                stalls.add(new long[] {lastNs, now});
            }
        }
        lastNs = now;
    }

    /** How much of {@code [fromNs, toNs]} this JVM spent stalled, as far as the canary saw. */
    public long stalledNsWithin(long fromNs, long toNs) {
        long total = 0;
        synchronized (stalls) {
            for (long[] s : stalls) {
                total += Math.max(0, Math.min(toNs, s[1]) - Math.max(fromNs, s[0]));
            }
        }
        return total;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
