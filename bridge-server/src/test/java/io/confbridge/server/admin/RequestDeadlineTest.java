package io.confbridge.server.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RequestDeadline} in the admin pipeline's order (codec, deadline, aggregator), on an
 * {@link EmbeddedChannel} with time moved by hand: what a slow, silent or idle client gets, and what a
 * slow answer or an event stream keep.
 */
class RequestDeadlineTest {
    private static final long TIMEOUT_MS = 1000;
    private static final String GET = "GET /api/health HTTP/1.1\r\nHost: bridge\r\n\r\n";

    /** How the server answers: at once, not yet, or with an event stream's head and one event. */
    private enum Answer { FULL, NONE, STREAM }

    private Answer answer = Answer.FULL;
    private int requests;
    private final EmbeddedChannel channel = open();

    private EmbeddedChannel open() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new HttpServerCodec(), new RequestDeadline(TIMEOUT_MS), new HttpObjectAggregator(65536),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                        if (request.decoderResult().isSuccess()) { // the codec flushes a cut request as a failed one
                            requests++;
                        }
                        switch (answer) {
                            case FULL -> {
                                DefaultFullHttpResponse ok = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                        HttpResponseStatus.OK);
                                HttpUtil.setContentLength(ok, 0);
                                ctx.writeAndFlush(ok);
                            }
                            case STREAM -> {
                                ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
                                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(": keepalive\n\n",
                                        StandardCharsets.US_ASCII)));
                            }
                            case NONE -> { }
                        }
                    }
                });
        // EmbeddedChannel activates before handlers added afterwards see it; replay it as Netty does for an accepted one.
        ch.pipeline().fireChannelActive();
        return ch;
    }

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    private void advance(long ms) {
        channel.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheDeadline() {
        advance(TIMEOUT_MS - 1);
        assertTrue(channel.isOpen(), "closed before the deadline");
        advance(1);
        assertFalse(channel.isOpen());
    }

    @Test
    void aRequestTrickledInIsTimedFromTheOpeningNotFromItsLastByte() {
        send("GET /api/health HTTP/1.1\r\n");
        advance(600);
        send("Host: bri");
        advance(399);
        assertTrue(channel.isOpen());
        send("dge\r\n");
        advance(1);
        assertFalse(channel.isOpen(), "a slowloris client keeps its connection only until the deadline");
        assertEquals(0, requests);
    }

    @Test
    void afterAResponseTheNextRequestHasAWholeDeadlineAndAnIdleConnectionThenCloses() {
        advance(900);
        send(GET);
        assertEquals(1, requests);
        advance(900);
        send(GET);
        assertEquals(2, requests, "a kept-alive connection serves the next request");
        advance(TIMEOUT_MS - 1);
        assertTrue(channel.isOpen());
        advance(1);
        assertFalse(channel.isOpen(), "an idle kept-alive connection closes after the same time");
    }

    @Test
    void aRequestStillBeingAnsweredIsNotCut() {
        answer = Answer.NONE;
        send(GET);
        advance(10 * TIMEOUT_MS);
        assertTrue(channel.isOpen(), "the answer may take its time (the database, PIN hashing)");
    }

    @Test
    void anEventStreamStaysOpenPastTheDeadline() {
        answer = Answer.STREAM;
        send(GET);
        advance(60 * TIMEOUT_MS);
        assertTrue(channel.isOpen(), "an event stream never ends its response, and its client sends nothing more");
    }
}
