package io.confbridge.meeting;

/**
 * What this node's meetings tell the rest of a cluster (issue 12 §2). Called on a meeting's loop or the
 * thread that opened the meeting: an implementation hands the work to a thread of its own and never
 * blocks. A single node uses {@link #NONE}.
 */
public interface MeetingEvents {
    /** A single node: nobody to tell. */
    MeetingEvents NONE = new MeetingEvents() {
    };

    /** The meeting started on this node (the organizer's PIN, the app, or a first caller who needs none). */
    default void startedHere(String conferenceId) {
    }

    /** The organizer let the lobby in from a phone here ({@code *21}): the other nodes' lobbies come in too. */
    default void admittedHere(String conferenceId) {
    }

    /** A meeting became live on this node (its first caller): it may have started on another node already. */
    default void opened(String conferenceId) {
    }

    /** This node's part of the meeting is over (the others' parts may go on). */
    default void over(String conferenceId) {
    }
}
