package io.confbridge.media;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The 20 ms clock on a real event loop. */
class MediaClockTest {
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = group.next();
    private final MediaClock clock = new MediaClock(loop);

    @AfterEach
    void stop() {
        loop.execute(clock::stop);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheClockNorTheOthers() {
        AtomicInteger failingMixerTicks = new AtomicInteger();
        AtomicInteger failingSenderTicks = new AtomicInteger();
        AtomicInteger senderTicks = new AtomicInteger();
        loop.execute(() -> {
            clock.addMixer(now -> {
                failingMixerTicks.incrementAndGet();
                throw new IllegalStateException("broken mixer");
            });
            clock.addSender(now -> {
                failingSenderTicks.incrementAndGet();
                throw new IllegalStateException("broken sender");
            });
            clock.addSender(now -> senderTicks.incrementAndGet());
        });
        clock.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> senderTicks.get() >= 5);
        assertTrue(failingMixerTicks.get() >= 5, "the failing mixer is still ticked: " + failingMixerTicks);
        assertTrue(failingSenderTicks.get() >= 5, "the failing sender is still ticked: " + failingSenderTicks);
    }

    @Test
    void aRemovedListenerIsNoLongerTicked() {
        AtomicInteger removedTicks = new AtomicInteger();
        AtomicInteger keptTicks = new AtomicInteger();
        MediaClock.Listener removed = now -> removedTicks.incrementAndGet();
        loop.execute(() -> {
            clock.addSender(removed);
            clock.addSender(now -> keptTicks.incrementAndGet());
        });
        clock.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> removedTicks.get() >= 2);
        // Ticks of each listener when the removal ran (kept ticks + 1, so 0 means not yet).
        AtomicIntegerArray atRemoval = new AtomicIntegerArray(2);
        loop.execute(() -> {
            clock.removeSender(removed);
            atRemoval.set(0, removedTicks.get());
            atRemoval.set(1, keptTicks.get() + 1);
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> atRemoval.get(1) > 0 && keptTicks.get() >= atRemoval.get(1) + 3);
        assertEquals(atRemoval.get(0), removedTicks.get(), "no tick after removal");
    }
}
