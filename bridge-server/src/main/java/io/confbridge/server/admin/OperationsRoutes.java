package io.confbridge.server.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The operator's routes beside the API (issue 10 §4, §5): {@code GET /health/live},
 * {@code GET /health/ready} (no token; 503 with a JSON reason when not ready) and {@code GET /metrics}
 * (Prometheus text format; a bearer token only when {@code admin.metricsToken} is set).
 */
public final class OperationsRoutes {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<String> notReadyReason;
    private final PrometheusMeterRegistry registry;
    private final byte[] metricsToken;

    /**
     * @param notReadyReason why the bridge should get no new calls now, or null when it is ready;
     *                       may block briefly (it asks the database), it runs on an admin worker
     * @param metricsToken   empty: {@code /metrics} is open
     */
    public OperationsRoutes(Supplier<String> notReadyReason, PrometheusMeterRegistry registry, String metricsToken) {
        this.notReadyReason = notReadyReason;
        this.registry = registry;
        this.metricsToken = metricsToken.getBytes(StandardCharsets.UTF_8);
    }

    boolean handles(String rawPath) {
        return rawPath.equals("/metrics") || rawPath.equals("/health/live") || rawPath.equals("/health/ready");
    }

    ApiResponse handle(ApiRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return ApiResponse.error(405, "method_not_allowed", null, request.method() + " is not allowed here",
                    Map.of("Allow", "GET, HEAD"));
        }
        return switch (request.rawPath()) {
            case "/health/live" -> status(200, "live", null);
            case "/health/ready" -> ready();
            default -> metrics(request);
        };
    }

    private ApiResponse ready() {
        String reason;
        try {
            reason = notReadyReason.get();
        } catch (RuntimeException e) {
            reason = "health check failed: " + e.getClass().getSimpleName();
        }
        return reason == null ? status(200, "ready", null) : status(503, "not_ready", reason);
    }

    private static ApiResponse status(int code, String status, String reason) {
        ObjectNode body = AdminJson.MAPPER.createObjectNode();
        body.put("status", status);
        if (reason != null) {
            body.put("reason", reason);
        }
        return ApiResponse.of(code, body);
    }

    private ApiResponse metrics(ApiRequest request) {
        if (metricsToken.length > 0 && !authorized(request.authorization())) {
            return ApiResponse.error(401, "unauthorized", null, "GET /metrics needs the metrics bearer token",
                    Map.of("WWW-Authenticate", "Bearer realm=\"confbridge-metrics\""));
        }
        byte[] text = registry.scrape().getBytes(StandardCharsets.UTF_8);
        return new ApiResponse(200, text, Map.of("Content-Type", PROMETHEUS_TEXT));
    }

    private boolean authorized(String authorization) {
        String token = AuthorizationHeader.of(authorization).bearerToken();
        return token != null // constant time
                && MessageDigest.isEqual(metricsToken, token.getBytes(StandardCharsets.UTF_8));
    }
}
