package io.confbridge.rtp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A second UDP socket on a latching session's RTP port, connected to where the session sends (the
 * latched source, or the SDP address while learning).
 *
 * <p>Why: with {@code rtp.latching=auto} the session's own socket must stay unconnected, to see and
 * count packets from other sources and to learn a new one. But an unconnected socket costs on every
 * packet: a route lookup in the kernel for each {@code sendto}, and a fresh sender address object for
 * each received datagram. Measured on the lobby benchmark that was about a third more CPU than a
 * connected socket. Both sockets bind the port with {@code SO_REUSEPORT}; Linux then delivers packets
 * from the connected peer to this socket (the more specific match) and everything else to the
 * session's unconnected one, so the hot path runs connected while the latching rules still see every
 * stranger. The session sends through this socket once it is connected.
 *
 * <p>Linux epoll only (the session falls back to addressed sends elsewhere). Runs on the session's
 * event loop; a socket aimed elsewhere is closed and a new one made, since that happens at most a few
 * times in a call.
 */
final class ConnectedRtpSocket {
    private static final Logger log = LoggerFactory.getLogger(ConnectedRtpSocket.class);
    /**
     * {@code -Dconfbridge.rtp.directWrites=false} sends through Netty's pipeline as before: for an A/B
     * comparison on the benchmarks, and a way back should a kernel disagree.
     */
    static final boolean DIRECT_WRITES = Boolean.parseBoolean(System.getProperty("confbridge.rtp.directWrites", "true"));

    private final RtpSession session;
    private final InetSocketAddress target;
    private Channel channel;
    /** The connected socket's descriptor, for {@link #send}; set with {@link #channel}. */
    private FileDescriptor fd;
    private long directSends;
    private boolean ready;
    private boolean closed;

    private ConnectedRtpSocket(RtpSession session, InetSocketAddress target) {
        this.session = session;
        this.target = target;
    }

    /** Whether {@code sessionChannel} is a socket that a connected twin can share its port with. */
    static boolean possibleFor(Channel sessionChannel) {
        return sessionChannel instanceof EpollDatagramChannel
                && Boolean.TRUE.equals(sessionChannel.config().getOption(EpollChannelOption.SO_REUSEPORT));
    }

    /** Binds a twin of {@code sessionChannel}'s port and connects it to {@code target}, asynchronously. */
    static ConnectedRtpSocket open(RtpSession session, Channel sessionChannel, InetSocketAddress target) {
        ConnectedRtpSocket socket = new ConnectedRtpSocket(session, target);
        Bootstrap bootstrap = new Bootstrap()
                .group(sessionChannel.eventLoop())
                .channel(EpollDatagramChannel.class)
                .option(EpollChannelOption.SO_REUSEPORT, true)
                .option(ChannelOption.SO_RCVBUF, sessionChannel.config().getOption(ChannelOption.SO_RCVBUF))
                .option(ChannelOption.SO_SNDBUF, sessionChannel.config().getOption(ChannelOption.SO_SNDBUF))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(socket.new Handler());
                    }
                });
        bootstrap.connect(target, sessionChannel.localAddress()).addListener(f -> {
            if (f.isSuccess()) {
                socket.channel = ((ChannelFuture) f).channel();
                socket.fd = ((EpollDatagramChannel) socket.channel).fd();
                if (socket.closed) {
                    socket.channel.close(); // the session moved on while this one was binding
                } else {
                    socket.ready = true;
                }
            } else {
                // Addressed sends through the session's socket go on working; only the saving is lost.
                log.debug("RTP twin socket to {} not connected: {}", target, f.cause().toString());
            }
        });
        return socket;
    }

    InetSocketAddress target() {
        return target;
    }

    /** The connected socket, null until its bind completes. */
    Channel channel() {
        return channel;
    }

    /** Whether sends may go through this socket: it is bound, connected and not closed. */
    boolean ready() {
        return ready;
    }

    /**
     * Sends one packet to the target and releases it; the caller has checked {@link #ready()}.
     *
     * <p>A {@code write(2)} on the socket itself, skipping Netty's pipeline and outbound buffer: this
     * socket has no outbound handler (SRTP calls never use a twin) and is connected, so the write needs
     * no address, and the pipeline's bookkeeping per packet was a good part of what the lobby's hold
     * music cost. Netty's own path is kept for what it does better: when the socket buffer is full
     * (the write queues and waits for the socket to drain), and when earlier writes still wait there
     * (a direct write would overtake them).
     */
    void send(ByteBuf packet) {
        if (DIRECT_WRITES && packet.hasMemoryAddress() && writableHereAndNow()) {
            try {
                int written = fd.writeAddress(packet.memoryAddress(), packet.readerIndex(), packet.writerIndex());
                if (written > 0) {
                    directSends++;
                    packet.release();
                    return;
                }
                // 0: EAGAIN, the socket buffer is full; Netty queues it and writes once there is room.
            } catch (IOException | RuntimeException e) {
                // ICMP port unreachable from a caller who left reads as ECONNREFUSED on the next send of a
                // connected socket: normal on UDP, as for Netty's path (the handler below).
                packet.release();
                if (log.isDebugEnabled()) {
                    log.debug("RTP twin socket {}: {}", channel.localAddress(), e.toString());
                }
                return;
            }
        }
        channel.writeAndFlush(packet, channel.voidPromise());
    }

    /**
     * On the socket's own loop (where it is closed, so an open descriptor cannot be closed under the
     * write, and its number never reused by another socket meanwhile), open, and with no earlier write
     * still queued in Netty.
     */
    private boolean writableHereAndNow() {
        if (!channel.eventLoop().inEventLoop() || !channel.isOpen()) {
            return false;
        }
        ChannelOutboundBuffer queued = channel.unsafe().outboundBuffer();
        return queued != null && queued.isEmpty();
    }

    /** Packets sent by {@code write(2)} directly (tests). */
    long directSends() {
        return directSends;
    }

    /** Closes the socket, or has it closed as soon as its bind completes. */
    void close() {
        ready = false;
        closed = true;
        if (channel != null) {
            channel.close();
        }
    }

    /**
     * Packets from the target once connected. In the instant between bind and connect the kernel may
     * hand this socket a packet from anyone: its sender is then given, and the latching rules judge it.
     */
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof DatagramPacket packet) {
                    InetSocketAddress sender = packet.sender();
                    session.onPacket(packet.content(), sender != null ? sender : target, System.nanoTime());
                } else if (msg instanceof ByteBuf buf) {
                    session.onPacket(buf, target, System.nanoTime());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable from a caller who left is normal on UDP; keep the socket.
            log.debug("RTP twin socket {}: {}", ctx.channel().localAddress(), cause.toString());
        }
    }
}
