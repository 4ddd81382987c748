package io.confbridge.media;

import io.confbridge.metrics.BridgeMetrics;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The 20 ms media clock of one media event loop. Every tick it first runs the mixers of the meetings
 * owned by this loop, then the senders of the calls owned by it, so a mix computed on this loop goes
 * out in the same tick.
 *
 * <p>Membership is copy-on-write: a tick iterates a plain array with no allocation and no lock, and
 * a listener may unregister itself while the tick runs (the change takes effect at the next tick).
 * All methods must be called on the clock's own loop.
 */
public final class MediaClock {
    private static final Logger log = LoggerFactory.getLogger(MediaClock.class);
    /** The G.711 packet time: one frame of 160 samples at 8 kHz. */
    public static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(20);

    /** Something that does its share of media work once per tick. */
    public interface Listener {
        void tick(long nowNs);
    }

    private final EventLoop loop;
    private Listener[] mixers = new Listener[0];
    private Listener[] senders = new Listener[0];
    private ScheduledFuture<?> ticking;
    private final BridgeMetrics metrics;
    /** When the next tick is due ({@code System.nanoTime()} scale): lateness is measured against it. */
    private long nextDueNs;

    MediaClock(EventLoop loop) {
        this(loop, BridgeMetrics.disabled());
    }

    MediaClock(EventLoop loop, BridgeMetrics metrics) {
        this.loop = loop;
        this.metrics = metrics;
    }

    public EventLoop loop() {
        return loop;
    }

    void start() {
        nextDueNs = System.nanoTime() + TICK_NS;
        ticking = loop.scheduleAtFixedRate(this::tick, TICK_NS, TICK_NS, TimeUnit.NANOSECONDS);
    }

    void stop() {
        if (ticking != null) {
            ticking.cancel(false);
        }
    }

    public void addMixer(Listener mixer) {
        assert loop.inEventLoop();
        mixers = append(mixers, mixer);
    }

    public void removeMixer(Listener mixer) {
        assert loop.inEventLoop();
        mixers = remove(mixers, mixer);
    }

    public void addSender(Listener sender) {
        assert loop.inEventLoop();
        senders = append(senders, sender);
    }

    public void removeSender(Listener sender) {
        assert loop.inEventLoop();
        senders = remove(senders, sender);
    }

    private void tick() {
        long nowNs = System.nanoTime();
        // At a fixed rate, ticks that ran late are caught up back to back: each is measured against its due time.
        metrics.tickLate(nowNs - nextDueNs);
        nextDueNs += TICK_NS;
        Listener[] m = mixers;
        for (int i = 0; i < m.length; i++) {
            tickOne(m[i], nowNs);
        }
        Listener[] s = senders;
        for (int i = 0; i < s.length; i++) {
            tickOne(s[i], nowNs);
        }
    }

    /** One listener's failure must not stop the clock (a periodic task that throws is cancelled). */
    private static void tickOne(Listener listener, long nowNs) {
        try {
            listener.tick(nowNs);
        } catch (RuntimeException e) {
            log.error("media tick failed for {}", listener, e);
        }
    }

    private static Listener[] append(Listener[] array, Listener l) {
        Listener[] next = Arrays.copyOf(array, array.length + 1);
        next[array.length] = l;
        return next;
    }

    private static Listener[] remove(Listener[] array, Listener l) {
        for (int i = 0; i < array.length; i++) {
            if (array[i] == l) {
                Listener[] next = new Listener[array.length - 1];
                System.arraycopy(array, 0, next, 0, i);
                System.arraycopy(array, i + 1, next, i, array.length - i - 1);
                return next;
            }
        }
        return array;
    }
}
