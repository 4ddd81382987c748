package io.confbridge.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the web admin center needs from the admin listener: its static files with strict headers and
 * nothing else from the jar, {@code GET /api/me} (the organizer's page), the {@code dialInNumbers}
 * setting, and the audit log's paging and filters.
 */
class AdminCenterApiTest {

    private static final AtomicInteger SEQ = new AtomicInteger();

    @TempDir
    static Path dataDir;

    private static RunningAdmin admin;
    private static AdminHttp http;
    private static final HttpClient RAW = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        admin = RunningAdmin.start(dataDir);
        http = new AdminHttp(admin.url());
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
    }

    private static HttpResponse<String> raw(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(admin.url() + path))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return RAW.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String newEmail() {
        return "web" + SEQ.incrementAndGet() + "." + System.nanoTime() + "@contoso.com";
    }

    /** Enables a user (no e-mail) and returns their e-mail, conference ID and a user token. */
    private static String[] user() throws Exception {
        String email = newEmail();
        AdminHttp.Reply enabled = http.send("POST", "/api/users", admin.adminToken(),
                "{\"email\":\"" + email + "\",\"displayName\":\"Web User\",\"sendEmail\":false}");
        assertEquals(201, enabled.status(), enabled.body());
        String id = enabled.json().path("conferenceIds").path(0).asText();
        String token = http.send("POST", "/api/users/" + email + "/tokens", admin.adminToken(), null)
                .json().path("token").asText();
        return new String[] {email, id, token};
    }

    @Test
    void thePageIsServedWithAStrictPolicyAndNoScriptInline() throws Exception {
        HttpResponse<String> page = raw("GET", "/");
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'")
                && csp.contains("default-src 'none'"), csp);
        assertFalse(csp.contains("unsafe-inline"), csp);
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(""));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(""));
        Matcher scripts = Pattern.compile("<script[^>]*>").matcher(page.body());
        int count = 0;
        while (scripts.find()) {
            count++;
            assertTrue(scripts.group().contains("src=\"/"), "only scripts from files: " + scripts.group());
        }
        assertEquals(1, count, "one module script");
        assertFalse(page.body().contains("style=\""), "no inline style");
        assertFalse(Pattern.compile("\\son[a-z]+\\s*=").matcher(page.body()).find(), "no inline event handler");

        HttpResponse<String> script = raw("GET", "/app.js");
        assertEquals(200, script.statusCode());
        assertEquals("text/javascript; charset=utf-8", script.headers().firstValue("Content-Type").orElse(""));
        assertEquals("no-cache", script.headers().firstValue("Cache-Control").orElse(""));
        String etag = script.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, raw("GET", "/app.js", "If-None-Match", etag).statusCode());
        assertEquals("text/css; charset=utf-8", raw("GET", "/app.css").headers().firstValue("Content-Type").orElse(""));
        assertEquals(405, raw("POST", "/").statusCode());
        assertEquals(200, raw("HEAD", "/i18n.js").statusCode());
    }

    @Test
    void nothingOutsideThePagesFilesIsServed() throws Exception {
        for (String path : List.of("/admin-ui/app.js", "/..%2fpom.xml", "/%2e%2e/app.js", "/app.js/",
                "/logback.xml", "/io/confbridge/server/admin/AdminApi.class", "/index.htm", "/app.js%00")) {
            HttpResponse<String> response = raw("GET", path);
            assertNotEquals(200, response.statusCode(), path);
            assertFalse(response.body().contains("import "), path + " must not serve a file");
        }
        assertEquals(401, raw("GET", "/app.js.map").statusCode(), "unknown paths are the API's: token first");
    }

    @Test
    void meShowsAUserOnlyTheirOwnMeetingsWithDialInAndLobby() throws Exception {
        String[] mine = user();
        String[] other = user();
        AdminHttp.Reply numbers = http.send("PATCH", "/api/settings", admin.adminToken(),
                "{\"dialInNumbers\":[\"+1 425 555 0100\"]}");
        assertEquals(200, numbers.status(), numbers.body());
        try {
            TestPhone caller = admin.bridge().newPhone("waiting");
            dialAndAnswered(caller, mine[1]);
            await("the caller waits in the lobby").atMost(IVR_STEP)
                    .until(() -> admin.bridge().status(mine[1]).lobbyCount() == 1);

            AdminHttp.Reply me = http.send("GET", "/api/me", mine[2], null);
            assertEquals(200, me.status(), me.body());
            assertEquals("user", me.json().path("role").asText());
            assertEquals(mine[0], me.json().path("email").asText());
            assertEquals("+1 425 555 0100", me.json().path("dialInNumbers").path(0).asText());
            JsonNode meetings = me.json().path("meetings");
            assertEquals(1, meetings.size(), me.body());
            JsonNode meeting = meetings.path(0);
            assertEquals(mine[1], meeting.path("conferenceId").asText());
            assertEquals("sip:" + mine[1] + "@127.0.0.1:" + admin.bridge().sipPort(),
                    meeting.path("dialInUris").path(0).asText(), me.body());
            assertEquals(1, meeting.path("lobbyArrivals").size(), me.body());
            assertEquals("waiting", meeting.path("lobby").path(0).path("callerId").asText(), me.body());
            assertEquals(meeting.path("lobbyArrivals").path(0).asText(), meeting.path("lobby").path(0).path("since").asText());
            assertFalse(me.body().contains(other[0]) || me.body().contains(other[1]), "nothing of another user");
            assertFalse(me.body().contains("\"pin\""), "no PIN field at all");

            assertEquals("admin", http.send("GET", "/api/me", admin.adminToken(), null).json().path("role").asText());
            assertEquals(401, http.send("GET", "/api/me", "wrong", null).status());
            assertEquals(403, http.send("GET", "/api/users", mine[2], null).status());
            assertEquals(403, http.send("GET", "/api/meetings/" + other[1], mine[2], null).status());
            assertEquals(403, http.send("POST", "/api/users/" + mine[0] + "/reset-pin", mine[2], null).status(),
                    "no PIN reset with a user's token, not even their own");
        } finally {
            http.send("PATCH", "/api/settings", admin.adminToken(), "{\"dialInNumbers\":[]}");
        }
    }

    @Test
    void dialInNumbersAreATenantSettingWithLimits() throws Exception {
        try {
            AdminHttp.Reply set = http.send("PATCH", "/api/settings", admin.adminToken(),
                    "{\"dialInNumbers\":[\" +1 425 555 0100 (US) \",\"+86 10 5555 0100\"]}");
            assertEquals(200, set.status(), set.body());
            assertEquals("[\"+1 425 555 0100 (US)\",\"+86 10 5555 0100\"]",
                    http.send("GET", "/api/settings", admin.adminToken(), null).json().path("dialInNumbers").toString());

            StringBuilder eleven = new StringBuilder("[");
            for (int i = 0; i < 11; i++) {
                eleven.append(i == 0 ? "" : ",").append("\"+1 555 010").append(i).append('"');
            }
            AdminHttp.Reply tooMany = http.send("PATCH", "/api/settings", admin.adminToken(),
                    "{\"dialInNumbers\":" + eleven + "]}");
            assertEquals(400, tooMany.status(), tooMany.body());
            assertEquals("dialInNumbers", tooMany.field());
            AdminHttp.Reply control = http.send("PATCH", "/api/settings", admin.adminToken(),
                    "{\"dialInNumbers\":[\"+1\\n555\"]}");
            assertEquals(400, control.status(), control.body());
            assertEquals("dialInNumbers", control.field());
            AdminHttp.Reply wrongType = http.send("PATCH", "/api/settings", admin.adminToken(),
                    "{\"dialInNumbers\":\"+1 555\"}");
            assertEquals(400, wrongType.status(), wrongType.body());
            assertEquals(2, http.send("GET", "/api/settings", admin.adminToken(), null).json()
                    .path("dialInNumbers").size(), "a refused change changes nothing");
            assertTrue(http.send("GET", "/api/audit?action=settings.update&limit=5", admin.adminToken(), null)
                    .body().contains("dialInNumbers"));
        } finally {
            http.send("PATCH", "/api/settings", admin.adminToken(), "{\"dialInNumbers\":[]}");
        }
    }

    @Test
    void theAuditLogPagesAndFilters() throws Exception {
        String[] a = user();
        String[] b = user();
        AdminHttp.Reply enables = http.send("GET", "/api/audit?action=USER.ENABLE&target=" + a[0], admin.adminToken(), null);
        assertEquals(200, enables.status(), enables.body());
        assertEquals(1, enables.json().size(), enables.body());
        assertEquals(a[0], enables.json().path(0).path("target").asText());

        AdminHttp.Reply first = http.send("GET", "/api/audit?limit=2", admin.adminToken(), null);
        assertEquals(2, first.json().size());
        long last = first.json().path(1).path("id").asLong();
        AdminHttp.Reply next = http.send("GET", "/api/audit?limit=2&before=" + last, admin.adminToken(), null);
        assertEquals(200, next.status(), next.body());
        assertTrue(next.json().size() >= 1);
        next.json().forEach(entry -> assertTrue(entry.path("id").asLong() < last, next.body()));

        AdminHttp.Reply byActor = http.send("GET", "/api/audit?actor=admin&target=" + b[0] + "&limit=10",
                admin.adminToken(), null);
        assertEquals(2, byActor.json().size(), "enable and token issue of b: " + byActor.body());
        AdminHttp.Reply wildcard = http.send("GET", "/api/audit?target=%25", admin.adminToken(), null);
        assertEquals(0, wildcard.json().size(), "% is a character, not a wildcard: " + wildcard.body());

        AdminHttp.Reply bad = http.send("GET", "/api/audit?before=abc", admin.adminToken(), null);
        assertEquals(400, bad.status());
        assertEquals("before", bad.field());
        assertEquals(403, http.send("GET", "/api/audit", a[2], null).status());
        assertNull(http.send("GET", "/api/audit?limit=5", admin.adminToken(), null).json().path(0).get("pin"));
    }
}
