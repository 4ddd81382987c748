package io.confbridge.server.admin;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;

/** The admin connection's pipeline: HTTP/1.1 codec, a bounded aggregator, the API handler. */
final class AdminHttpInitializer extends ChannelInitializer<SocketChannel> {

    /** No admin request needs more; anything bigger is a mistake or an attack. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final AdminHttpHandler handler;

    AdminHttpInitializer(AdminHttpHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast("http", new HttpServerCodec())
                .addLast("aggregator", new AdminRequestAggregator(MAX_BODY_BYTES))
                .addLast("api", handler);
    }
}
