package io.confbridge.admin;

import io.confbridge.admin.Administration.MeetingView;
import io.confbridge.meeting.LobbyWaiter;
import io.confbridge.meeting.Meeting;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.store.MeetingListing;
import io.confbridge.store.MeetingPolicy;
import io.confbridge.store.MeetingPresenceTable;
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
public final class LiveMeetings {
    /** Far above a media loop's normal answer time (well under one 20 ms tick). */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

    private final MeetingRegistry registry;
    /** Where a cluster's counts per node come from; none on a single node. */
    private volatile ClusterCounts cluster = ClusterCounts.NONE;
    /** Where admission, end and settings changes reach the other nodes; nowhere on a single node. */
    private volatile ClusterControl control = ClusterControl.NONE;

    /**
     * What the admin API does to a meeting, told to the other nodes of a cluster (issue 12 §2). Called on
     * administration's workers after this node did it to its own part; may wait on the database.
     */
    public interface ClusterControl {
        ClusterControl NONE = new ClusterControl() {
        };

        /**
         * The organizer let the lobby in: every other node's started part admits its own. Answers whether
         * the meeting has started on another live node.
         */
        default boolean admitted(String conferenceId) {
            return false;
        }

        /** The meeting was ended: every other node's part ends. Answers whether another node held part of it. */
        default boolean ended(String conferenceId) {
            return false;
        }

        /** The meeting's settings were changed (already stored): every other node's live part re-reads them. */
        default void settingsChanged(String conferenceId) {
        }
    }

    /** A meeting's counts on every node of the cluster. */
    @FunctionalInterface
    public interface ClusterCounts {
        ClusterCounts NONE = (conferenceId, here) -> List.of();

        /**
         * The meeting's lobby and participants on each node holding some, {@code here} being this node's
         * live state; empty on a single node. May wait on the database (administration's workers).
         */
        List<MeetingPresenceTable.NodeCount> byNode(String conferenceId, Meeting.Status here);
    }

    LiveMeetings(MeetingRegistry registry) {
        this.registry = registry;
    }

    void cluster(ClusterCounts counts) {
        cluster = counts;
    }

    void control(ClusterControl control) {
        this.control = control;
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

    /**
     * How many came in from this node's lobby; empty if the meeting has not started here nor on another
     * node. The other nodes' lobbies are told to come in too, and are not counted.
     */
    OptionalInt admitLobby(String conferenceId) {
        OptionalInt here = await(registry.admitLobby(conferenceId));
        boolean startedElsewhere = control.admitted(conferenceId);
        return here.isEmpty() && startedElsewhere ? OptionalInt.of(0) : here;
    }

    /** Ends the meeting for everyone in it and its lobby, on every node; false when nobody was in it. */
    boolean end(String conferenceId) {
        boolean here = await(registry.end(conferenceId));
        boolean elsewhere = control.ended(conferenceId);
        return here || elsewhere;
    }

    /** The meeting's settings were stored as {@code changed}: its live parts, here and elsewhere, use them. */
    void settingsChanged(MeetingRecord changed) {
        registry.settingsChanged(changed);
        control.settingsChanged(changed.conferenceId());
    }

    /** The meeting with its live state and resolved policy. */
    MeetingView view(MeetingListing listing) {
        MeetingRecord m = listing.meeting();
        MeetingPolicy p = m.policy();
        Meeting.Status live = status(m.conferenceId());
        List<MeetingPresenceTable.NodeCount> nodes = cluster.byNode(m.conferenceId(), live);
        int lobby = live.lobbyCount();
        int participants = live.participantCount();
        if (!nodes.isEmpty()) {
            lobby = 0;
            participants = 0;
            for (MeetingPresenceTable.NodeCount node : nodes) {
                lobby += node.lobbyCount();
                participants += node.participantCount();
            }
        }
        boolean started = live.started() || participants > 0;
        String state = started ? "active" : lobby > 0 ? "lobby" : "idle";
        return new MeetingView(m.conferenceId(), listing.organizerEmail(), m.requirePinToStart(), state,
                lobby, participants, listing.createdAt(), p.endOnOrganizerLeave(),
                p.lobbyTimeoutMinutes(), p.maxParticipants(), p.entryExitTones(),
                PolicyInput.admissionModeName(p.admissionMode()), live.talkers(), nodes);
    }

    private static <T> T await(CompletableFuture<T> answer) {
        return answer.orTimeout(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }
}
