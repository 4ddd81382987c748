package io.confbridge.meeting;

import io.confbridge.meeting.Role;
import io.confbridge.codec.Codec;
import io.confbridge.media.MediaEngine;
import io.confbridge.mixer.ParticipantAudio;
import io.confbridge.store.MeetingPolicy;
import io.confbridge.store.MeetingPolicy.AdmissionMode;
import io.confbridge.store.MeetingRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live meeting's rules: lobby, start, admission in arrival order, and the per-meeting policies. */
class MeetingTest {
    private static MediaEngine engine;
    private final MeetingRegistry registry = new MeetingRegistry(engine);
    private final List<String> events = new ArrayList<>();

    @BeforeAll
    static void startEngine() {
        engine = new MediaEngine(1);
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    /** A member that writes down what the meeting told it, in order. */
    private final class Member implements MeetingMember {
        final String name;
        final ParticipantAudio audio = new ParticipantAudio(Codec.PCMU);

        Member(String name) {
            this.name = name;
        }

        @Override
        public ParticipantAudio audio() {
            return audio;
        }

        @Override
        public void admitted() {
            events.add(name + " admitted");
        }

        @Override
        public void meetingFull() {
            events.add(name + " full");
        }

        @Override
        public void meetingEnded(boolean organizerLeft) {
            events.add(name + (organizerLeft ? " organizer-left" : " ended"));
        }
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
        Member a = new Member("a");
        Member b = new Member("b");
        Member c = new Member("c");
        assertEquals(Meeting.Entry.LOBBY, registry.enter(record, a, Role.CALLER).entry());
        assertEquals(Meeting.Entry.LOBBY, registry.enter(record, b, Role.CALLER).entry());
        assertEquals(Meeting.Entry.LOBBY, registry.enter(record, c, Role.CALLER).entry());
        assertEquals(new Meeting.Status(false, 3, 0), registry.status("4711001"));
        assertEquals(3, registry.live("4711001").orElseThrow().lobbyArrivals().size());

        assertEquals(Meeting.Entry.ADMITTED, registry.enter(record, new Member("org"), Role.ORGANIZER).entry());

        assertEquals(List.of("a admitted", "b admitted", "c admitted"), events);
        assertEquals(new Meeting.Status(true, 0, 4), registry.status("4711001"));
    }

    @Test
    void callersNeverStartAMeetingThatNeedsAPin() {
        MeetingRecord record = meeting(true, MeetingPolicy.DEFAULT);
        registry.enter(record, new Member("a"), Role.CALLER);
        registry.enter(record, new Member("b"), Role.CALLER);
        assertFalse(registry.status("4711001").started());
    }

    @Test
    void meetingWithoutPinStartsWithItsFirstCaller() {
        MeetingRecord record = meeting(false, MeetingPolicy.DEFAULT);
        assertEquals(Meeting.Entry.ADMITTED, registry.enter(record, new Member("a"), Role.CALLER).entry());
        assertTrue(registry.status("4711001").started());
    }

    @Test
    void meetingIsOverWhenTheLastParticipantLeavesAndTheNextCallerFindsANewOne() {
        MeetingRecord record = meeting(false, MeetingPolicy.DEFAULT);
        Member a = new Member("a");
        Meeting first = registry.enter(record, a, Role.CALLER).meeting();
        first.leave(a);
        assertEquals(new Meeting.Status(false, 0, 0), registry.status("4711001"));
        Meeting second = registry.enter(meeting(true, MeetingPolicy.DEFAULT), new Member("b"), Role.CALLER).meeting();
        assertTrue(first != second);
        assertFalse(registry.status("4711001").started());
    }

    @Test
    void participantLimitRefusesFurtherCallersButNotTheOrganizer() {
        MeetingRecord record = meeting(false, policy(false, 2, AdmissionMode.AUTOMATIC));
        assertEquals(Meeting.Entry.ADMITTED, registry.enter(record, new Member("a"), Role.CALLER).entry());
        assertEquals(Meeting.Entry.ADMITTED, registry.enter(record, new Member("b"), Role.CALLER).entry());
        assertEquals(Meeting.Entry.FULL, registry.enter(record, new Member("c"), Role.CALLER).entry());
        assertEquals(Meeting.Entry.ADMITTED, registry.enter(record, new Member("org"), Role.ORGANIZER).entry());
        assertEquals(3, registry.status("4711001").participantCount());
    }

    @Test
    void lobbyBeyondTheLimitIsRefusedWhenTheMeetingStarts() {
        MeetingRecord record = meeting(true, policy(false, 2, AdmissionMode.AUTOMATIC));
        registry.enter(record, new Member("a"), Role.CALLER);
        registry.enter(record, new Member("b"), Role.CALLER);
        registry.enter(record, new Member("c"), Role.CALLER);
        registry.start(record);
        assertEquals(List.of("a admitted", "b admitted", "c full"), events);
    }

    @Test
    void organizerLeavingEndsTheMeetingForEveryoneWhenThePolicySaysSo() {
        MeetingRecord record = meeting(true, policy(true, 0, AdmissionMode.AUTOMATIC));
        Member a = new Member("a");
        Member org = new Member("org");
        registry.enter(record, a, Role.CALLER);
        Meeting m = registry.enter(record, org, Role.ORGANIZER).meeting();
        m.leave(org);
        assertEquals(List.of("a admitted", "a organizer-left"), events);
        assertEquals(new Meeting.Status(false, 0, 0), registry.status("4711001"));
    }

    @Test
    void organizerLeavingDoesNotEndTheMeetingByDefault() {
        MeetingRecord record = meeting(true, MeetingPolicy.DEFAULT);
        Member a = new Member("a");
        Member org = new Member("org");
        registry.enter(record, a, Role.CALLER);
        Meeting m = registry.enter(record, org, Role.ORGANIZER).meeting();
        m.leave(org);
        assertEquals(new Meeting.Status(true, 0, 1), registry.status("4711001"));
    }

    @Test
    void admissionByTheOrganizerHoldsCallersUntilAdmitted() {
        MeetingRecord record = meeting(true, policy(false, 0, AdmissionMode.ORGANIZER));
        registry.enter(record, new Member("a"), Role.CALLER);
        Meeting m = registry.enter(record, new Member("org"), Role.ORGANIZER).meeting();
        assertEquals(Meeting.Entry.HELD_FOR_ADMISSION, registry.enter(record, new Member("b"), Role.CALLER).entry());
        assertEquals(new Meeting.Status(true, 2, 1), registry.status("4711001"));
        assertTrue(events.isEmpty());

        assertEquals(2, m.admitLobby());
        assertEquals(List.of("a admitted", "b admitted"), events);
        assertEquals(new Meeting.Status(true, 0, 3), registry.status("4711001"));
    }

    @Test
    void startFromTheAppAdmitsTheLobby() {
        MeetingRecord record = meeting(true, MeetingPolicy.DEFAULT);
        registry.enter(record, new Member("a"), Role.CALLER);
        registry.start(record);
        assertEquals(List.of("a admitted"), events);
        assertEquals(Meeting.Entry.ADMITTED, registry.enter(record, new Member("b"), Role.CALLER).entry());
    }

    @Test
    void adminEndTellsEveryoneInTheLobbyAndTheMeeting() {
        MeetingRecord record = meeting(false, policy(false, 0, AdmissionMode.ORGANIZER));
        registry.enter(record, new Member("first"), Role.CALLER);
        registry.enter(record, new Member("waiting"), Role.CALLER);
        assertTrue(registry.end("4711001"));
        // Both wait: with admission by the organizer even the caller who started it is held.
        assertEquals(List.of("first ended", "waiting ended"), events);
        assertFalse(registry.end("4711001"));
    }
}
