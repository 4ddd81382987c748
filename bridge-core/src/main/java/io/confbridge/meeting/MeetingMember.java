package io.confbridge.meeting;

import io.confbridge.mixer.ParticipantAudio;

/**
 * A call as its meeting sees it. The meeting calls these under its own lock, so implementations only
 * hand the news to the call's own event loop and return.
 */
public interface MeetingMember {

    /** The member's audio endpoints, plugged into the mixer when admitted. */
    ParticipantAudio audio();

    /** The meeting started (or the organizer admitted the lobby): the member is now a participant. */
    void admitted();

    /** The lobby was admitted but the meeting had no room left for this member; it is no longer in it. */
    void meetingFull();

    /** The meeting was ended by someone else (or by its organizer leaving); the member is no longer in it. */
    void meetingEnded(boolean organizerLeft);
}
