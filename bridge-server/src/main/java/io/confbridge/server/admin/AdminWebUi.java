package io.confbridge.server.admin;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The web admin center and organizer's page (README "Admin center"): a fixed set of static files from the
 * jar's {@code admin-ui/} resources, read once at start and served from memory. Only the paths listed
 * here exist, so no request path ever reaches the file system or the class path (no traversal). The page
 * itself holds no rule: every action is a call to {@code /api} with the token the user signed in with.
 *
 * <p>Every answer forbids framing and inline script ({@value #CSP}); the HTML is never cached, the other
 * files are revalidated by ETag.
 */
final class AdminWebUi {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record Asset(byte[] body, String contentType, String etag, boolean html) {
    }

    private static final Map<String, Asset> ASSETS = Map.of(
            "/", load("index.html", "text/html; charset=utf-8"),
            "/index.html", load("index.html", "text/html; charset=utf-8"),
            "/app.css", load("app.css", "text/css; charset=utf-8"),
            "/app.js", load("app.js", "text/javascript; charset=utf-8"),
            "/api.js", load("api.js", "text/javascript; charset=utf-8"),
            "/i18n.js", load("i18n.js", "text/javascript; charset=utf-8"),
            "/favicon.svg", load("favicon.svg", "image/svg+xml"));

    private AdminWebUi() {
    }

    /** Whether the path is one of the page's files (any method: the wrong one gets 405). */
    static boolean serves(String rawPath) {
        return ASSETS.containsKey(rawPath);
    }

    /** The file at a path {@link #serves} accepts, or 304 when the browser's copy is current. */
    static FullHttpResponse respond(HttpMethod method, String rawPath, HttpHeaders requestHeaders) {
        Asset asset = ASSETS.get(rawPath);
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            FullHttpResponse refused = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.METHOD_NOT_ALLOWED);
            refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            secure(refused);
            HttpUtil.setContentLength(refused, 0);
            return refused;
        }
        boolean current = !asset.html() && asset.etag().equals(requestHeaders.get(HttpHeaderNames.IF_NONE_MATCH));
        FullHttpResponse response;
        if (current) {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
        } else {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    method.equals(HttpMethod.HEAD) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(asset.body()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, asset.contentType());
        }
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, asset.html() ? "no-store" : "no-cache");
        if (!asset.html()) {
            response.headers().set(HttpHeaderNames.ETAG, asset.etag());
        }
        secure(response);
        HttpUtil.setContentLength(response, current ? 0 : asset.body().length);
        return response;
    }

    private static void secure(FullHttpResponse response) {
        HttpHeaders headers = response.headers();
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Frame-Options", "DENY");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cross-Origin-Opener-Policy", "same-origin");
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = AdminWebUi.class.getResourceAsStream("/admin-ui/" + name)) {
            if (in == null) {
                throw new IllegalStateException("admin-ui/" + name + " is missing from the jar");
            }
            byte[] body = in.readAllBytes();
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 12) + "\"";
            return new Asset(body, contentType, etag, contentType.startsWith("text/html"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
