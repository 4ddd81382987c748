package io.confbridge.media;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import io.confbridge.metrics.BridgeMetrics;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The media threads: a fixed set of Netty event loops (native epoll where present), each with its own
 * {@link MediaClock}. A call's RTP channel, its timers and its state all live on one loop; a meeting's
 * mixer lives on one loop too. Loops are handed out round robin.
 */
public final class MediaEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaEngine.class);

    private final MultiThreadIoEventLoopGroup group;
    private final MediaClock[] clocks;
    private final Class<? extends DatagramChannel> channelClass;
    private final AtomicInteger next = new AtomicInteger();

    public MediaEngine(int threads) {
        this(threads, BridgeMetrics.disabled());
    }

    /** @param metrics where each clock records how late its ticks ran */
    public MediaEngine(int threads, BridgeMetrics metrics) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        channelClass = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
        // Media threads outrank everything else in the process: a 20 ms clock that waits behind SIP
        // parsing or a database call is heard as jitter. (Linux honours Java priorities only with
        // -XX:ThreadPriorityPolicy=1 and the right to raise priority; elsewhere this is a no-op.)
        group = new MultiThreadIoEventLoopGroup(threads,
                new DefaultThreadFactory("media", true, Thread.MAX_PRIORITY), io);
        clocks = new MediaClock[threads];
        Iterator<?> loops = group.iterator();
        for (int i = 0; i < threads; i++) {
            clocks[i] = new MediaClock((EventLoop) loops.next(), metrics);
            clocks[i].start();
        }
        log.info("media engine: {} thread(s), {} transport", threads, epoll ? "native epoll" : "NIO");
    }

    /** The next media loop's clock, round robin: where a new call or meeting will live. */
    public MediaClock nextClock() {
        return clocks[Math.floorMod(next.getAndIncrement(), clocks.length)];
    }

    /**
     * Starts binding a UDP channel on the given loop and returns at once; the future fails when the
     * port is taken. The channel comes with an empty pipeline: the caller adds its handler once the
     * bind succeeded, so that a handler that is not {@code @Sharable} can go on to another port.
     */
    /**
     * Binds a UDP socket on {@code loop}. With {@code twinnable} (RTP ports) on Linux epoll the socket
     * allows {@code SO_REUSEPORT}, so that the RTP session can add a connected twin on the same port
     * (see {@code ConnectedRtpSocket}). A port held by another process without that option still
     * refuses the bind; one held by a process that also sets it is caught by the RTCP port next to it,
     * which is bound without it.
     */
    ChannelFuture bindUdp(EventLoop loop, InetAddress address, int port, boolean twinnable) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(channelClass)
                .option(ChannelOption.SO_RCVBUF, 256 * 1024)
                .option(ChannelOption.SO_SNDBUF, 256 * 1024)
                .handler(NoHandlerYet.INSTANCE);
        if (twinnable && channelClass == EpollDatagramChannel.class) {
            b.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        return b.bind(new InetSocketAddress(address, port));
    }

    public int threads() {
        return clocks.length;
    }

    /** Bootstrap insists on a handler; this one removes itself and leaves the pipeline empty. */
    @ChannelHandler.Sharable
    private static final class NoHandlerYet extends ChannelInitializer<Channel> {
        static final NoHandlerYet INSTANCE = new NoHandlerYet();

        @Override
        protected void initChannel(Channel ch) {
        }
    }

    @Override
    public void close() {
        CountDownLatch stopped = new CountDownLatch(clocks.length);
        for (MediaClock clock : clocks) {
            clock.loop().execute(() -> {
                clock.stop();
                stopped.countDown();
            });
        }
        try {
            stopped.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
