package io.confbridge.server.admin;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * HTTP/1.1 pipelining (RFC 9112 §9.3.2): a client may send requests back to back on one connection, and
 * the responses must come back in the same order. The API answers on worker threads and the page's files
 * at once on the event loop, so two pipelined requests could otherwise be answered in either order. Each
 * request is handed on only when the previous response is complete; at most {@link #MAX_WAITING} wait,
 * past that the connection is closed. One instance per connection, on its event loop.
 */
final class ResponsesInOrder extends ChannelDuplexHandler {
    static final int MAX_WAITING = 16;

    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean answering;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!answering) {
            answering = true;
            ctx.fireChannelRead(request);
        } else if (waiting.size() < MAX_WAITING) {
            waiting.add(request);
        } else {
            ReferenceCountUtil.release(request);
            ctx.close();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean complete = msg instanceof LastHttpContent;
        ctx.write(msg, promise);
        if (complete) {
            FullHttpRequest next = waiting.poll();
            answering = next != null;
            if (next != null) {
                // Not from inside this write: the page's files are answered within the read itself.
                ctx.executor().execute(() -> ctx.fireChannelRead(next));
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        release();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    private void release() {
        for (FullHttpRequest request; (request = waiting.poll()) != null; ) {
            ReferenceCountUtil.release(request);
        }
    }
}
