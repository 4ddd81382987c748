package io.confbridge.server.admin;

import io.confbridge.meeting.Meeting;
import com.fasterxml.jackson.databind.JsonNode;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The organizer starts a meeting from the app (SPEC §3, issue #4), over real HTTP, with real SIP callers
 * waiting in the lobby: only the organizer's own token or the admin token starts it.
 */
class AppStartTest {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Duration TONE_WINDOW = Duration.ofSeconds(1);
    private static final double TONE_PRESENT = 0.6;

    private static RunningAdmin admin;
    private static RunningBridge bridge;
    private static AdminHttp http;

    @TempDir
    static Path dataDir;

    @BeforeAll
    static void start() throws Exception {
        admin = RunningAdmin.start(dataDir);
        bridge = admin.bridge();
        http = new AdminHttp(admin.url());
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void onlyTheOrganizersOwnTokenStartsTheMeetingAndAdmitsTheLobby() throws Exception {
        TestMeeting meeting = bridge.newMeeting(true);
        String id = meeting.conferenceId();
        String organizerToken = tokenFor(organizerOf(id));
        String otherEmail = "other" + SEQ.incrementAndGet() + "." + System.nanoTime() + "@contoso.com";
        assertEquals(201, http.send("POST", "/api/users", admin.adminToken(),
                "{\"email\":\"" + otherEmail + "\",\"displayName\":\"Someone Else\"}").status());
        String otherToken = tokenFor(otherEmail);
        List<TestPhone> callers = fillLobby(id, 3);

        for (String action : List.of("start", "admit")) {
            AdminHttp.Reply refused = http.send("POST", "/api/meetings/" + id + "/" + action, otherToken, null);
            assertEquals(403, refused.status(), action + ": " + refused.body());
            assertEquals("forbidden", refused.error());
        }
        assertEquals(403, http.send("GET", "/api/meetings/" + id, otherToken, null).status());
        Meeting.Status stillWaiting = bridge.status(id);
        assertFalse(stillWaiting.started());
        assertEquals(3, stillWaiting.lobbyCount());
        assertEquals(0, stillWaiting.participantCount());

        AdminHttp.Reply shown = http.send("GET", "/api/meetings/" + id, organizerToken, null);
        assertEquals(200, shown.status(), shown.body());
        assertEquals("lobby", shown.json().path("state").asText());
        assertEquals(3, shown.json().path("lobbyCount").asInt());
        assertEquals(0, shown.json().path("participantCount").asInt());
        List<Instant> arrivals = new ArrayList<>();
        shown.json().path("lobbyArrivals").forEach(at -> arrivals.add(Instant.parse(at.asText())));
        assertEquals(3, arrivals.size(), shown.body());
        for (int i = 1; i < arrivals.size(); i++) {
            assertFalse(arrivals.get(i).isBefore(arrivals.get(i - 1)), "oldest first: " + arrivals);
        }

        AdminHttp.Reply started = http.send("POST", "/api/meetings/" + id + "/start", organizerToken, null);
        assertEquals(200, started.status(), started.body());
        assertEquals("active", started.json().path("state").asText());
        await("everyone in the lobby is admitted").atMost(IVR_STEP).until(() -> {
            Meeting.Status s = bridge.status(id);
            return s.started() && s.participantCount() == 3 && s.lobbyCount() == 0;
        });
        AdminHttp.Reply after = http.send("GET", "/api/meetings/" + id, organizerToken, null);
        assertEquals(3, after.json().path("participantCount").asInt(), after.body());
        assertEquals(0, after.json().path("lobbyArrivals").size(), after.body());

        // Admitted for real: one caller hears another through the mix.
        callers.get(0).startTone(1000, -12);
        await("a caller hears another in the meeting").atMost(IVR_STEP)
                .untilAsserted(() -> assertTrue(callers.get(1).toneLevel(1000, TONE_WINDOW) > TONE_PRESENT,
                        "1 kHz level " + callers.get(1).toneLevel(1000, TONE_WINDOW)));

        JsonNode audit = http.send("GET", "/api/audit?limit=50", admin.adminToken(), null).json();
        assertTrue(hasAudit(audit, "meeting.start", id, organizerOf(id), "USER"), audit.toString());
        assertTrue(hasAudit(audit, "meeting.start.denied", id, otherEmail, "USER"), audit.toString());
    }

    @Test
    void theAdminTokenStartsAnyMeetingAndAdmitNeedsAStartedMeeting() throws Exception {
        TestMeeting meeting = bridge.newMeeting(true);
        String id = meeting.conferenceId();
        String token = admin.adminToken();
        fillLobby(id, 2);

        AdminHttp.Reply tooEarly = http.send("POST", "/api/meetings/" + id + "/admit", token, null);
        assertEquals(409, tooEarly.status(), tooEarly.body());
        assertEquals(2, bridge.status(id).lobbyCount());

        AdminHttp.Reply started = http.send("POST", "/api/meetings/" + id + "/start", token, "{}");
        assertEquals(200, started.status(), started.body());
        await("the lobby is admitted").atMost(IVR_STEP).until(() -> bridge.status(id).participantCount() == 2);
        assertEquals(0, bridge.status(id).lobbyCount());

        AdminHttp.Reply admitted = http.send("POST", "/api/meetings/" + id + "/admit", token, null);
        assertEquals(200, admitted.status(), admitted.body());
        assertEquals(0, admitted.json().path("admitted").asInt(), "nobody was left waiting");
        AdminHttp.Reply again = http.send("POST", "/api/meetings/" + id + "/start", token, null);
        assertEquals(200, again.status(), again.body());
        assertEquals(2, bridge.status(id).participantCount());

        AdminHttp.Reply body = http.send("POST", "/api/meetings/" + id + "/start", token, "{\"force\":true}");
        assertEquals(400, body.status());
        assertEquals("force", body.field());
    }

    @Test
    void anUnknownMeetingIs404ForTheAdminAndForbiddenForAUser() throws Exception {
        TestMeeting meeting = bridge.newMeeting(true);
        String userToken = tokenFor(organizerOf(meeting.conferenceId()));
        String unknown = "99999999999";

        assertEquals(404, http.send("POST", "/api/meetings/" + unknown + "/start", admin.adminToken(), null).status());
        // A user token cannot tell a meeting that does not exist from one that is not theirs.
        AdminHttp.Reply probed = http.send("POST", "/api/meetings/" + unknown + "/start", userToken, null);
        assertEquals(403, probed.status(), probed.body());
        assertEquals(403, http.send("GET", "/api/meetings/" + unknown, userToken, null).status());
        assertEquals(403, http.send("POST", "/api/meetings/" + unknown + "/end", userToken, null).status());
        // The organizer's token is for the endpoints on their own meetings only.
        assertEquals(403, http.send("GET", "/api/meetings", userToken, null).status());
        assertEquals(401, http.send("POST", "/api/meetings/" + meeting.conferenceId() + "/start", "nobody's", null)
                .status());
        assertFalse(bridge.status(meeting.conferenceId()).started());
    }

    /** Dials {@code count} callers one after another, each waiting in the lobby before the next dials. */
    private static List<TestPhone> fillLobby(String conferenceId, int count) {
        List<TestPhone> callers = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            TestPhone caller = bridge.newPhone("caller" + i);
            dialAndAnswered(caller, conferenceId);
            int waiting = i;
            await("caller " + i + " in the lobby").atMost(IVR_STEP)
                    .until(() -> bridge.status(conferenceId).lobbyCount() == waiting);
            callers.add(caller);
        }
        return callers;
    }

    private static String organizerOf(String conferenceId) throws Exception {
        AdminHttp.Reply meeting = http.send("GET", "/api/meetings/" + conferenceId, admin.adminToken(), null);
        assertEquals(200, meeting.status(), meeting.body());
        return meeting.json().path("organizerEmail").asText();
    }

    private static String tokenFor(String email) throws Exception {
        AdminHttp.Reply issued = http.send("POST", "/api/users/" + email + "/tokens", admin.adminToken(), null);
        assertEquals(201, issued.status(), issued.body());
        return issued.json().path("token").asText();
    }

    private static boolean hasAudit(JsonNode audit, String action, String target, String actor, String role) {
        for (JsonNode entry : audit) {
            if (action.equals(entry.path("action").asText()) && target.equals(entry.path("target").asText())
                    && actor.equals(entry.path("actor").asText()) && role.equals(entry.path("actorRole").asText())) {
                return true;
            }
        }
        return false;
    }
}
