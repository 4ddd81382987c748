package io.confbridge.media;

import io.confbridge.rtp.RtpPortAllocator;
import io.confbridge.support.DescriptorLimit;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Port pairs bound on a real media loop, with other sockets of this machine holding ports of the range. */
class PortPairBinderTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Below Linux's ephemeral range (32768–60999), where no other socket takes ports at random. */
    private static final int AREA_START = 12000;
    private static final int AREA_END = 20000;

    private static MediaEngine engine;
    private final List<DatagramSocket> held = new ArrayList<>();
    private final List<PortPairBinder.PortPair> bound = new ArrayList<>();

    @BeforeAll
    static void startEngine() {
        engine = new MediaEngine(1);
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    @AfterEach
    void releaseAll() {
        held.forEach(DatagramSocket::close);
        for (PortPairBinder.PortPair pair : bound) {
            pair.rtp().close().syncUninterruptibly();
            pair.rtcp().close().syncUninterruptibly();
        }
    }

    @Test
    void aPairWhoseRtpPortIsTakenIsSkipped() throws Exception {
        int first = freeRange(3);
        RtpPortAllocator ports = new RtpPortAllocator(first, first + 5);
        hold(first);

        PortPairBinder.PortPair pair = bind(new PortPairBinder(engine, ports, LOOPBACK));

        assertEquals(first + 2, pair.rtpPort());
        assertEquals(first + 2, localPort(pair.rtp()));
        assertEquals(first + 3, localPort(pair.rtcp()));
        assertEquals(1, ports.allocatedCount(), "the skipped pair went back to the range");
    }

    @Test
    void aPairWhoseRtcpPortIsTakenIsSkippedAndItsRtpPortFreed() throws Exception {
        int first = freeRange(2);
        RtpPortAllocator ports = new RtpPortAllocator(first, first + 3);
        hold(first + 1);

        PortPairBinder.PortPair pair = bind(new PortPairBinder(engine, ports, LOOPBACK));

        assertEquals(first + 2, pair.rtpPort());
        // The RTP port of the skipped pair was closed again: anyone may bind it now.
        hold(first);
    }

    @Test
    void theHandlersGoOnTheChannelsThatWereBound() throws Exception {
        int first = freeRange(2);
        hold(first);
        ChannelHandler rtp = new ChannelInboundHandlerAdapter();
        ChannelHandler rtcp = new ChannelInboundHandlerAdapter();

        PortPairBinder.PortPair pair = bind(new PortPairBinder(engine, new RtpPortAllocator(first, first + 3), LOOPBACK),
                rtp, rtcp);

        assertSame(rtp, pair.rtp().pipeline().first());
        assertSame(rtcp, pair.rtcp().pipeline().first());
    }

    @Test
    void failsWhenEveryPairOfTheRangeIsTaken() throws Exception {
        int first = freeRange(2);
        RtpPortAllocator ports = new RtpPortAllocator(first, first + 3);
        hold(first);
        hold(first + 3);

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> new PortPairBinder(engine, ports, LOOPBACK).bind(engine.nextClock().loop(),
                        new ChannelInboundHandlerAdapter(), new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS));

        assertInstanceOf(PortPairBinder.NoFreePortException.class, failed.getCause());
        assertEquals(0, ports.allocatedCount(), "nothing stays allocated");
    }

    @Test
    void failsWhenEveryPairIsInUseByCalls() throws Exception {
        int first = freeRange(1);
        RtpPortAllocator ports = new RtpPortAllocator(first, first + 1);
        PortPairBinder binder = new PortPairBinder(engine, ports, LOOPBACK);
        bind(binder);

        CompletableFuture<PortPairBinder.PortPair> second = binder.bind(engine.nextClock().loop(),
                new ChannelInboundHandlerAdapter(), new ChannelInboundHandlerAdapter());

        ExecutionException failed = assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
        assertInstanceOf(PortPairBinder.NoFreePortException.class, failed.getCause());
        assertEquals(1, ports.allocatedCount());
    }

    /**
     * Out of file descriptors, every pair would fail alike: the call fails at once, saying why, and not
     * as "every pair taken". This JVM's own limit is lowered to the descriptors it holds, then restored;
     * bridge-core's tests run one at a time in one JVM.
     */
    @Test
    void failsAtOnceSayingSoWhenTheProcessHasNoDescriptorLeft() throws Exception {
        int first = freeRange(4);
        RtpPortAllocator ports = new RtpPortAllocator(first, first + 7);
        PortPairBinder binder = new PortPairBinder(engine, ports, LOOPBACK);
        // Once through with room, so that no class is loaded from a jar not yet open while there is none.
        PortPairBinder.PortPair warm = bind(binder);
        warm.rtp().close().syncUninterruptibly();
        warm.rtcp().close().syncUninterruptibly();
        binder.release(warm.rtpPort());
        bound.clear();
        new PortPairBinder.NoFreePortException("warm-up").getMessage();

        try (DescriptorLimit limit = DescriptorLimit.prepare()) {
            ExecutionException failed;
            limit.exhaust();
            try {
                failed = assertThrows(ExecutionException.class, () -> binder.bind(engine.nextClock().loop(),
                        new ChannelInboundHandlerAdapter(), new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS));
            } finally {
                limit.restore();
            }
            assertInstanceOf(PortPairBinder.NoFreePortException.class, failed.getCause());
            assertTrue(failed.getCause().getMessage().startsWith("out of file descriptors ("),
                    failed.getCause().getMessage());
            assertTrue(failed.getCause().getMessage().contains("Too many open files"), "the system's own words");
        }
        assertEquals(0, ports.allocatedCount(), "nothing stays allocated");
        bind(binder); // and with descriptors again, a pair is bound
    }

    private PortPairBinder.PortPair bind(PortPairBinder binder) throws Exception {
        return bind(binder, new ChannelInboundHandlerAdapter(), new ChannelInboundHandlerAdapter());
    }

    private PortPairBinder.PortPair bind(PortPairBinder binder, ChannelHandler rtp, ChannelHandler rtcp)
            throws Exception {
        PortPairBinder.PortPair pair = binder.bind(engine.nextClock().loop(), rtp, rtcp).get(10, TimeUnit.SECONDS);
        bound.add(pair);
        assertTrue(pair.rtp().isActive() && pair.rtcp().isActive());
        return pair;
    }

    private void hold(int port) throws IOException {
        held.add(new DatagramSocket(new InetSocketAddress(LOOPBACK, port)));
    }

    private static int localPort(io.netty.channel.Channel channel) {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The first (even) port of {@code pairs} consecutive pairs that are all free now. */
    private static int freeRange(int pairs) {
        for (int start = AREA_START + 2 * (int) (ProcessHandle.current().pid() % 1000); start + 2 * pairs < AREA_END;
             start += 2 * pairs) {
            if (allFree(start, start + 2 * pairs)) {
                return start;
            }
        }
        throw new IllegalStateException("no " + pairs + " free UDP port pairs in " + AREA_START + "-" + AREA_END);
    }

    private static boolean allFree(int from, int toExclusive) {
        List<DatagramSocket> probe = new ArrayList<>();
        try {
            for (int port = from; port < toExclusive; port++) {
                probe.add(new DatagramSocket(new InetSocketAddress(LOOPBACK, port)));
            }
            return true;
        } catch (IOException taken) {
            return false;
        } finally {
            probe.forEach(DatagramSocket::close);
        }
    }
}
