package io.confbridge.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.confbridge.meeting.Meeting;
import io.confbridge.server.support.EventStream;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SdpOffer;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who is speaking, seen from the organizer's side (issue 11 §3): {@code talkers} in the meeting's API
 * view and the meeting's event stream ({@code GET /api/meetings/{id}/events}), with a real running
 * bridge and real phones in a started meeting; and in-band DTMF kept out of what the others hear.
 */
class MeetingTalkersTest {
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
    void theLoudCallerIsTheTalkerInTheViewAndInTheEventStream() throws Exception {
        TestMeeting meeting = bridge.newMeeting(false);
        String id = meeting.conferenceId();
        String organizerToken = tokenFor(organizerOf(id));
        EventStream events = EventStream.open(admin.url(), id, organizerToken);
        assertEquals(200, events.status());
        assertTrue(events.contentType().startsWith("text/event-stream"), events.contentType());
        await("the stream's first event, the meeting as it is").atMost(IVR_STEP)
                .until(() -> events.has("meeting", e -> id.equals(e.path("conferenceId").asText())));

        String loudName = "loud" + SEQ.incrementAndGet();
        String quietName = "quiet" + SEQ.incrementAndGet();
        TestPhone loud = bridge.newPhone(loudName);
        TestPhone quiet = bridge.newPhone(quietName);
        startedMeetingOfTwo(id, loud, quiet, SdpOffer.PCMU_PCMA_TELEPHONE_EVENT);
        await("the stream tells the participant count").atMost(IVR_STEP)
                .until(() -> events.has("meeting", e -> e.path("participantCount").asInt() == 2));

        loud.startTone(1000, -12);
        await("the loud caller is the one talker in the view").atMost(IVR_STEP).untilAsserted(() -> {
            AdminHttp.Reply shown = http.send("GET", "/api/meetings/" + id, organizerToken, null);
            assertEquals(200, shown.status(), shown.body());
            assertEquals(List.of(loudName), callerIds(shown.json().path("talkers")), shown.body());
        });
        assertTrue(events.has("talkers", e -> callerIds(e.path("talkers")).equals(List.of(loudName))),
                "a talkers event names the loud caller: " + events.all());
        assertFalse(events.has("talkers", e -> callerIds(e.path("talkers")).contains(quietName)),
                "the silent caller is never a talker: " + events.all());
        JsonNode listed = findMeeting(http.send("GET", "/api/meetings", admin.adminToken(), null).json(), id);
        assertEquals(List.of(loudName), callerIds(listed.path("talkers")), listed.toString());

        loud.stopTone();
        loud.startSilence();
        await("nobody talks once the tone stops").atMost(IVR_STEP)
                .until(() -> events.lastOf("talkers").path("talkers").isArray()
                        && events.lastOf("talkers").path("talkers").isEmpty());
        AdminHttp.Reply after = http.send("GET", "/api/meetings/" + id, organizerToken, null);
        assertTrue(after.json().path("talkers").isArray() && after.json().path("talkers").isEmpty(),
                "the view's talkers once the hangover is over: " + after.body());
        events.close();
    }

    @Test
    void anotherUsersTokenGetsNoStreamAndTooManyStreamsAreRefused() throws Exception {
        TestMeeting meeting = bridge.newMeeting(true);
        String id = meeting.conferenceId();
        String otherEmail = "watcher" + SEQ.incrementAndGet() + "." + System.nanoTime() + "@contoso.com";
        assertEquals(201, http.send("POST", "/api/users", admin.adminToken(),
                "{\"email\":\"" + otherEmail + "\",\"displayName\":\"Someone Else\"}").status());
        String otherToken = tokenFor(otherEmail);

        EventStream refused = EventStream.open(admin.url(), id, otherToken);
        assertEquals(403, refused.status(), "another user's token: " + refused.all());
        refused.close();
        EventStream anonymous = EventStream.open(admin.url(), id, "nobody's");
        assertEquals(401, anonymous.status());
        anonymous.close();

        String organizerToken = tokenFor(organizerOf(id));
        List<EventStream> open = new ArrayList<>();
        for (int i = 0; i < MeetingEvents.MAX_STREAMS_PER_WATCHER; i++) {
            EventStream s = EventStream.open(admin.url(), id, organizerToken);
            assertEquals(200, s.status(), "stream " + (i + 1));
            open.add(s);
        }
        EventStream oneTooMany = EventStream.open(admin.url(), id, organizerToken);
        assertEquals(429, oneTooMany.status());
        oneTooMany.close();
        // A closed stream frees its place.
        open.remove(0).close();
        await("a closed stream's place is free again").atMost(IVR_STEP).until(() -> {
            EventStream again = EventStream.open(admin.url(), id, organizerToken);
            boolean ok = again.status() == 200;
            if (ok) {
                open.add(again);
            } else {
                again.close();
            }
            return ok;
        });
        open.forEach(EventStream::close);
    }

    @Test
    void inBandKeysOfOneParticipantAreNotHeardByTheOtherWhileAToneIs() throws Exception {
        TestMeeting meeting = bridge.newMeeting(false);
        String id = meeting.conferenceId();
        TestPhone typist = bridge.newPhone("typist" + SEQ.incrementAndGet());
        TestPhone listener = bridge.newPhone("listener" + SEQ.incrementAndGet());
        // Phones without telephone-event: the bridge listens for their keys in the audio.
        startedMeetingOfTwo(id, typist, listener, SdpOffer.NO_TELEPHONE_EVENT);

        long before = System.nanoTime();
        typist.sendDtmfInband("1590"); // 4 × 100 ms of key tones at -10 dBFS per tone: 20 loud frames
        int audible = listener.audibleFramesSince(before);
        assertTrue(audible <= 3, "the listener heard " + audible + " audible frames of the typist's keys");

        typist.startTone(1000, -12);
        await("a plain tone (a voice) of the same caller is heard").atMost(IVR_STEP)
                .untilAsserted(() -> assertTrue(listener.toneLevel(1000, TONE_WINDOW) > TONE_PRESENT,
                        "1 kHz level at listener " + listener.toneLevel(1000, TONE_WINDOW)));
    }

    /** Two callers dial a meeting that needs no PIN: the first starts it, both are in, the join sounds over. */
    private static void startedMeetingOfTwo(String id, TestPhone first, TestPhone second, SdpOffer offer) {
        for (TestPhone phone : List.of(first, second)) {
            assertEquals(200, phone.dial(id, offer), phone.name() + " dialling " + id);
            phone.startSilence();
        }
        await("meeting started with both").atMost(IVR_STEP).until(() -> {
            Meeting.Status s = bridge.status(id);
            return s.started() && s.participantCount() == 2 && s.lobbyCount() == 0;
        });
        await("join announcements over").atMost(IVR_STEP)
                .until(() -> !first.isHearingAudio(TONE_WINDOW) && !second.isHearingAudio(TONE_WINDOW));
    }

    private static List<String> callerIds(JsonNode talkers) {
        List<String> ids = new ArrayList<>();
        talkers.forEach(t -> ids.add(t.path("callerId").asText()));
        return ids;
    }

    private static JsonNode findMeeting(JsonNode list, String id) {
        for (JsonNode m : list) {
            if (id.equals(m.path("conferenceId").asText())) {
                return m;
            }
        }
        throw new AssertionError("meeting " + id + " not in " + list);
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
}
