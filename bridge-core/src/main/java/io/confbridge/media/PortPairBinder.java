package io.confbridge.media;

import io.confbridge.rtp.RtpPortAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Binds a call's RTP/RTCP port pair from the configured range without blocking anyone: the binds run
 * on the call's media loop and the result arrives as a future, completed on that loop.
 *
 * <p>The range is shared with the rest of the machine: a pair whose RTP or RTCP port another socket
 * holds (any process, often an ephemeral port) is skipped and the next pair tried, each pair at most
 * once per call and at most {@value #MAX_ATTEMPTS} pairs in all. When none can be had the future fails
 * with {@link NoFreePortException}; at once, when the process has no file descriptor left.
 */
public final class PortPairBinder {
    private static final Logger log = LoggerFactory.getLogger(PortPairBinder.class);
    /** Pairs taken by something else are skipped; this many in a row means the range is unusable now. */
    static final int MAX_ATTEMPTS = 16;

    /** A bound pair: RTP on the even port, RTCP on the odd port above it. */
    public record PortPair(int rtpPort, Channel rtp, Channel rtcp) {
    }

    /** No pair of the range could be bound: all in use by calls, or taken by other sockets. */
    public static final class NoFreePortException extends Exception {
        NoFreePortException(String message) {
            super(message, null, false, false);
        }
    }

    static {
        // Loaded with the binder, not when a bind first finds no descriptor left: then a class file still
        // to be read from disk could not be opened.
        Descriptors.exhaustion(null);
        NoFreePortException.class.getName();
    }

    private final MediaEngine engine;
    private final RtpPortAllocator ports;
    private final InetAddress bindAddress;

    public PortPairBinder(MediaEngine engine, RtpPortAllocator ports, InetAddress bindAddress) {
        this.engine = engine;
        this.ports = ports;
        this.bindAddress = bindAddress;
    }

    /**
     * Binds a free pair on {@code loop}; the handlers go into the pipelines once both ports are bound.
     * The pair's RTP port stays allocated until {@link #release} is called with it.
     */
    public CompletableFuture<PortPair> bind(EventLoop loop, ChannelHandler rtpHandler, ChannelHandler rtcpHandler) {
        CompletableFuture<PortPair> result = new CompletableFuture<>();
        tryNextPair(loop, rtpHandler, rtcpHandler, Math.min(MAX_ATTEMPTS, ports.capacity()), result);
        return result;
    }

    /** Returns a pair's ports to the range once its channels are closed. */
    public void release(int rtpPort) {
        ports.release(rtpPort);
    }

    private void tryNextPair(EventLoop loop, ChannelHandler rtpHandler, ChannelHandler rtcpHandler, int attemptsLeft,
                             CompletableFuture<PortPair> result) {
        if (attemptsLeft == 0) {
            result.completeExceptionally(new NoFreePortException("every RTP port pair tried is taken by another socket"));
            return;
        }
        int port = ports.allocate();
        if (port < 0) {
            result.completeExceptionally(new NoFreePortException("all " + ports.capacity() + " RTP port pairs in use"));
            return;
        }
        ChannelFuture binding;
        try {
            binding = engine.bindUdp(loop, bindAddress, port, true);
        } catch (RuntimeException e) {
            // The loop is shutting down.
            ports.release(port);
            result.completeExceptionally(e);
            return;
        }
        binding.addListener((ChannelFuture rtp) -> {
            if (!rtp.isSuccess()) {
                if (!outOfDescriptors(port, rtp.cause(), result)) {
                    skip(port, port, rtp.cause());
                    tryNextPair(loop, rtpHandler, rtcpHandler, attemptsLeft - 1, result);
                }
                return;
            }
            engine.bindUdp(loop, bindAddress, port + 1, false).addListener((ChannelFuture rtcp) -> {
                if (!rtcp.isSuccess()) {
                    rtp.channel().close();
                    if (!outOfDescriptors(port, rtcp.cause(), result)) {
                        skip(port, port + 1, rtcp.cause());
                        tryNextPair(loop, rtpHandler, rtcpHandler, attemptsLeft - 1, result);
                    }
                    return;
                }
                rtp.channel().pipeline().addLast(rtpHandler);
                rtcp.channel().pipeline().addLast(rtcpHandler);
                result.complete(new PortPair(port, rtp.channel(), rtcp.channel()));
            });
        });
    }

    /**
     * A bind that failed because the process, or the machine, has no file descriptor left (EMFILE,
     * ENFILE) is no taken port: the next pair would fail the same way, and "every pair taken" would send
     * the operator to look for another program on the range. Fails the call at once, saying so.
     */
    private boolean outOfDescriptors(int rtpPort, Throwable cause, CompletableFuture<PortPair> result) {
        String exhaustion = Descriptors.exhaustion(cause);
        if (exhaustion == null) {
            return false;
        }
        ports.release(rtpPort);
        result.completeExceptionally(new NoFreePortException("out of file descriptors (" + exhaustion
                + "): raise the process's limit, see README, Running as a systemd service"));
        return true;
    }

    /** Gives the pair back at once: the round-robin allocator offers it again only after the others. */
    private void skip(int rtpPort, int takenPort, Throwable cause) {
        log.debug("UDP port {} taken, trying the next pair: {}", takenPort, cause.toString());
        ports.release(rtpPort);
    }
}
