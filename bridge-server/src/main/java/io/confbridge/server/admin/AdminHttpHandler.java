package io.confbridge.server.admin;

import io.confbridge.config.AddressBlock;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands each aggregated request to the {@link AdminApi} on a worker thread (the API blocks on the
 * database, PIN hashing and SMTP, which must never stall the event loop) and writes the response back
 * on the request's channel. Keeps no per-connection state, so one instance serves every connection.
 *
 * <p>A request that presents a token which is refused (401) is charged to its source's
 * {@link AuthFailureBudget} (the source: the peer, or behind {@code admin.trustedProxies} the client
 * the proxy names, see {@link ClientAddress}); a source past it gets 429 here, on the event loop, for everything that
 * would authenticate (the API, event streams, {@code /metrics}). Health probes and the admin center's
 * static files are never refused.
 */
@Sharable
final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(AdminHttpHandler.class);

    private final AdminApi api;
    private final Executor workers;
    /** Health and metrics; null when the server runs without them. */
    private final OperationsRoutes operations;
    /** The meetings' event streams; null when the server runs without them. */
    private final MeetingEvents events;

    private final AuthFailureBudget authFailures;
    /** {@code admin.trustedProxies}: their {@code X-Forwarded-For} names the client ({@link ClientAddress}). */
    private final List<AddressBlock> trustedProxies;
    private static final String FORWARDED_FOR = "X-Forwarded-For";

    AdminHttpHandler(AdminApi api, Executor workers, OperationsRoutes operations, MeetingEvents events,
                     AuthFailureBudget authFailures, List<AddressBlock> trustedProxies) {
        this.api = api;
        this.workers = workers;
        this.operations = operations;
        this.events = events;
        this.authFailures = authFailures;
        this.trustedProxies = trustedProxies;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            write(ctx, ApiResponse.error(400, "bad_request", null, "malformed HTTP request"), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        if (AdminWebUi.serves(uri.rawPath())) {
            // The web admin center's static files, from memory: no worker needed.
            FullHttpResponse page = AdminWebUi.respond(request.method(), uri.rawPath(), request.headers());
            if (keepAlive) {
                HttpUtil.setKeepAlive(page, true);
                ctx.writeAndFlush(page);
            } else {
                page.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(page).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        Map<String, List<String>> parameters;
        try {
            parameters = uri.parameters();
        } catch (IllegalArgumentException e) {
            // A bad %-escape: Netty decodes the query lazily, and would throw out of this handler.
            write(ctx, ApiResponse.error(400, "bad_request", null, "malformed query string"), false);
            return;
        }
        InetAddress peer = addressOf(ctx.channel().remoteAddress());
        InetAddress source = peer == null ? null
                : ClientAddress.of(peer, request.headers().getAll(FORWARDED_FOR), trustedProxies);
        ApiRequest apiRequest = new ApiRequest(request.method().name(), uri.rawPath(), parameters,
                ByteBufUtil.getBytes(request.content()), request.headers().get(HttpHeaderNames.AUTHORIZATION),
                source == null ? String.valueOf(ctx.channel().remoteAddress()) : source.getHostAddress());
        boolean operational = operations != null && operations.handles(apiRequest.rawPath());
        boolean health = operational && !apiRequest.rawPath().equals("/metrics");
        if (!health && source != null) {
            int retryAfterS = authFailures.retryAfterS(source);
            if (retryAfterS > 0) {
                write(ctx, ApiResponse.error(429, "too_many_requests", null, "too many failed authentications from"
                        + " this address; try again in " + retryAfterS + " s",
                        Map.of("Retry-After", Integer.toString(retryAfterS))), keepAlive);
                return;
            }
        }
        try {
            if (events != null && AdminApi.isEventStream(apiRequest)) {
                // Authorized on a worker (the database), then the stream stays open on this connection.
                workers.execute(() -> {
                    AdminApi.EventsGrant grant = api.openEvents(apiRequest);
                    if (grant.refusal() != null) {
                        charge(source, apiRequest, grant.refusal());
                        write(ctx, grant.refusal(), keepAlive);
                    } else {
                        events.open(ctx.channel(), grant);
                    }
                });
                return;
            }
            workers.execute(() -> {
                ApiResponse response = operational ? operations.handle(apiRequest) : api.handle(apiRequest);
                charge(source, apiRequest, response);
                write(ctx, response, keepAlive);
            });
        } catch (RejectedExecutionException e) {
            log.warn("admin request {} refused: workers busy or stopping", apiRequest);
            write(ctx, ApiResponse.error(503, "unavailable", null, "the bridge is busy or stopping; try again"),
                    false);
        }
    }

    /**
     * A 401 to a request that presented a credential is a failed authentication. One without any (a
     * browser opening the page, or the admin center's {@code Bearer } before sign-in) is not: it guesses
     * nothing and costs no lookup.
     */
    private void charge(InetAddress source, ApiRequest request, ApiResponse response) {
        if (response.status() == 401 && source != null && AuthorizationHeader.of(request.authorization()).presentsCredential()) {
            authFailures.failed(source);
        }
    }

    /** Safe from any thread: Netty hands the write to the channel's event loop. */
    private static void write(ChannelHandlerContext ctx, ApiResponse response, boolean keepAlive) {
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.json()));
        http.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        http.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE); // PINs in some bodies
        response.headers().forEach(http.headers()::set);
        HttpUtil.setContentLength(http, response.json().length);
        if (keepAlive) {
            HttpUtil.setKeepAlive(http, true);
            ctx.writeAndFlush(http);
        } else {
            http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Any thread: one error response, then the connection closes (an event stream that is refused). */
    static void writeAndClose(Channel channel, ApiResponse response) {
        FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.json()));
        http.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpUtil.setContentLength(http, response.json().length);
        channel.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("admin connection from {} failed; closing it", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }

    private static InetAddress addressOf(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
