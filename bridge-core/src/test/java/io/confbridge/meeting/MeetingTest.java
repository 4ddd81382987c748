package io.confbridge.meeting;

import io.confbridge.codec.Codec;
import io.confbridge.media.MediaEngine;
import io.confbridge.meeting.support.TestMember;
import io.confbridge.store.MeetingPolicy;
import io.confbridge.store.MeetingPolicy.AdmissionMode;
import io.confbridge.store.MeetingRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live meeting's rules: lobby, start, admission in arrival order, and the per-meeting policies. */
class MeetingTest {
    private static MediaEngine engine;
    private final MeetingRegistry registry = new MeetingRegistry(engine, Meeting.Tones.NONE, Duration.ofMinutes(10));
    /** What the meeting told its members, in order, shared by all of them. */
    private final Queue<String> events = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void startEngine() {
        engine = new MediaEngine(1);
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    private TestMember member(String name) {
        return new TestMember(name, events);
    }

    /** Enters and waits for the meeting's answer. */
    private Meeting.Entry enter(MeetingRecord record, TestMember member, Role role) {
        registry.enter(record, member, role);
        return member.awaitEntry();
    }

    /** Enters and answers the meeting instance that took the member. */
    private Meeting enterMeeting(MeetingRecord record, TestMember member, Role role) {
        enter(record, member, role);
        return member.awaitMeeting();
    }

    private Meeting.Status status() {
        return answer(registry.status("4711001"));
    }

    /** Waits for the meeting's loop to answer. */
    private static <T> T answer(CompletableFuture<T> answer) {
        return answer.orTimeout(5, TimeUnit.SECONDS).join();
    }

    private List<String> events() {
        return List.copyOf(events);
    }

    private static MeetingRecord meeting(boolean requirePin, MeetingPolicy policy) {
        return new MeetingRecord(1, "4711001", 42, requirePin, policy);
    }

    private static MeetingPolicy policy(boolean endOnLeave, int max, AdmissionMode mode) {
        return new MeetingPolicy(endOnLeave, 60, max, false, mode);
    }

    @Test
    void lobbyIsAdmittedInArrivalOrderWhenTheOrganizerArrives() {
        MeetingRecord record = meeting(true, MeetingPolicy.DEFAULT);
        TestMember a = member("a");
        TestMember b = member("b");
        TestMember c = member("c");
        assertEquals(Meeting.Entry.LOBBY, enter(record, a, Role.CALLER));
        assertEquals(Meeting.Entry.LOBBY, enter(record, b, Role.CALLER));
        assertEquals(Meeting.Entry.LOBBY, enter(record, c, Role.CALLER));
        assertEquals(new Meeting.Status(false, 3, 0), status());
        assertEquals(3, answer(registry.lobbyArrivals("4711001")).size());

        assertEquals(Meeting.Entry.ADMITTED, enter(record, member("org"), Role.ORGANIZER));

        assertEquals(List.of("a admitted", "b admitted", "c admitted"), events());
        assertEquals(new Meeting.Status(true, 0, 4), status());
    }

    @Test
    void theActivityListenerHearsEachChangeOnceAndNothingElse() {
        List<Meeting.Status> heard = new CopyOnWriteArrayList<>();
        registry.onActivity((id, status) -> {
            assertEquals("4711001", id);
            heard.add(status);
        });
        MeetingRecord record = meeting(true, MeetingPolicy.DEFAULT);
        enter(record, member("a"), Role.CALLER);
        enter(record, member("org"), Role.ORGANIZER);
        answer(registry.status("4711001")); // after everything the loop had to do

        assertEquals(new Meeting.Status(false, 1, 0), heard.get(0), "a waits: " + heard);
        assertEquals(new Meeting.Status(true, 0, 2), heard.get(heard.size() - 1), "both in: " + heard);
        for (int i = 1; i < heard.size(); i++) {
            assertFalse(heard.get(i).equals(heard.get(i - 1)), "only changes: " + heard);
        }
        assertTrue(heard.get(heard.size() - 1).talkers().isEmpty(), "nobody has spoken");
    }

    @Test
    void callersNeverStartAMeetingThatNeedsAPin() {
        MeetingRecord record = meeting(true, MeetingPolicy.DEFAULT);
        enter(record, member("a"), Role.CALLER);
        enter(record, member("b"), Role.CALLER);
        assertFalse(status().started());
    }

    @Test
    void meetingWithoutPinStartsWithItsFirstCaller() {
        MeetingRecord record = meeting(false, MeetingPolicy.DEFAULT);
        assertEquals(Meeting.Entry.ADMITTED, enter(record, member("a"), Role.CALLER));
        assertTrue(status().started());
    }

    @Test
    void meetingIsOverWhenTheLastParticipantLeavesAndTheNextCallerFindsANewOne() {
        MeetingRecord record = meeting(false, MeetingPolicy.DEFAULT);
        TestMember a = member("a");
        Meeting first = enterMeeting(record, a, Role.CALLER);
        first.leave(a);
        assertEquals(new Meeting.Status(false, 0, 0), status());
        Meeting second = enterMeeting(meeting(true, MeetingPolicy.DEFAULT), member("b"), Role.CALLER);
        assertTrue(first != second);
        assertFalse(status().started());
    }

    @Test
    void participantLimitRefusesFurtherCallersButNotTheOrganizer() {
        MeetingRecord record = meeting(false, policy(false, 2, AdmissionMode.AUTOMATIC));
        assertEquals(Meeting.Entry.ADMITTED, enter(record, member("a"), Role.CALLER));
        assertEquals(Meeting.Entry.ADMITTED, enter(record, member("b"), Role.CALLER));
        assertEquals(Meeting.Entry.FULL, enter(record, member("c"), Role.CALLER));
        assertEquals(Meeting.Entry.ADMITTED, enter(record, member("org"), Role.ORGANIZER));
        assertEquals(3, status().participantCount());
    }

    @Test
    void aLimitSetOnALiveMeetingCountsTheParticipantsOnOtherNodesToo() {
        MeetingRecord unlimited = meeting(false, policy(false, 0, AdmissionMode.AUTOMATIC));
        assertEquals(Meeting.Entry.ADMITTED, enter(unlimited, member("a"), Role.CALLER));
        // Both posted to the meeting's loop before the next caller's entry: they apply to it.
        assertTrue(registry.settingsChanged(meeting(false, policy(false, 3, AdmissionMode.AUTOMATIC))));
        registry.participantsElsewhere("4711001", 2);
        assertEquals(Meeting.Entry.FULL, enter(unlimited, member("b"), Role.CALLER));

        registry.participantsElsewhere("4711001", 1);
        assertEquals(Meeting.Entry.ADMITTED, enter(unlimited, member("c"), Role.CALLER));
        assertEquals(2, status().participantCount());
    }

    @Test
    void switchingToAutomaticAdmissionLetsTheHeldLobbyIn() {
        MeetingRecord record = meeting(true, policy(false, 0, AdmissionMode.ORGANIZER));
        enterMeeting(record, member("org"), Role.ORGANIZER);
        assertEquals(Meeting.Entry.HELD_FOR_ADMISSION, enter(record, member("a"), Role.CALLER));

        registry.settingsChanged(meeting(true, policy(false, 0, AdmissionMode.AUTOMATIC)));
        await("the held caller comes in").atMost(Duration.ofSeconds(5))
                .until(() -> status().participantCount() == 2 && status().lobbyCount() == 0);
        assertEquals(List.of("a admitted"), events());
    }

    @Test
    void lobbyBeyondTheLimitIsRefusedWhenTheMeetingStarts() {
        MeetingRecord record = meeting(true, policy(false, 2, AdmissionMode.AUTOMATIC));
        enter(record, member("a"), Role.CALLER);
        enter(record, member("b"), Role.CALLER);
        enter(record, member("c"), Role.CALLER);
        answer(registry.start(record));
        assertEquals(List.of("a admitted", "b admitted", "c full"), events());
    }

    @Test
    void organizerLeavingEndsTheMeetingForEveryoneWhenThePolicySaysSo() {
        MeetingRecord record = meeting(true, policy(true, 0, AdmissionMode.AUTOMATIC));
        TestMember a = member("a");
        TestMember org = member("org");
        enter(record, a, Role.CALLER);
        Meeting m = enterMeeting(record, org, Role.ORGANIZER);
        m.leave(org);
        assertEquals(new Meeting.Status(false, 0, 0), status()); // answered after the leave ran
        assertEquals(List.of("a admitted", "a organizer-left"), events());
    }

    @Test
    void organizerLeavingDoesNotEndTheMeetingByDefault() {
        MeetingRecord record = meeting(true, MeetingPolicy.DEFAULT);
        TestMember a = member("a");
        TestMember org = member("org");
        enter(record, a, Role.CALLER);
        Meeting m = enterMeeting(record, org, Role.ORGANIZER);
        m.leave(org);
        assertEquals(new Meeting.Status(true, 0, 1), status());
    }

    @Test
    void admissionByTheOrganizerHoldsCallersUntilAdmitted() {
        MeetingRecord record = meeting(true, policy(false, 0, AdmissionMode.ORGANIZER));
        enter(record, member("a"), Role.CALLER);
        Meeting m = enterMeeting(record, member("org"), Role.ORGANIZER);
        assertEquals(Meeting.Entry.HELD_FOR_ADMISSION, enter(record, member("b"), Role.CALLER));
        assertEquals(new Meeting.Status(true, 2, 1), status());
        assertTrue(events().isEmpty());

        assertEquals(2, answer(m.admitLobby()));
        assertEquals(List.of("a admitted", "b admitted"), events());
        assertEquals(new Meeting.Status(true, 0, 3), status());
    }

    @Test
    void startFromTheAppAdmitsTheLobby() {
        MeetingRecord record = meeting(true, MeetingPolicy.DEFAULT);
        enter(record, member("a"), Role.CALLER);
        answer(registry.start(record));
        assertEquals(List.of("a admitted"), events());
        assertEquals(Meeting.Entry.ADMITTED, enter(record, member("b"), Role.CALLER));
    }

    @Test
    void adminEndTellsEveryoneInTheLobbyAndTheMeeting() {
        MeetingRecord record = meeting(false, policy(false, 0, AdmissionMode.ORGANIZER));
        enter(record, member("first"), Role.CALLER);
        enter(record, member("waiting"), Role.CALLER);
        assertTrue(answer(registry.end("4711001")));
        // Both wait: with admission by the organizer even the caller who started it is held.
        assertEquals(List.of("first ended", "waiting ended"), events());
        assertFalse(answer(registry.end("4711001")));
    }

    @Test
    void meetingStartedFromTheAppEndsWhenNobodyComesWithinTheIdleTime() {
        MeetingRegistry quick = new MeetingRegistry(engine, Meeting.Tones.NONE, Duration.ofMillis(200));
        MeetingRecord record = meeting(true, MeetingPolicy.DEFAULT);
        assertEquals(new Meeting.Status(true, 0, 0), answer(quick.start(record)));
        await().atMost(Duration.ofSeconds(5)).until(() -> !answer(quick.status("4711001")).started());
        assertFalse(answer(quick.end("4711001")), "gone from the live meetings");
        TestMember late = member("late");
        quick.enter(record, late, Role.CALLER);
        assertEquals(Meeting.Entry.LOBBY, late.awaitEntry(), "a caller after the idle end finds a new, not started one");
    }

    @Test
    void meetingStartedFromTheAppStaysWhileSomeoneIsInIt() {
        MeetingRegistry quick = new MeetingRegistry(engine, Meeting.Tones.NONE, Duration.ofMillis(200));
        MeetingRecord record = meeting(true, MeetingPolicy.DEFAULT);
        answer(quick.start(record));
        TestMember a = member("a");
        quick.enter(record, a, Role.CALLER);
        assertEquals(Meeting.Entry.ADMITTED, a.awaitEntry());
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5))
                .until(() -> answer(quick.status("4711001")).equals(new Meeting.Status(true, 0, 1)));
    }
}
