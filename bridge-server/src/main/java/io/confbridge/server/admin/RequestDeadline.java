package io.confbridge.server.admin;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.LastHttpContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes an admin connection that has not sent a whole request within {@code admin.requestTimeoutMs} of
 * being ready for one: from its opening, and again from each complete response. Without it a client that
 * sends a request a byte at a time, or opens connections and sends nothing (slowloris), held its
 * connection and up to a whole buffered body for ever. The same deadline is the keep-alive idle time.
 *
 * <p>Disarmed while a request is being answered, and for good on an event stream: its response never ends
 * with a {@link LastHttpContent}, and its client sends nothing more. One instance per connection, on its
 * event loop.
 */
final class RequestDeadline extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(RequestDeadline.class);

    private final long timeoutMs;
    private ScheduledFuture<?> pending;
    /** Whole requests received and not yet answered: pipelined ones wait whole, so no clock runs for them. */
    private int unanswered;

    RequestDeadline(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof LastHttpContent) {
            unanswered++;
            disarm(); // the request is whole: answering it may take its time
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof LastHttpContent && --unanswered <= 0) {
            unanswered = 0;
            arm(ctx); // the last response is complete: the next request starts its clock
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    private void arm(ChannelHandlerContext ctx) {
        disarm();
        pending = ctx.executor().schedule(() -> {
            log.debug("admin connection from {} sent no whole request in {} ms; closing it",
                    ctx.channel().remoteAddress(), timeoutMs);
            ctx.close();
        }, timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void disarm() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
