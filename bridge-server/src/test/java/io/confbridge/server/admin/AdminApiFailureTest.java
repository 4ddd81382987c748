package io.confbridge.server.admin;

import io.confbridge.admin.Administration;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An unexpected failure below the API is a 500 that tells the client nothing about the cause. */
class AdminApiFailureTest {

    /** Every directory call fails the way a broken database would. */
    private static final class BrokenAdministration implements Administration {
        private static RuntimeException broken() {
            return new IllegalStateException("database connection secret-detail lost");
        }

        public PinIssued enableUser(Actor a, String e, String d, String p, boolean s, String t) { throw broken(); }
        public UserView getUser(String email) { throw broken(); }
        public List<UserView> listUsers() { throw broken(); }
        public PinIssued resetPin(Actor a, String e, boolean s, String t) { throw broken(); }
        public UserView disableUser(Actor a, String e) { throw broken(); }
        public UserView clearLockout(Actor a, String e) { throw broken(); }
        public int revokeUserTokens(Actor a, String e) { throw broken(); }
        public TenantSettings settings() { throw broken(); }
        public TenantSettings updateSettings(Actor a, SettingsChange c) { throw broken(); }
        public MeetingView createMeeting(Actor a, String o, MeetingSettings s) { throw broken(); }
        public UserView setSipCredentials(Actor a, String e, String u, String p) { throw broken(); }
        public MeetingView getMeeting(String id) { throw broken(); }
        public List<MeetingView> listMeetings() { throw broken(); }
        public List<AuditEntry> audit(int limit) { throw broken(); }
        public List<AuditEntry> audit(AuditQuery query) { throw broken(); }
        public List<MeetingView> meetingsOf(Actor a) { throw broken(); }
        public String issueUserToken(Actor a, String e) { throw broken(); }
        public Optional<String> userForToken(String token) { return Optional.empty(); }
    }

    // No meeting control: these requests never reach a meeting endpoint.
    private final AdminApi api = new AdminApi(new BrokenAdministration(), null, "admin-token");

    private static ApiRequest get(String path, String authorization) {
        return new ApiRequest("GET", path, Map.of(), new byte[0], authorization, "127.0.0.1");
    }

    @Test
    void anUnexpectedFailureIs500WithoutTheCause() {
        ApiResponse response = api.handle(get("/api/users", "Bearer admin-token"));
        assertEquals(500, response.status());
        String body = new String(response.json(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"error\":\"internal_error\""), body);
        assertFalse(body.contains("secret-detail"), body);
        assertFalse(body.contains("IllegalStateException"), body);
    }

    @Test
    void theSchemeIsCaseInsensitiveButMustBeBearer() {
        assertEquals(500, api.handle(get("/api/settings", "bearer admin-token")).status());
        ApiResponse basic = api.handle(get("/api/settings", "Basic YWRtaW46YWRtaW4="));
        assertEquals(401, basic.status());
        assertEquals("Bearer realm=\"confbridge-admin\"", basic.headers().get("WWW-Authenticate"));
    }
}
