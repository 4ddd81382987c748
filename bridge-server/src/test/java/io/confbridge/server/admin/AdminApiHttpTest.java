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
import java.util.List;
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

    private static String meetingFor(String email, String policyJson) throws Exception {
        AdminHttp.Reply created = http.send("POST", "/api/meetings", token,
                "{\"organizerEmail\":\"" + email + "\"" + policyJson + "}");
        assertEquals(201, created.status(), created.body());
        return created.json().path("conferenceId").asText();
    }

    private static String userToken(String email) throws Exception {
        return http.send("POST", "/api/users/" + email + "/tokens", token, null).json().path("token").asText();
    }

    @Test
    void aMeetingCreatedWithItsOwnPolicyShowsItAndPatchChangesOnlyTheGivenFields() throws Exception {
        String email = newEmail();
        enable(email);
        String id = meetingFor(email, ",\"requirePinToStart\":true,\"endOnOrganizerLeave\":true,"
                + "\"lobbyTimeoutMinutes\":42,\"maxParticipants\":7,\"entryExitTones\":false,"
                + "\"admissionMode\":\"organizer\"");

        JsonNode shown = http.send("GET", "/api/meetings/" + id, token, null).json();
        assertTrue(shown.path("requirePinToStart").asBoolean(), shown.toString());
        assertTrue(shown.path("endOnOrganizerLeave").asBoolean(), shown.toString());
        assertEquals(42, shown.path("lobbyTimeoutMinutes").asInt(), shown.toString());
        assertEquals(7, shown.path("maxParticipants").asInt(), shown.toString());
        assertFalse(shown.path("entryExitTones").asBoolean(), shown.toString());
        assertEquals("organizer", shown.path("admissionMode").asText(), shown.toString());

        AdminHttp.Reply patched = http.send("PATCH", "/api/meetings/" + id, token,
                "{\"maxParticipants\":12,\"admissionMode\":\"automatic\"}");
        assertEquals(200, patched.status(), patched.body());
        assertEquals(12, patched.json().path("maxParticipants").asInt());
        assertEquals("automatic", patched.json().path("admissionMode").asText());

        JsonNode after = http.send("GET", "/api/meetings/" + id, token, null).json();
        assertEquals(12, after.path("maxParticipants").asInt());
        assertEquals("automatic", after.path("admissionMode").asText());
        assertTrue(after.path("requirePinToStart").asBoolean(), "untouched: " + after);
        assertTrue(after.path("endOnOrganizerLeave").asBoolean(), "untouched: " + after);
        assertEquals(42, after.path("lobbyTimeoutMinutes").asInt(), "untouched: " + after);
        assertFalse(after.path("entryExitTones").asBoolean(), "untouched: " + after);
    }

    @Test
    void theOrganizersOwnTokenPatchesTheirMeetingAndAnotherUsersTokenIs403() throws Exception {
        String organizer = newEmail();
        String other = newEmail();
        enable(organizer);
        enable(other);
        String id = meetingFor(organizer, "");

        AdminHttp.Reply own = http.send("PATCH", "/api/meetings/" + id, userToken(organizer),
                "{\"requirePinToStart\":false,\"lobbyTimeoutMinutes\":9}");
        assertEquals(200, own.status(), own.body());
        assertFalse(own.json().path("requirePinToStart").asBoolean());
        assertEquals(9, own.json().path("lobbyTimeoutMinutes").asInt());

        String otherToken = userToken(other);
        AdminHttp.Reply refused = http.send("PATCH", "/api/meetings/" + id, otherToken, "{\"lobbyTimeoutMinutes\":1}");
        assertEquals(403, refused.status(), refused.body());
        assertEquals("forbidden", refused.error());
        assertEquals(9, http.send("GET", "/api/meetings/" + id, token, null).json().path("lobbyTimeoutMinutes").asInt());
        // An ID that does not exist looks the same to a user token: no probing which IDs exist.
        assertEquals(403, http.send("PATCH", "/api/meetings/99999999999", otherToken, "{}").status());
        assertEquals(404, http.send("PATCH", "/api/meetings/99999999999", token, "{}").status());
    }

    @Test
    void theOrganizerEndsTheirOwnMeetingAndAUserCannotTellAnUnknownIdFromSomeoneElses() throws Exception {
        String organizer = newEmail();
        String other = newEmail();
        enable(organizer);
        enable(other);
        String id = meetingFor(organizer, "");
        String unknown = "99999999998";
        String otherToken = userToken(other);

        AdminHttp.Reply ended = http.send("POST", "/api/meetings/" + id + "/end", userToken(organizer), null);
        assertEquals(200, ended.status(), ended.body());
        assertEquals(id, ended.json().path("conferenceId").asText());

        AdminHttp.Reply theirs = http.send("POST", "/api/meetings/" + id + "/end", otherToken, null);
        JsonNode theirsAudit = lastAudit();
        AdminHttp.Reply missing = http.send("POST", "/api/meetings/" + unknown + "/end", otherToken, null);
        JsonNode missingAudit = lastAudit();
        assertEquals(403, theirs.status(), theirs.body());
        assertEquals(theirs.status(), missing.status());
        assertEquals(theirs.body(), missing.body(), "the same answer, so a user token cannot probe IDs");
        assertEquals("meeting.end.denied", theirsAudit.path("action").asText(), theirsAudit.toString());
        for (String key : List.of("action", "actor", "actorRole", "detail")) {
            assertEquals(theirsAudit.path(key), missingAudit.path(key), key);
        }
        assertEquals(unknown, missingAudit.path("target").asText());

        AdminHttp.Reply byAdmin = http.send("POST", "/api/meetings/" + unknown + "/end", token, null);
        assertEquals(404, byAdmin.status(), byAdmin.body());
        assertEquals("not_found", byAdmin.error());
    }

    @Test
    void aLobbyTimeoutLongerThanTheNodesIs400NamingTheFieldAndTheMaximum() throws Exception {
        // The test bridge runs with the default ivr.lobbyTimeoutMs, 3 600 000 ms: 60 minutes at most.
        String email = newEmail();
        enable(email);
        String id = meetingFor(email, ",\"lobbyTimeoutMinutes\":60");

        List<AdminHttp.Reply> refused = List.of(
                http.send("POST", "/api/meetings", token,
                        "{\"organizerEmail\":\"" + email + "\",\"lobbyTimeoutMinutes\":61}"),
                http.send("PATCH", "/api/meetings/" + id, token, "{\"lobbyTimeoutMinutes\":61}"),
                http.send("PATCH", "/api/meetings/" + id, userToken(email), "{\"lobbyTimeoutMinutes\":61}"),
                http.send("PATCH", "/api/settings", token, "{\"lobbyTimeoutMinutes\":61}"));
        for (AdminHttp.Reply reply : refused) {
            assertEquals(400, reply.status(), reply.body());
            assertEquals("lobbyTimeoutMinutes", reply.field());
            assertTrue(reply.json().path("message").asText().contains("1–60"), reply.body());
            assertTrue(reply.json().path("message").asText().contains("ivr.lobbyTimeoutMs"), reply.body());
        }
        assertEquals(60, http.send("GET", "/api/meetings/" + id, token, null).json().path("lobbyTimeoutMinutes").asInt());
        assertTrue(http.send("GET", "/api/settings", token, null).json().path("lobbyTimeoutMinutes").asInt() <= 60);
    }

    private static JsonNode lastAudit() throws Exception {
        return http.send("GET", "/api/audit?limit=1", token, null).json().get(0);
    }

    @Test
    void aBadAdmissionModeIs400NamingTheField() throws Exception {
        String email = newEmail();
        enable(email);
        AdminHttp.Reply create = http.send("POST", "/api/meetings", token,
                "{\"organizerEmail\":\"" + email + "\",\"admissionMode\":\"whenever\"}");
        assertEquals(400, create.status(), create.body());
        assertEquals("admissionMode", create.field());

        String id = meetingFor(email, "");
        AdminHttp.Reply patch = http.send("PATCH", "/api/meetings/" + id, token, "{\"admissionMode\":\"whenever\"}");
        assertEquals(400, patch.status(), patch.body());
        assertEquals("admissionMode", patch.field());

        AdminHttp.Reply settings = http.send("PATCH", "/api/settings", token, "{\"admissionMode\":\"whenever\"}");
        assertEquals(400, settings.status(), settings.body());
        assertEquals("admissionMode", settings.field());

        AdminHttp.Reply tooMany = http.send("PATCH", "/api/meetings/" + id, token, "{\"maxParticipants\":-1}");
        assertEquals(400, tooMany.status(), tooMany.body());
        assertEquals("maxParticipants", tooMany.field());
    }

    @Test
    void theMeetingPolicyDefaultsRoundTripThroughTheSettings() throws Exception {
        JsonNode before = http.send("GET", "/api/settings", token, null).json();
        for (String key : new String[] {"endOnOrganizerLeave", "maxParticipants", "entryExitTones", "admissionMode"}) {
            assertTrue(before.has(key), key + " in " + before);
        }
        boolean end = !before.path("endOnOrganizerLeave").asBoolean();
        boolean tones = !before.path("entryExitTones").asBoolean();
        int max = before.path("maxParticipants").asInt() == 25 ? 26 : 25;
        String mode = before.path("admissionMode").asText().equals("organizer") ? "automatic" : "organizer";
        try {
            AdminHttp.Reply changed = http.send("PATCH", "/api/settings", token, "{\"endOnOrganizerLeave\":" + end
                    + ",\"maxParticipants\":" + max + ",\"entryExitTones\":" + tones
                    + ",\"admissionMode\":\"" + mode + "\"}");
            assertEquals(200, changed.status(), changed.body());
            JsonNode after = http.send("GET", "/api/settings", token, null).json();
            assertEquals(end, after.path("endOnOrganizerLeave").asBoolean());
            assertEquals(max, after.path("maxParticipants").asInt());
            assertEquals(tones, after.path("entryExitTones").asBoolean());
            assertEquals(mode, after.path("admissionMode").asText());
            assertEquals(before.path("pinLength").asInt(), after.path("pinLength").asInt());
            assertEquals(before.path("language").asText(), after.path("language").asText());

            // A meeting without its own values follows the defaults.
            String email = newEmail();
            enable(email);
            JsonNode meeting = http.send("GET", "/api/meetings/" + meetingFor(email, ""), token, null).json();
            assertEquals(max, meeting.path("maxParticipants").asInt(), meeting.toString());
            assertEquals(mode, meeting.path("admissionMode").asText(), meeting.toString());
        } finally {
            http.send("PATCH", "/api/settings", token, "{\"endOnOrganizerLeave\":"
                    + before.path("endOnOrganizerLeave").asBoolean() + ",\"maxParticipants\":"
                    + before.path("maxParticipants").asInt() + ",\"entryExitTones\":"
                    + before.path("entryExitTones").asBoolean() + ",\"admissionMode\":\""
                    + before.path("admissionMode").asText() + "\"}");
        }
    }

    @Test
    void sipCredentialsAreSetByTheAdminAndThePasswordIsNeverShown() throws Exception {
        String email = newEmail();
        enable(email);
        String username = "sip" + SEQ.incrementAndGet() + "." + System.nanoTime();
        // Letters and digits only, so that a JSON parser's "unrecognized token" message would quote all of it.
        String password = "Zq7secret" + System.nanoTime();
        String body = "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";

        AdminHttp.Reply set = http.send("PUT", "/api/users/" + email + "/sip-credentials", token, body);
        assertEquals(200, set.status(), set.body());
        assertTrue(set.json().path("sipCredentialsSet").asBoolean(), set.body());
        assertEquals(username, set.json().path("sipUsername").asText());
        assertEquals(email, set.json().path("email").asText());
        assertFalse(set.body().contains(password), "the response must not echo the password");
        assertTrue(http.send("GET", "/api/users/" + email, token, null).json().path("sipCredentialsSet").asBoolean());

        String user = userToken(email);
        AdminHttp.Reply byUser = http.send("PUT", "/api/users/" + email + "/sip-credentials", user, body);
        assertEquals(403, byUser.status(), byUser.body());

        AdminHttp.Reply shortPassword = http.send("PUT", "/api/users/" + email + "/sip-credentials", token,
                "{\"username\":\"" + username + "\",\"password\":\"short\"}");
        assertEquals(400, shortPassword.status(), shortPassword.body());
        assertEquals("password", shortPassword.field());
        assertFalse(shortPassword.body().contains("short\""), shortPassword.body());
        AdminHttp.Reply noUsername = http.send("PUT", "/api/users/" + email + "/sip-credentials", token,
                "{\"password\":\"" + password + "\"}");
        assertEquals(400, noUsername.status(), noUsername.body());
        assertEquals("username", noUsername.field());
        AdminHttp.Reply malformed = http.send("PUT", "/api/users/" + email + "/sip-credentials", token,
                "{\"username\":\"u\",\"password\":" + password + "}");
        assertEquals(400, malformed.status(), malformed.body());
        assertFalse(malformed.body().contains(password), "a parse error must not quote the password");

        AdminHttp.Reply audit = http.send("GET", "/api/audit?limit=1000", token, null);
        assertTrue(audit.body().contains("user.sip-credentials"), audit.body());
        assertFalse(audit.body().contains(password), "the audit log must not hold the password");
    }
}
