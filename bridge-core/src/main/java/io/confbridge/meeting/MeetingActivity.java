package io.confbridge.meeting;

/**
 * Told when a live meeting's state changes: started or over, lobby or participant counts, who is
 * speaking. Called on the meeting's media loop, only when something changed, with an immutable
 * snapshot: it must hand the news on (to another thread) and return, never block.
 */
@FunctionalInterface
public interface MeetingActivity {
    MeetingActivity NONE = (conferenceId, status) -> { };

    void changed(String conferenceId, Meeting.Status status);
}
