package io.confbridge.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.confbridge.admin.AdminException;
import io.confbridge.admin.Administration;
import io.confbridge.admin.Administration.Actor;
import io.confbridge.admin.Administration.ActorRole;
import io.confbridge.admin.MeetingControl;
import io.confbridge.store.NodeRecord;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The admin API without its transport: authenticates a request, routes it to an
 * {@link Administration} call and turns the outcome, or the failure, into a JSON response. Blocking:
 * the transport calls it on a worker thread.
 *
 * <p>Most endpoints are the administrator's; those acting on one meeting (show, change, start, admit,
 * end) also serve the organizer's app with the user's own token, and {@link MeetingControl} decides
 * whose meeting it is.
 *
 * <p>Failures map to statuses in one place, {@link #handle}: bad input 400 (naming the field), no or
 * bad token 401, a user's token on an admin endpoint or on a meeting not theirs 403, unknown user,
 * meeting or route 404, wrong method 405, conflict 409, anything else 500 with the cause logged and
 * not sent.
 */
final class AdminApi {
    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);

    static final int DEFAULT_AUDIT_LIMIT = 100;
    private static final String ADMIN_NAME = "admin";

    /** Who may call an endpoint. */
    private enum Access {
        /** The administrator's token only; a user's token gets 403. */
        ADMIN,
        /** The administrator, or a user about their own meeting (core's meeting access rule decides). */
        ORGANIZER
    }

    /** One endpoint: a method and a path pattern whose {@code *} segments are parameters. */
    private record Route(String method, String[] pattern, Access access, Endpoint endpoint) {
    }

    @FunctionalInterface
    private interface Endpoint {
        ApiResponse call(Actor actor, List<String> params, ApiRequest request);
    }

    private final Administration admin;
    private final MeetingControl meetings;
    private final BearerAuthenticator authenticator;
    private final DialInUris dialInUris;
    private final List<Route> routes = new ArrayList<>();
    private volatile ClusterView cluster = ClusterView.SINGLE_NODE;

    AdminApi(Administration admin, MeetingControl meetings, String adminToken) {
        this(admin, meetings, adminToken, DialInUris.NONE);
    }

    AdminApi(Administration admin, MeetingControl meetings, String adminToken, DialInUris dialInUris) {
        this.admin = admin;
        this.meetings = meetings;
        this.authenticator = new BearerAuthenticator(adminToken, admin);
        this.dialInUris = dialInUris;

        route("GET", "/api/users", (a, p, r) -> ApiResponse.of(200, admin.listUsers()));
        route("POST", "/api/users", this::enableUser);
        route("GET", "/api/users/*", (a, p, r) -> ApiResponse.of(200, admin.getUser(p.get(0))));
        route("POST", "/api/users/*/reset-pin", this::resetPin);
        route("POST", "/api/users/*/disable", (a, p, r) -> {
            noBody(r);
            return ApiResponse.of(200, admin.disableUser(a, p.get(0)));
        });
        route("POST", "/api/users/*/clear-lockout", (a, p, r) -> {
            noBody(r);
            return ApiResponse.of(200, admin.clearLockout(a, p.get(0)));
        });
        route("POST", "/api/users/*/tokens", (a, p, r) -> {
            noBody(r);
            String token = admin.issueUserToken(a, p.get(0));
            return ApiResponse.of(201, Map.of("email", p.get(0), "token", token));
        });
        route("DELETE", "/api/users/*/tokens", (a, p, r) -> {
            noBody(r);
            int revoked = admin.revokeUserTokens(a, p.get(0));
            return ApiResponse.of(200, Map.of("email", p.get(0), "revoked", revoked));
        });
        route("PUT", "/api/users/*/sip-credentials", this::setSipCredentials);
        route("GET", "/api/settings", (a, p, r) -> ApiResponse.of(200, admin.settings()));
        route("PATCH", "/api/settings", this::changeSettings);
        route("PUT", "/api/settings", this::changeSettings);
        route("GET", "/api/meetings", (a, p, r) -> ApiResponse.of(200, admin.listMeetings()));
        route("POST", "/api/meetings", this::createMeeting);
        appRoute("GET", "/api/meetings/*", (a, p, r) -> ApiResponse.of(200, liveView(meetings.show(a, p.get(0)))));
        appRoute("PATCH", "/api/meetings/*", this::changeMeeting);
        appRoute("POST", "/api/meetings/*/start", (a, p, r) -> {
            noBody(r);
            return ApiResponse.of(200, meetings.start(a, p.get(0)));
        });
        appRoute("POST", "/api/meetings/*/admit", (a, p, r) -> {
            noBody(r);
            return ApiResponse.of(200, Map.of("admitted", meetings.admit(a, p.get(0))));
        });
        appRoute("POST", "/api/meetings/*/end", (a, p, r) -> {
            noBody(r);
            return ApiResponse.of(200, meetings.end(a, p.get(0)));
        });
        route("GET", "/api/audit", (a, p, r) -> ApiResponse.of(200, admin.audit(auditQuery(r))));
        route("GET", "/api/nodes", (a, p, r) -> ApiResponse.of(200, nodes()));

        // For the web admin center and the organizer's page (README "Admin center").
        appRoute("GET", "/api/me", (a, p, r) -> ApiResponse.of(200, me(a)));
    }

    /** The cluster {@code GET /api/nodes} lists; a single node until set. */
    AdminApi cluster(ClusterView view) {
        this.cluster = view;
        return this;
    }

    /** {@code GET /api/nodes}: {@code cluster} false and no nodes on a single node. */
    private Map<String, Object> nodes() {
        ClusterView view = cluster;
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeRecord node : view.nodes()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("nodeId", node.nodeId());
            row.put("state", node.state().wire());
            row.put("calls", node.calls());
            row.put("sipAddress", node.sipAddress());
            row.put("mediaAddress", node.mediaAddress());
            row.put("adminAddress", node.adminAddress());
            row.put("startedAt", node.startedAt());
            row.put("heartbeatAt", node.heartbeatAt());
            row.put("heartbeatAgeMs", node.heartbeatAgeMs());
            row.put("self", node.nodeId().equals(view.nodeId()));
            nodes.add(row);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cluster", !view.nodeId().isEmpty());
        body.put("nodeId", view.nodeId());
        body.put("nodes", nodes);
        return body;
    }

    private void route(String method, String pattern, Endpoint endpoint) {
        routes.add(new Route(method, pattern.substring(1).split("/"), Access.ADMIN, endpoint));
    }

    /** An endpoint the organizer's app calls with the user's own token, as well as the administrator. */
    private void appRoute(String method, String pattern, Endpoint endpoint) {
        routes.add(new Route(method, pattern.substring(1).split("/"), Access.ORGANIZER, endpoint));
    }

    /** Never throws: every failure becomes an error response. */
    ApiResponse handle(ApiRequest request) {
        try {
            return dispatch(authenticate(request), request);
        } catch (ApiException e) {
            return respondTo(e);
        } catch (AdminException e) {
            return respondTo(e);
        } catch (RuntimeException e) {
            log.error("admin request {} failed", request, e);
            return ApiResponse.error(500, "internal_error", null, "internal error; see the bridge log");
        }
    }

    /**
     * Who may watch a meeting's event stream and what it looks like now: the refusal (an error
     * response) or the grant. Same rules as {@code GET /api/meetings/{id}}.
     *
     * @param watcher whose streams are counted together: the administrator, or one user
     * @param view    the meeting's view now, as {@code GET /api/meetings/{id}} answers it (JSON)
     */
    record EventsGrant(ApiResponse refusal, String watcher, String conferenceId, byte[] view) {
    }

    /** Whether the request is for a meeting's event stream (answered by {@link MeetingEvents}). */
    static boolean isEventStream(ApiRequest request) {
        if (!"GET".equals(request.method())) {
            return false;
        }
        List<String> segments;
        try {
            segments = segments(request.rawPath());
        } catch (ApiException malformed) {
            return false; // handle() answers it
        }
        return segments.size() == 4 && segments.get(0).equals("api") && segments.get(1).equals("meetings")
                && !segments.get(2).isEmpty() && segments.get(3).equals("events");
    }

    /** Authorizes an event stream (worker thread: the database); never throws. */
    EventsGrant openEvents(ApiRequest request) {
        try {
            Actor actor = authenticate(request);
            ObjectNode view = liveView(meetings.show(actor, segments(request.rawPath()).get(2)));
            String watcher = actor.role() == ActorRole.USER ? "user:" + actor.name() : "admin";
            return new EventsGrant(null, watcher, view.path("conferenceId").asText(),
                    AdminJson.MAPPER.writeValueAsBytes(view));
        } catch (ApiException e) {
            return new EventsGrant(respondTo(e), null, null, null);
        } catch (AdminException e) {
            return new EventsGrant(respondTo(e), null, null, null);
        } catch (JsonProcessingException | RuntimeException e) {
            log.error("admin request {} failed", request, e);
            return new EventsGrant(ApiResponse.error(500, "internal_error", null, "internal error; see the bridge log"),
                    null, null, null);
        }
    }

    /** The caller as an audit actor; 401 for no or a bad token. */
    private Actor authenticate(ApiRequest request) {
        BearerAuthenticator.Caller caller = authenticator.authenticate(request.authorization());
        if (caller instanceof BearerAuthenticator.Admin) {
            return new Actor(ADMIN_NAME, ActorRole.ADMIN, request.clientAddress());
        }
        if (caller instanceof BearerAuthenticator.User user) {
            return new Actor(user.email(), ActorRole.USER, request.clientAddress());
        }
        throw new ApiException(401, "unauthorized", null, ((BearerAuthenticator.Anonymous) caller).reason());
    }

    private static void authorize(Actor actor, Route route) {
        if (route.access() == Access.ADMIN && actor.role() == ActorRole.USER) {
            throw new ApiException(403, "forbidden", null, "a user token cannot call admin endpoints");
        }
    }

    private ApiResponse dispatch(Actor actor, ApiRequest request) {
        List<String> segments = segments(request.rawPath());
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            List<String> params = match(route.pattern(), segments);
            if (params == null) {
                continue;
            }
            if (route.method().equals(request.method())) {
                authorize(actor, route);
                return route.endpoint().call(actor, params, request);
            }
            allowed.add(route.method());
        }
        if (allowed.isEmpty()) {
            throw new ApiException(404, "not_found", null, "no such endpoint: " + request.rawPath());
        }
        return ApiResponse.error(405, "method_not_allowed", null,
                request.method() + " is not allowed here; use " + String.join(", ", allowed),
                Map.of("Allow", String.join(", ", allowed)));
    }

    private static List<String> segments(String rawPath) {
        String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        List<String> decoded = new ArrayList<>();
        for (String segment : path.split("/", -1)) {
            try {
                decoded.add(QueryStringDecoder.decodeComponent(segment));
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, "bad_request", null, "malformed path: a bad %-escape");
            }
        }
        return decoded;
    }

    /** The pattern's parameters if the path matches it, else null. */
    private static List<String> match(String[] pattern, List<String> segments) {
        if (pattern.length != segments.size()) {
            return null;
        }
        List<String> params = new ArrayList<>(1);
        for (int i = 0; i < pattern.length; i++) {
            if (pattern[i].equals("*")) {
                if (segments.get(i).isEmpty()) {
                    return null;
                }
                params.add(segments.get(i));
            } else if (!pattern[i].equals(segments.get(i))) {
                return null;
            }
        }
        return params;
    }

    private ApiResponse enableUser(Actor actor, List<String> params, ApiRequest request) {
        AdminRequests.EnableUser body = body(request, AdminRequests.EnableUser.class);
        required(body.email(), "email");
        required(body.displayName(), "displayName");
        Administration.PinIssued issued = admin.enableUser(actor, body.email(), body.displayName(), body.phone(),
                Boolean.TRUE.equals(body.sendEmail()), body.sendEmailToAddress());
        return ApiResponse.of(201, pinIssued(issued));
    }

    private ApiResponse resetPin(Actor actor, List<String> params, ApiRequest request) {
        AdminRequests.ResetPin body = body(request, AdminRequests.ResetPin.class);
        Administration.PinIssued issued = admin.resetPin(actor, params.get(0),
                Boolean.TRUE.equals(body.sendEmail()), body.sendEmailToAddress());
        return ApiResponse.of(200, pinIssued(issued));
    }

    private ApiResponse changeSettings(Actor actor, List<String> params, ApiRequest request) {
        Administration.SettingsChange change = body(request, Administration.SettingsChange.class);
        return ApiResponse.of(200, admin.updateSettings(actor, change));
    }

    private ApiResponse createMeeting(Actor actor, List<String> params, ApiRequest request) {
        AdminRequests.CreateMeeting body = body(request, AdminRequests.CreateMeeting.class);
        required(body.organizerEmail(), "organizerEmail");
        Administration.MeetingSettings settings = new Administration.MeetingSettings(body.requirePinToStart(),
                body.endOnOrganizerLeave(), body.lobbyTimeoutMinutes(), body.maxParticipants(),
                body.entryExitTones(), body.admissionMode());
        return ApiResponse.of(201, admin.createMeeting(actor, body.organizerEmail(), settings));
    }

    private ApiResponse changeMeeting(Actor actor, List<String> params, ApiRequest request) {
        Administration.MeetingSettingsChange change = body(request, Administration.MeetingSettingsChange.class);
        return ApiResponse.of(200, meetings.update(actor, params.get(0), change));
    }

    private ApiResponse setSipCredentials(Actor actor, List<String> params, ApiRequest request) {
        AdminRequests.SipCredentials body = secretBody(request, AdminRequests.SipCredentials.class);
        required(body.username(), "username");
        if (body.password() == null || body.password().isEmpty()) {
            throw ApiException.badInput("password", "password is required");
        }
        return ApiResponse.of(200, admin.setSipCredentials(actor, params.get(0), body.username(), body.password()));
    }

    /**
     * The meeting's fields with its lobby's arrival times (ISO-8601, oldest first) beside the count, and
     * who waits since when ({@code lobby}: caller ID and arrival).
     */
    private static ObjectNode liveView(MeetingControl.LiveView view) {
        ObjectNode node = AdminJson.MAPPER.valueToTree(view.meeting());
        node.set("lobbyArrivals", AdminJson.MAPPER.valueToTree(view.lobbyArrivals()));
        node.set("lobby", AdminJson.MAPPER.valueToTree(view.lobby()));
        return node;
    }

    /** The user's fields with the clear PIN in place of the mask, and what happened to the e-mail. */
    private static ObjectNode pinIssued(Administration.PinIssued issued) {
        ObjectNode node = AdminJson.MAPPER.valueToTree(issued.user());
        node.put("pin", issued.pin());
        node.set("mail", AdminJson.MAPPER.valueToTree(issued.mail()));
        return node;
    }

    /**
     * Who the token belongs to. The administrator: {@code {"role":"admin"}}. A user: their own profile,
     * the tenant's dial-in numbers, and their own meetings only, each with its dial-in URIs and the
     * arrival times of its lobby.
     */
    private ObjectNode me(Actor actor) {
        ObjectNode node = AdminJson.MAPPER.createObjectNode();
        if (actor.role() != ActorRole.USER) {
            node.put("role", "admin");
            return node;
        }
        Administration.UserView user = admin.getUser(actor.name());
        node.put("role", "user");
        node.put("email", user.email());
        node.put("displayName", user.displayName());
        node.set("dialInNumbers", AdminJson.MAPPER.valueToTree(admin.settings().dialInNumbers()));
        var list = node.putArray("meetings");
        for (Administration.MeetingView meeting : admin.meetingsOf(actor)) {
            ObjectNode view = liveView(meetings.show(actor, meeting.conferenceId()));
            view.set("dialInUris", AdminJson.MAPPER.valueToTree(dialInUris.of(meeting.conferenceId())));
            list.add(view);
        }
        return node;
    }

    /** {@code limit}, {@code before} (an audit line id: the page after it) and the filters. */
    private static Administration.AuditQuery auditQuery(ApiRequest request) {
        Long before = null;
        String raw = request.queryParam("before");
        if (raw != null) {
            try {
                before = Long.parseLong(raw);
            } catch (NumberFormatException e) {
                throw ApiException.badInput("before", "before must be the id of an audit line");
            }
        }
        return new Administration.AuditQuery(before, request.queryParam("actor"), request.queryParam("action"),
                request.queryParam("target"), auditLimit(request));
    }

    private static int auditLimit(ApiRequest request) {
        String raw = request.queryParam("limit");
        if (raw == null) {
            return DEFAULT_AUDIT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= Administration.MAX_AUDIT_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the same answer as an out-of-range number
        }
        throw ApiException.badInput("limit", "limit must be a whole number from 1 to " + Administration.MAX_AUDIT_LIMIT);
    }

    private static void required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ApiException.badInput(field, field + " is required");
        }
    }

    private static void noBody(ApiRequest request) {
        body(request, AdminRequests.Empty.class);
    }

    /** An empty body reads as {@code {}}, so optional-only bodies may be left out. */
    private static <T> T body(ApiRequest request, Class<T> type) {
        return body(request, type, false);
    }

    /**
     * A body holding a secret: a syntax error is reported without the parser's message, which quotes
     * the offending token and so could echo the secret back (or into a proxy's log).
     */
    private static <T> T secretBody(ApiRequest request, Class<T> type) {
        return body(request, type, true);
    }

    private static <T> T body(ApiRequest request, Class<T> type, boolean secret) {
        byte[] json = request.body().length == 0 ? new byte[] {'{', '}'} : request.body();
        try {
            return AdminJson.MAPPER.readValue(json, type);
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badInput(e.getPropertyName(), "unknown field \"" + e.getPropertyName() + "\"");
        } catch (MismatchedInputException e) {
            String field = fieldOf(e);
            throw ApiException.badInput(field, field == null
                    ? "the body must be a JSON object"
                    : field + " has the wrong type" + expected(e));
        } catch (JsonProcessingException e) {
            throw ApiException.badInput(null, secret ? "malformed JSON" : "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array cannot fail", e);
        }
    }

    private static String fieldOf(JsonMappingException e) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        return field.isEmpty() ? null : field;
    }

    private static String expected(MismatchedInputException e) {
        Class<?> target = e.getTargetType();
        if (target == Integer.class || target == int.class) {
            return " (expected a whole number)";
        }
        if (target == Boolean.class || target == boolean.class) {
            return " (expected true or false)";
        }
        if (target == String.class) {
            return " (expected a string)";
        }
        return "";
    }

    private static ApiResponse respondTo(ApiException e) {
        Map<String, String> headers = e.status() == 401
                ? Map.of("WWW-Authenticate", "Bearer realm=\"confbridge-admin\"")
                : Map.of();
        return ApiResponse.error(e.status(), e.error(), e.field(), e.getMessage(), headers);
    }

    private static ApiResponse respondTo(AdminException e) {
        return switch (e.kind()) {
            case BAD_INPUT -> ApiResponse.error(400, "bad_request", e.field(), e.getMessage());
            case FORBIDDEN -> ApiResponse.error(403, "forbidden", e.field(), e.getMessage());
            case NOT_FOUND -> ApiResponse.error(404, "not_found", e.field(), e.getMessage());
            case CONFLICT -> ApiResponse.error(409, "conflict", e.field(), e.getMessage());
        };
    }
}
