package io.confbridge.server.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A stream like the bridge's hold music but without the bridge: a timer thread in the test's JVM sends a
 * datagram on loopback every {@value #PERIOD_MS} ms and a reader thread notes when they arrive late. Its
 * gaps are the times the machine kept a timer-driven sender and a blocking reader from running (garbage
 * collection, cores held by other processes): music late through such a stall is the machine's doing;
 * music late while the canary kept time is the bridge's. Fuzz tests subtract the first from a gap.
 */
public final class StallCanary implements AutoCloseable {
    private static final long PERIOD_MS = 2;
    private static final long LATE_NS = TimeUnit.MILLISECONDS.toNanos(8);

    private final DatagramSocket receiver;
    private final DatagramSocket sender;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stall-canary-timer");
        t.setDaemon(true);
        return t;
    });
    private final Thread reader;
    private final List<long[]> stalls = new ArrayList<>();
    private volatile boolean closed;

    private StallCanary() {
        try {
            receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            receiver.setSoTimeout(200);
            sender = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("binding the stall canary", e);
        }
        InetSocketAddress to = (InetSocketAddress) receiver.getLocalSocketAddress();
        byte[] tick = new byte[8];
        timer.scheduleAtFixedRate(() -> {
            try {
                sender.send(new DatagramPacket(tick, tick.length, to));
            } catch (IOException e) {
                // Closing.
            }
        }, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        reader = new Thread(this::read, "stall-canary-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static StallCanary start() {
        return new StallCanary();
    }

    private void read() {
        byte[] buffer = new byte[8];
        long lastNs = System.nanoTime();
        while (!closed) {
            try {
                receiver.receive(new DatagramPacket(buffer, buffer.length));
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return;
            }
            long now = System.nanoTime();
            if (now - lastNs > LATE_NS) {
                synchronized (stalls) {
                    stalls.add(new long[] {lastNs, now});
                }
            }
            lastNs = now;
        }
    }

    /** How much of {@code [fromNs, toNs]} the canary's stream stood still, as far as it saw. */
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
        closed = true;
        timer.shutdownNow();
        sender.close();
        receiver.close();
    }
}
