package io.confbridge.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API over real HTTP on 127.0.0.1. */
class AdminApiHttpTest {

    private static final AtomicInteger SEQ = new AtomicInteger();

    private static RunningAdmin admin;
    private static AdminHttp http;
    private static String token;

    @TempDir
    static Path dataDir;

    @BeforeAll
    static void start() throws Exception {
        admin = RunningAdmin.start(dataDir);
        http = new AdminHttp(admin.url());
        token = admin.adminToken();
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
    }

    private static String newEmail() {
        return "user" + SEQ.incrementAndGet() + "." + System.nanoTime() + "@contoso.com";
    }

    private static AdminHttp.Reply enable(String email) throws Exception {
        return http.send("POST", "/api/users", token,
                "{\"email\":\"" + email + "\",\"displayName\":\"Amos Marble\"}");
    }

    @Test
    void enableShowsThePinOnceAndGetAndListNeverShowIt() throws Exception {
        String email = newEmail();
        AdminHttp.Reply enabled = enable(email);
        assertEquals(201, enabled.status(), enabled.body());
        String pin = enabled.json().path("pin").asText();
        assertTrue(pin.matches("\\d{4,12}"), "a PIN of digits: " + pin);
        assertEquals(email, enabled.json().path("email").asText());
        assertTrue(enabled.json().path("mail").isObject(), enabled.body());
        assertTrue(enabled.json().path("mail").has("deliverManually"), enabled.body());

        AdminHttp.Reply got = http.send("GET", "/api/users/" + email, token, null);
        assertEquals(200, got.status());
        assertEquals("*****", got.json().path("pin").asText());
        assertEquals("Amos Marble", got.json().path("displayName").asText());
        assertFalse(got.body().contains(pin), "get must not show the PIN");

        AdminHttp.Reply list = http.send("GET", "/api/users", token, null);
        assertEquals(200, list.status());
        assertTrue(list.body().contains(email));
        assertFalse(list.body().contains("\"" + pin + "\""), "list must not show the PIN");
        for (JsonNode user : list.json()) {
            assertEquals("*****", user.path("pin").asText());
        }
    }

    @Test
    void resetPinGivesANewDifferentPin() throws Exception {
        String email = newEmail();
        String first = enable(email).json().path("pin").asText();
        AdminHttp.Reply reset = http.send("POST", "/api/users/" + email + "/reset-pin", token, "{}");
        assertEquals(200, reset.status(), reset.body());
        String second = reset.json().path("pin").asText();
        assertTrue(second.matches("\\d{4,12}"), second);
        assertNotEquals(first, second);
        assertTrue(reset.json().path("mail").isObject());
    }

    @Test
    void pinLengthChangeAppliesOnlyToPinsGeneratedAfterwards() throws Exception {
        int before = http.send("GET", "/api/settings", token, null).json().path("pinLength").asInt();
        int after = before == 7 ? 8 : 7;
        String old = newEmail();
        assertEquals(before, enable(old).json().path("pin").asText().length());
        try {
            AdminHttp.Reply changed = http.send("PATCH", "/api/settings", token, "{\"pinLength\":" + after + "}");
            assertEquals(200, changed.status(), changed.body());
            assertEquals(after, changed.json().path("pinLength").asInt());

            String fresh = newEmail();
            assertEquals(after, enable(fresh).json().path("pin").asText().length());
            assertEquals(before, http.send("GET", "/api/users/" + old, token, null).json().path("pinLength").asInt());
            assertEquals(after, http.send("GET", "/api/users/" + fresh, token, null).json().path("pinLength").asInt());
        } finally {
            http.send("PUT", "/api/settings", token, "{\"pinLength\":" + before + "}");
        }
    }

    @Test
    void aUserTokenCannotResetAPinNorCallAnyAdminEndpoint() throws Exception {
        String email = newEmail();
        enable(email);
        AdminHttp.Reply issued = http.send("POST", "/api/users/" + email + "/tokens", token, null);
        assertEquals(201, issued.status(), issued.body());
        String userToken = issued.json().path("token").asText();
        assertFalse(userToken.isEmpty());

        AdminHttp.Reply reset = http.send("POST", "/api/users/" + email + "/reset-pin", userToken, "{}");
        assertEquals(403, reset.status());
        assertEquals("forbidden", reset.error());
        assertFalse(reset.json().has("pin"));
        assertEquals(403, http.send("GET", "/api/users/" + email, userToken, null).status());
        assertEquals(403, http.send("GET", "/api/settings", userToken, null).status());
    }

    @Test
    void noOrWrongTokenIs401WithABearerChallenge() throws Exception {
        AdminHttp.Reply none = http.send("GET", "/api/users", null, null);
        assertEquals(401, none.status());
        assertEquals("unauthorized", none.error());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));

        assertEquals(401, http.send("GET", "/api/users", "not-the-token", null).status());
        assertEquals(401, http.send("POST", "/api/users", "", "{}").status());
    }

    @Test
    void badInputIs400NamingTheField() throws Exception {
        AdminHttp.Reply missing = http.send("POST", "/api/users", token, "{\"displayName\":\"X\"}");
        assertEquals(400, missing.status());
        assertEquals("email", missing.field());

        AdminHttp.Reply wrongType = http.send("PATCH", "/api/settings", token, "{\"pinLength\":\"6\"}");
        assertEquals(400, wrongType.status(), wrongType.body());
        assertEquals("pinLength", wrongType.field());

        AdminHttp.Reply outOfRange = http.send("PATCH", "/api/settings", token, "{\"pinLength\":3}");
        assertEquals(400, outOfRange.status(), outOfRange.body());
        assertEquals("pinLength", outOfRange.field());

        AdminHttp.Reply unknown = http.send("PATCH", "/api/settings", token, "{\"pinLenght\":6}");
        assertEquals(400, unknown.status());
        assertEquals("pinLenght", unknown.field());

        AdminHttp.Reply malformed = http.send("POST", "/api/users", token, "{\"email\":");
        assertEquals(400, malformed.status());
        assertEquals("bad_request", malformed.error());

        AdminHttp.Reply notAnObject = http.send("POST", "/api/meetings", token, "[1,2]");
        assertEquals(400, notAnObject.status());

        AdminHttp.Reply badLimit = http.send("GET", "/api/audit?limit=lots", token, null);
        assertEquals(400, badLimit.status());
        assertEquals("limit", badLimit.field());

        AdminHttp.Reply bodyOnDisable = http.send("POST", "/api/users/" + newEmail() + "/disable", token,
                "{\"really\":true}");
        assertEquals(400, bodyOnDisable.status());
        assertEquals("really", bodyOnDisable.field());
    }

    @Test
    void unknownUserMeetingOrRouteIs404AndWrongMethodIs405() throws Exception {
        AdminHttp.Reply user = http.send("GET", "/api/users/nobody@contoso.com", token, null);
        assertEquals(404, user.status());
        assertEquals("not_found", user.error());
        assertEquals(404, http.send("POST", "/api/users/nobody@contoso.com/reset-pin", token, "{}").status());
        assertEquals(404, http.send("GET", "/api/meetings/0000000", token, null).status());
        assertEquals(404, http.send("GET", "/api/nothing-here", token, null).status());

        AdminHttp.Reply wrongMethod = http.send("DELETE", "/api/users", token, null);
        assertEquals(405, wrongMethod.status());
        assertEquals("GET, POST", wrongMethod.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void enablingTheSameUserTwiceIs409() throws Exception {
        String email = newEmail();
        assertEquals(201, enable(email).status());
        AdminHttp.Reply again = enable(email);
        assertEquals(409, again.status());
        assertEquals("conflict", again.error());
    }

    @Test
    void anOversizedBodyIs413AsJson() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(admin.url().replaceAll(".*:", "")))) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8); // server closes after it
            assertTrue(response.startsWith("HTTP/1.1 413"), response);
            assertTrue(response.contains("\"error\":\"too_large\""), response);
        }
    }

    @Test
    void meetingsAreCreatedListedShownAndEnded() throws Exception {
        String email = newEmail();
        enable(email);
        AdminHttp.Reply created = http.send("POST", "/api/meetings", token,
                "{\"organizerEmail\":\"" + email + "\",\"requirePinToStart\":true}");
        assertEquals(201, created.status(), created.body());
        String id = created.json().path("conferenceId").asText();
        assertTrue(id.matches("\\d+"), id);
        assertTrue(created.json().path("requirePinToStart").asBoolean());

        assertEquals(email, http.send("GET", "/api/meetings/" + id, token, null).json().path("organizerEmail").asText());
        assertTrue(http.send("GET", "/api/meetings", token, null).body().contains(id));
        assertTrue(http.send("GET", "/api/users/" + email, token, null).body().contains(id));

        AdminHttp.Reply ended = http.send("POST", "/api/meetings/" + id + "/end", token, null);
        assertEquals(200, ended.status(), ended.body());

        AdminHttp.Reply noOrganizer = http.send("POST", "/api/meetings", token, "{}");
        assertEquals(400, noOrganizer.status());
        assertEquals("organizerEmail", noOrganizer.field());
    }

    @Test
    void theAuditLogRecordsWhoAndFromWhereButNeverThePin() throws Exception {
        String email = newEmail();
        String pin = enable(email).json().path("pin").asText();
        String resetPin = http.send("POST", "/api/users/" + email + "/reset-pin", token, null).json().path("pin").asText();

        AdminHttp.Reply audit = http.send("GET", "/api/audit?limit=1000", token, null);
        assertEquals(200, audit.status());
        boolean sawEnable = false;
        for (JsonNode entry : audit.json()) {
            if (email.equals(entry.path("target").asText()) && entry.path("action").asText().contains("enable")) {
                sawEnable = true;
                assertEquals("127.0.0.1", entry.path("clientAddress").asText());
                assertEquals("ADMIN", entry.path("actorRole").asText());
            }
        }
        assertTrue(sawEnable, audit.body());
        assertFalse(audit.body().contains(pin));
        assertFalse(audit.body().contains(resetPin));
    }
}
