package io.confbridge.admin;

import io.confbridge.admin.Administration.MeetingView;
import io.confbridge.meeting.Meeting;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.store.MeetingListing;
import io.confbridge.store.MeetingPolicy;
import io.confbridge.store.MeetingRecord;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The live side of meetings as administration reads and changes it: the one place administration calls
 * the {@link MeetingRegistry}. Runs on administration's worker threads, never on a meeting's loop.
 */
final class LiveMeetings {
    private final MeetingRegistry registry;

    LiveMeetings(MeetingRegistry registry) {
        this.registry = registry;
    }

    /** Not started and empty when nobody is in the meeting or its lobby. */
    Meeting.Status status(String conferenceId) {
        return registry.status(conferenceId);
    }

    /** When each caller now in the lobby arrived, oldest first. */
    List<Instant> lobbyArrivals(String conferenceId) {
        return registry.live(conferenceId).map(Meeting::lobbyArrivals).orElse(List.of());
    }

    /** Starts the meeting as the organizer's PIN would; returns its state afterwards. */
    Meeting.Status start(MeetingRecord record) {
        return registry.start(record).status();
    }

    /** How many came in from the lobby; empty if the meeting has not started. */
    OptionalInt admitLobby(String conferenceId) {
        Optional<Meeting> live = registry.live(conferenceId).filter(m -> m.status().started());
        return live.isEmpty() ? OptionalInt.empty() : OptionalInt.of(live.get().admitLobby());
    }

    /** Ends the meeting for everyone in it and its lobby; false when nobody was in it. */
    boolean end(String conferenceId) {
        return registry.end(conferenceId);
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
                PolicyInput.admissionModeName(p.admissionMode()));
    }
}
