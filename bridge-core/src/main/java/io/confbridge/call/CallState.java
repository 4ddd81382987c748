package io.confbridge.call;

/**
 * The phases of one dial-in call; see {@link CallStateMachine} for the lifecycle. The state alone says
 * which events count and where they lead, whatever way the caller came; the machine's data (tries,
 * digits typed, a prompt speaking) only fills in the details.
 */
enum CallState {
    /** Created, not yet answered: nothing has been played. */
    NEW,
    /** Playing the welcome or conference-ID prompt and collecting digits up to {@code #}. */
    COLLECTING_CONFERENCE_ID,
    /** Waiting for the directory on the number the caller dialled; unknown only means "ask for an ID". */
    VALIDATING_DIALLED_NUMBER,
    /** Waiting for the directory on the conference ID the caller typed; unknown counts as a failed try. */
    VALIDATING_CONFERENCE_ID,
    /** Asking "if you are the organizer, press star" and waiting a few seconds for {@code *}. */
    OFFERING_ORGANIZER_STAR,
    /** Collecting the organizer PIN up to {@code #} from the menu; the call is in no meeting yet. */
    COLLECTING_PIN,
    /** Waiting for the PIN vault's verdict on a PIN typed from the menu. */
    VERIFYING_PIN,
    /** Asked the meeting to let this call in; waiting to hear whether it goes to the lobby or the meeting. */
    JOINING,
    /** Waiting for the meeting to start, hearing hold music. */
    IN_LOBBY,
    /** Collecting the organizer PIN up to {@code #} while the meeting still holds the call in its lobby. */
    LOBBY_COLLECTING_PIN,
    /** Waiting for the PIN vault's verdict on a PIN typed from the lobby, still held in the lobby. */
    LOBBY_VERIFYING_PIN,
    /** A participant of a started meeting, hearing everyone else. */
    IN_MEETING,
    /** Playing the last prompt; the bridge hangs up when it ends. */
    SAYING_GOODBYE,
    /** Over: nothing more happens, every event is ignored. */
    ENDED
}
