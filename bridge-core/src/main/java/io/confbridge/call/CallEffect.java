package io.confbridge.call;

import io.confbridge.meeting.Role;
import io.confbridge.prompt.Prompt;
import io.confbridge.store.MeetingRecord;

import java.util.List;

/** What a call's state machine asks its owner to do, each named in the imperative. */
sealed interface CallEffect {

    /**
     * Which effect this is, one constant per record, so an executor can {@code switch} over it and the
     * compiler (with a {@code default -> throw}) catches an effect it does not carry out.
     */
    Kind kind();

    /** One constant per effect record, named after it. */
    enum Kind {
        PLAY_PROMPTS,
        STOP_PROMPTS,
        START_HOLD_MUSIC,
        STOP_HOLD_MUSIC,
        CONNECT_TO_MEETING_AUDIO,
        SCHEDULE_TIMER,
        CANCEL_TIMER,
        LOOK_UP_CONFERENCE,
        VERIFY_PIN,
        ENTER_MEETING,
        LEAVE_MEETING,
        SET_MUTED,
        ADMIT_LOBBY,
        HANG_UP
    }

    /** Replace whatever is being spoken by these prompts, in order; barge-in stops them. */
    record PlayPrompts(List<Prompt> prompts) implements CallEffect {
        public PlayPrompts {
            prompts = List.copyOf(prompts);
        }

        @Override
        public Kind kind() {
            return Kind.PLAY_PROMPTS;
        }
    }

    /** Stop speaking at once (barge-in). */
    record StopPrompts() implements CallEffect {
        @Override
        public Kind kind() {
            return Kind.STOP_PROMPTS;
        }
    }

    /** Under (and after) any prompt, play the looping hold music. */
    record StartHoldMusic() implements CallEffect {
        @Override
        public Kind kind() {
            return Kind.START_HOLD_MUSIC;
        }
    }

    /** Stop the hold music; silence under prompts until something else is chosen. */
    record StopHoldMusic() implements CallEffect {
        @Override
        public Kind kind() {
            return Kind.STOP_HOLD_MUSIC;
        }
    }

    /** Play the short join tone, then the meeting's mix (everyone but this caller). */
    record ConnectToMeetingAudio() implements CallEffect {
        @Override
        public Kind kind() {
            return Kind.CONNECT_TO_MEETING_AUDIO;
        }
    }

    /** Arm the call's one timer; it replaces any armed one. */
    record ScheduleTimer(long delayMs, int token) implements CallEffect {
        @Override
        public Kind kind() {
            return Kind.SCHEDULE_TIMER;
        }
    }

    /** Disarm the call's timer. */
    record CancelTimer() implements CallEffect {
        @Override
        public Kind kind() {
            return Kind.CANCEL_TIMER;
        }
    }

    /** Ask the directory whether this conference ID exists (off the event loop). */
    record LookUpConference(String conferenceId) implements CallEffect {
        @Override
        public Kind kind() {
            return Kind.LOOK_UP_CONFERENCE;
        }
    }

    /** Ask the PIN vault whether this is the meeting organizer's PIN (off the event loop). */
    record VerifyPin(MeetingRecord meeting, String pin) implements CallEffect {
        @Override
        public Kind kind() {
            return Kind.VERIFY_PIN;
        }

        @Override
        public String toString() {
            return "VerifyPin[meeting=" + meeting.conferenceId() + ", pin=*****]";
        }
    }

    /** Ask the meeting to take this call as organizer (starting it) or as an ordinary caller. */
    record EnterMeeting(MeetingRecord meeting, Role role) implements CallEffect {
        @Override
        public Kind kind() {
            return Kind.ENTER_MEETING;
        }
    }

    /** Leave the meeting or its lobby. */
    record LeaveMeeting() implements CallEffect {
        @Override
        public Kind kind() {
            return Kind.LEAVE_MEETING;
        }
    }

    /** Mute or unmute this participant in the meeting's mix ({@code *6}). */
    record SetMuted(boolean muted) implements CallEffect {
        @Override
        public Kind kind() {
            return Kind.SET_MUTED;
        }
    }

    /** The organizer lets everyone waiting in the lobby in ({@code *21}). */
    record AdmitLobby() implements CallEffect {
        @Override
        public Kind kind() {
            return Kind.ADMIT_LOBBY;
        }
    }

    /** End the call from the bridge's side (SIP BYE). */
    record HangUp(String reason) implements CallEffect {
        @Override
        public Kind kind() {
            return Kind.HANG_UP;
        }
    }
}
