package io.confbridge.call;

/** The phases of one dial-in call; see {@link CallStateMachine} for the lifecycle. */
public enum CallState {
    /** Created, not yet answered: nothing has been played. */
    NEW,
    /** Playing the welcome or conference-ID prompt and collecting digits up to {@code #}. */
    COLLECTING_CONFERENCE_ID,
    /** Waiting for the directory to say whether the typed (or dialled) conference ID exists. */
    VALIDATING_CONFERENCE_ID,
    /** Asking "if you are the organizer, press star" and waiting a few seconds for {@code *}. */
    OFFERING_ORGANIZER_STAR,
    /** Collecting the organizer PIN up to {@code #}, from the menu or from the lobby. */
    COLLECTING_PIN,
    /** Waiting for the PIN vault's verdict, computed off the event loop. */
    VERIFYING_PIN,
    /** Asked the meeting to let this call in; waiting to hear whether it goes to the lobby or the meeting. */
    JOINING,
    /** Waiting for the meeting to start, hearing hold music. */
    IN_LOBBY,
    /** A participant of a started meeting, hearing everyone else. */
    IN_MEETING,
    /** Playing the last prompt; the bridge hangs up when it ends. */
    SAYING_GOODBYE,
    /** Over: nothing more happens, every event is ignored. */
    ENDED
}
