package io.confbridge.admin;

import io.confbridge.admin.Administration.MeetingView;
import io.confbridge.meeting.LobbyWaiter;
import io.confbridge.meeting.Meeting;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.store.MeetingListing;
import io.confbridge.store.MeetingPolicy;
import io.confbridge.store.MeetingRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The live side of meetings as administration reads and changes it: the one place administration calls
 * the {@link MeetingRegistry}. Runs on administration's worker threads, never on a meeting's loop: a
 * meeting answers from its own loop, and the worker waits for that answer (bounded, so a stuck loop
 * becomes an error response instead of a hung request).
 */
final class LiveMeetings {
    /** Far above a media loop's normal answer time (well under one 20 ms tick). */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

    private final MeetingRegistry registry;

    LiveMeetings(MeetingRegistry registry) {
        this.registry = registry;
    }

    /** Not started and empty when nobody is in the meeting or its lobby. */
    Meeting.Status status(String conferenceId) {
        return await(registry.status(conferenceId));
    }

    /** When each caller now in the lobby arrived, oldest first. */
    List<Instant> lobbyArrivals(String conferenceId) {
        return await(registry.lobbyArrivals(conferenceId));
    }

    /** Who is in the lobby and since when, oldest first. */
    List<LobbyWaiter> lobbyWaiters(String conferenceId) {
        return await(registry.lobbyWaiters(conferenceId));
    }

    /** Starts the meeting as the organizer's PIN would; returns its state afterwards. */
    Meeting.Status start(MeetingRecord record) {
        return await(registry.start(record));
    }

    /** How many came in from the lobby; empty if the meeting has not started. */
    OptionalInt admitLobby(String conferenceId) {
        return await(registry.admitLobby(conferenceId));
    }

    /** Ends the meeting for everyone in it and its lobby; false when nobody was in it. */
    boolean end(String conferenceId) {
        return await(registry.end(conferenceId));
    }

    /** The meeting with its live state and resolved policy. */
    MeetingView view(MeetingListing listing) {
        MeetingRecord m = listing.meeting();
        MeetingPolicy p = m.policy();
        Meeting.Status live = status(m.conferenceId());
        String state = live.started() ? "active" : live.lobbyCount() > 0 ? "lobby" : "idle";
        return new MeetingView(m.conferenceId(), listing.organizerEmail(), m.requirePinToStart(), state,
                live.lobbyCount(), live.participantCount(), listing.createdAt(), p.endOnOrganizerLeave(),
                p.lobbyTimeoutMinutes(), p.maxParticipants(), p.entryExitTones(),
                PolicyInput.admissionModeName(p.admissionMode()), live.talkers());
    }

    private static <T> T await(CompletableFuture<T> answer) {
        return answer.orTimeout(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }
}
