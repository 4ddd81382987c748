package io.confbridge.meeting;

/** How a caller enters a meeting. */
public enum Role {
    /** Proved to be the organizer: starts the meeting and admits its lobby. */
    ORGANIZER,
    /** Anyone else: joins a started meeting or waits in its lobby. */
    CALLER
}
