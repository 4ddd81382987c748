package io.confbridge.meeting;

import io.confbridge.mixer.ParticipantAudio;

import java.util.concurrent.Executor;

/**
 * A call as its meeting sees it. The meeting calls these on its own event loop, so implementations
 * only post the news to the call's own loop and return: they never touch call state there, and
 * never call back into the meeting synchronously.
 */
public interface MeetingMember {

    /** The member's audio endpoints, plugged into the mixer when admitted. */
    ParticipantAudio audio();

    /** Who the member is, as the organizer's page shows a lobby: the caller ID, or "" if anonymous. */
    default String callerId() {
        return "";
    }

    /**
     * The answer to {@link MeetingRegistry#enter}: which meeting instance took the member (to leave it
     * later) and where in it. After {@link Meeting.Entry#FULL} the member is not in it.
     */
    void entered(Meeting meeting, Meeting.Entry entry);

    /** The meeting started (or the organizer admitted the lobby): the member is now a participant. */
    void admitted();

    /**
     * The event loop the member lives on, or null when it has none. A lobby is admitted with one task
     * per loop (run inline on the meeting's own), not one hop per caller.
     */
    default Executor loop() {
        return null;
    }

    /**
     * As {@link #admitted()}, but called ON THE MEMBER'S OWN {@link #loop()}, within the one pass that
     * admits the lobby: act on it at once. It reports its first meeting packet (or its end) to
     * {@code timing}, which may be null. Never calls back into the meeting synchronously.
     */
    default void admittedOnLoop(LobbyAdmission timing) {
        if (timing != null) {
            timing.gone(); // not measured
        }
        admitted();
    }

    /** The lobby was admitted but the meeting had no room left for this member; it is no longer in it. */
    void meetingFull();

    /** The meeting was ended by someone else (or by its organizer leaving); the member is no longer in it. */
    void meetingEnded(boolean organizerLeft);
}
