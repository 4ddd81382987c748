package io.confbridge.server.admin;

import io.confbridge.config.BridgeConfig;
import io.confbridge.sip.stream.ConnectionCount;
import io.confbridge.sip.stream.RefusalWarnings;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;

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

    private final AdminHttpHandler handler;
    /** {@code admin.tls}: HTTPS only; null for plain HTTP. */
    private final SslContext tls;
    private final ConnectionCount connections;
    private final long requestTimeoutMs;
    private final RefusalWarnings refusals = new RefusalWarnings();

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
        String others = refusals.due();
        if (others != null) {
            log.warn("admin API: closed the connection from {}: too many connections ({} from this address, {} in"
                    + " all){}", remote, peer == null ? 0 : connections.from(peer), connections.total(), others);
        }
    }
}
