package io.confbridge.call;

import io.confbridge.store.MeetingRecord;

/** Facts that drive a call's state machine, each named in the past tense. */
sealed interface CallEvent {

    /**
     * Which event this is, one constant per record, so the state machine can {@code switch} over it in
     * every state and a {@code default -> throw} catches an event a state forgot.
     */
    Kind kind();

    /** One constant per event record, named after it. */
    enum Kind {
        CALL_ANSWERED,
        DIGIT_RECEIVED,
        PROMPTS_FINISHED,
        TIMER_FIRED,
        CONFERENCE_FOUND,
        CONFERENCE_NOT_FOUND,
        PIN_CHECKED,
        ENTERED_LOBBY,
        MEETING_FULL,
        ADMITTED,
        MEETING_ENDED,
        HUNG_UP
    }

    /** The call was answered; {@code dialledUser} is the Request-URI user part ("" if none). */
    record CallAnswered(String dialledUser) implements CallEvent {
        @Override
        public Kind kind() {
            return Kind.CALL_ANSWERED;
        }
    }

    /** A key press, counted once whichever path (RFC 4733, SIP INFO, in-band) carried it. */
    record DigitReceived(char digit) implements CallEvent {
        @Override
        public Kind kind() {
            return Kind.DIGIT_RECEIVED;
        }
    }

    /** Every queued prompt has been played to its end (not emitted when prompts are stopped). */
    record PromptsFinished() implements CallEvent {
        @Override
        public Kind kind() {
            return Kind.PROMPTS_FINISHED;
        }
    }

    /** The call's timer fired; stale tokens (from a timer that was replaced) are ignored. */
    record TimerFired(int token) implements CallEvent {
        @Override
        public Kind kind() {
            return Kind.TIMER_FIRED;
        }
    }

    /** The directory knows the conference ID. */
    record ConferenceFound(MeetingRecord meeting) implements CallEvent {
        @Override
        public Kind kind() {
            return Kind.CONFERENCE_FOUND;
        }
    }

    /** The directory does not know the conference ID (or the lookup failed). */
    record ConferenceNotFound() implements CallEvent {
        @Override
        public Kind kind() {
            return Kind.CONFERENCE_NOT_FOUND;
        }
    }

    /**
     * The PIN vault's verdict on the PIN the caller typed; {@code busy} when it was not checked at all
     * because the verification queue was full ({@code limits.pinVerificationQueue}).
     */
    record PinChecked(boolean accepted, boolean busy) implements CallEvent {
        PinChecked(boolean accepted) {
            this(accepted, false);
        }

        @Override
        public Kind kind() {
            return Kind.PIN_CHECKED;
        }
    }

    /**
     * The call waits in the meeting's lobby: the meeting has not started, or (admission by the
     * organizer) it has started and the organizer has not let the lobby in yet.
     */
    record EnteredLobby(boolean meetingStarted) implements CallEvent {
        public EnteredLobby() {
            this(false);
        }

        @Override
        public Kind kind() {
            return Kind.ENTERED_LOBBY;
        }
    }

    /** The meeting has as many participants as its policy allows: the call is refused. */
    record MeetingFull() implements CallEvent {
        @Override
        public Kind kind() {
            return Kind.MEETING_FULL;
        }
    }

    /** The call is now a participant of the started meeting (directly or from the lobby). */
    record Admitted() implements CallEvent {
        @Override
        public Kind kind() {
            return Kind.ADMITTED;
        }
    }

    /** The meeting was ended while the call was in it or in its lobby; by its organizer leaving, or otherwise. */
    record MeetingEnded(boolean organizerLeft) implements CallEvent {
        public MeetingEnded() {
            this(false);
        }

        @Override
        public Kind kind() {
            return Kind.MEETING_ENDED;
        }
    }

    /** The caller hung up (BYE), cancelled, or the signalling failed. */
    record HungUp() implements CallEvent {
        @Override
        public Kind kind() {
            return Kind.HUNG_UP;
        }
    }
}
