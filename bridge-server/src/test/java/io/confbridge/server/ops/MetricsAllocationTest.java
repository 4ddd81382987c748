package io.confbridge.server.ops;

import io.confbridge.metrics.BridgeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics' calls on the media path allocate nothing (issue 10 §4): the tick-lateness histogram, the
 * stage gauges and a scrape-time RTP sum, measured with the JVM's per-thread allocation counter against
 * the real Prometheus registry.
 */
class MetricsAllocationTest {
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 200_000;

    @Test
    void tickLatenessAndStageChangesAllocateNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        BridgeMetrics metrics = new BridgeMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        run(metrics, WARM_UP);
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        long startNs = System.nanoTime();
        run(metrics, MEASURED);
        long tookNs = System.nanoTime() - startNs;
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        System.out.println("metrics cost per 20 ms tick: " + tookNs / MEASURED + " ns (one lateness record, two stage"
                + " moves), " + allocated + " bytes allocated in " + MEASURED);
        // About a kilobyte of slack for the measurement itself; one allocation per call would be megabytes.
        assertTrue(allocated < 16_384, MEASURED + " records allocated " + allocated + " bytes");
        assertEquals(0, metrics.callsActive(BridgeMetrics.Stage.LOBBY));
    }

    private static void run(BridgeMetrics metrics, int n) {
        for (int i = 0; i < n; i++) {
            metrics.tickLate(i % 3_000_000);
            metrics.stageChanged(BridgeMetrics.Stage.IVR, BridgeMetrics.Stage.LOBBY);
            metrics.stageChanged(BridgeMetrics.Stage.LOBBY, BridgeMetrics.Stage.IVR);
        }
    }
}
