package io.confbridge.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RtpPortAllocatorTest {

    @Test
    void allocatesEvenPortsWithRoomForRtcpUntilExhausted() {
        RtpPortAllocator allocator = new RtpPortAllocator(10001, 10008); // pairs 10002/3, 10004/5, 10006/7
        assertEquals(3, allocator.capacity());
        assertEquals(10002, allocator.allocate());
        assertEquals(10004, allocator.allocate());
        assertEquals(10006, allocator.allocate());
        assertEquals(-1, allocator.allocate());
        assertEquals(3, allocator.allocatedCount());
    }

    @Test
    void reusesReleasedPortOnlyAfterGoingRoundTheRange() {
        RtpPortAllocator allocator = new RtpPortAllocator(20000, 20009); // 5 pairs
        int first = allocator.allocate();
        allocator.release(first);
        int[] next = new int[4];
        for (int i = 0; i < next.length; i++) {
            next[i] = allocator.allocate();
            assertNotEquals(first, next[i]);
        }
        assertEquals(first, allocator.allocate(), "wraps round to the freed port last");
        assertEquals(-1, allocator.allocate());
        allocator.release(next[2]);
        assertEquals(next[2], allocator.allocate(), "the only free port");
    }

    @Test
    void singlePairRangeWorks() {
        RtpPortAllocator allocator = new RtpPortAllocator(30000, 30001);
        assertEquals(30000, allocator.allocate());
        assertEquals(-1, allocator.allocate());
        allocator.release(30000);
        assertEquals(30000, allocator.allocate());
    }

    @Test
    void rejectsRangesWithoutAPair() {
        assertThrows(IllegalArgumentException.class, () -> new RtpPortAllocator(30001, 30002));
        assertThrows(IllegalArgumentException.class, () -> new RtpPortAllocator(40000, 39999));
        assertThrows(IllegalArgumentException.class, () -> new RtpPortAllocator(0, 100));
        assertThrows(IllegalArgumentException.class, () -> new RtpPortAllocator(65000, 65536));
    }

    @Test
    void rejectsReleasingForeignOrFreePorts() {
        RtpPortAllocator allocator = new RtpPortAllocator(10000, 10099);
        int port = allocator.allocate();
        assertThrows(IllegalArgumentException.class, () -> allocator.release(port + 1));
        assertThrows(IllegalArgumentException.class, () -> allocator.release(9998));
        assertThrows(IllegalArgumentException.class, () -> allocator.release(10100));
        assertThrows(IllegalStateException.class, () -> allocator.release(port + 2));
        allocator.release(port);
        assertThrows(IllegalStateException.class, () -> allocator.release(port));
        assertEquals(0, allocator.allocatedCount());
    }

    @Test
    void concurrentAllocationsNeverHandOutAPortTwice() throws Exception {
        RtpPortAllocator allocator = new RtpPortAllocator(40000, 40999); // 500 pairs
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Set<Integer> held = ConcurrentHashMap.newKeySet();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    int allocations = 0;
                    Set<Integer> mine = new HashSet<>();
                    for (int i = 0; i < 2000; i++) {
                        if (mine.size() < 100) {
                            int port = allocator.allocate();
                            assertTrue(port >= 40000 && (port & 1) == 0, "port " + port);
                            assertTrue(held.add(port), "handed out twice: " + port);
                            mine.add(port);
                            allocations++;
                        } else {
                            for (int port : mine) {
                                held.remove(port);
                                allocator.release(port);
                            }
                            mine.clear();
                        }
                    }
                    for (int port : mine) {
                        held.remove(port);
                        allocator.release(port);
                    }
                    return allocations;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get();
            }
            assertTrue(total > 0);
            assertEquals(0, allocator.allocatedCount());
        } finally {
            pool.shutdownNow();
        }
    }
}
