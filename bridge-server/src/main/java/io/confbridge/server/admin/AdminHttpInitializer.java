package io.confbridge.server.admin;

import io.confbridge.config.BridgeConfig;
import io.confbridge.sip.stream.ConnectionCount;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The admin connection's pipeline: TLS ({@code admin.tls}), HTTP/1.1 codec, the request deadline, a
 * bounded aggregator, responses in request order, the API handler. A connection past
 * {@code admin.maxConnections}, or {@code admin.maxConnectionsPerSource} from its address, is closed as
 * soon as it is accepted: the listener shares the process's file descriptors
 * with the calls' RTP sockets, so idle admin connections must not be able to use them up.
 */
final class AdminHttpInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger log = LoggerFactory.getLogger(AdminHttpInitializer.class);

    /** No admin request needs more; anything bigger is a mistake or an attack. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** One warning about refused connections at most this often, so that a flood cannot flood the log. */
    private static final long WARNING_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);

    private final AdminHttpHandler handler;
    /** {@code admin.tls}: HTTPS only; null for plain HTTP. */
    private final SslContext tls;
    private final ConnectionCount connections;
    private final long requestTimeoutMs;
    private final AtomicLong lastWarningNs = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NS);
    private final AtomicLong unreported = new AtomicLong();

    AdminHttpInitializer(AdminHttpHandler handler, BridgeConfig.AdminConfig config, SslContext tls) {
        this.handler = handler;
        this.tls = tls;
        this.connections = new ConnectionCount(config.maxConnections(), config.maxConnectionsPerSource());
        this.requestTimeoutMs = config.requestTimeoutMs();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        InetSocketAddress remote = ch.remoteAddress();
        InetAddress peer = remote == null ? null : remote.getAddress();
        if (peer == null || !connections.tryOpen(peer)) {
            refused(remote, peer);
            ch.close();
            return;
        }
        ch.closeFuture().addListener(closed -> connections.closed(peer));
        if (tls != null) {
            SslHandler handshake = tls.newHandler(ch.alloc());
            handshake.setHandshakeTimeoutMillis(requestTimeoutMs);
            ch.pipeline().addLast("tls", handshake);
        }
        ch.pipeline()
                .addLast("http", new HttpServerCodec())
                .addLast("deadline", new RequestDeadline(requestTimeoutMs))
                .addLast("aggregator", new AdminRequestAggregator(MAX_BODY_BYTES))
                .addLast("in-order", new ResponsesInOrder())
                .addLast("api", handler);
    }

    private void refused(InetSocketAddress remote, InetAddress peer) {
        long now = System.nanoTime();
        long last = lastWarningNs.get();
        if (now - last >= WARNING_INTERVAL_NS && lastWarningNs.compareAndSet(last, now)) {
            long others = unreported.getAndSet(0);
            log.warn("admin API: closed the connection from {}: too many connections ({} from this address, {} in"
                    + " all){}", remote, peer == null ? 0 : connections.from(peer), connections.total(),
                    others == 0 ? "" : " (and " + others + " other connection(s) since the last such warning)");
        } else {
            unreported.incrementAndGet();
        }
    }
}
