package io.confbridge.call;

import io.confbridge.store.MeetingRecord;

/** Facts that drive a call's state machine, each named in the past tense. */
public sealed interface CallEvent {

    /** The call was answered; {@code dialledUser} is the Request-URI user part ("" if none). */
    record CallAnswered(String dialledUser) implements CallEvent {
    }

    /** A key press, counted once whichever path (RFC 4733, SIP INFO, in-band) carried it. */
    record DigitReceived(char digit) implements CallEvent {
    }

    /** Every queued prompt has been played to its end (not emitted when prompts are stopped). */
    record PromptsFinished() implements CallEvent {
    }

    /** The call's timer fired; stale tokens (from a timer that was replaced) are ignored. */
    record TimerFired(int token) implements CallEvent {
    }

    /** The directory knows the conference ID. */
    record ConferenceFound(MeetingRecord meeting) implements CallEvent {
    }

    /** The directory does not know the conference ID (or the lookup failed). */
    record ConferenceNotFound() implements CallEvent {
    }

    /** The PIN vault's verdict on the PIN the caller typed. */
    record PinChecked(boolean accepted) implements CallEvent {
    }

    /**
     * The call waits in the meeting's lobby: the meeting has not started, or (admission by the
     * organizer) it has started and the organizer has not let the lobby in yet.
     */
    record EnteredLobby(boolean meetingStarted) implements CallEvent {
        public EnteredLobby() {
            this(false);
        }
    }

    /** The meeting has as many participants as its policy allows: the call is refused. */
    record MeetingFull() implements CallEvent {
    }

    /** The call is now a participant of the started meeting (directly or from the lobby). */
    record Admitted() implements CallEvent {
    }

    /** The meeting was ended while the call was in it or in its lobby; by its organizer leaving, or otherwise. */
    record MeetingEnded(boolean organizerLeft) implements CallEvent {
        public MeetingEnded() {
            this(false);
        }
    }

    /** The caller hung up (BYE), cancelled, or the signalling failed. */
    record HungUp() implements CallEvent {
    }
}
