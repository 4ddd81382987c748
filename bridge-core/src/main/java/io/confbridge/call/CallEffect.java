package io.confbridge.call;

import io.confbridge.meeting.Role;
import io.confbridge.prompt.Prompt;
import io.confbridge.store.MeetingRecord;

import java.util.List;

/** What a call's state machine asks its owner to do, each named in the imperative. */
public sealed interface CallEffect {

    /** Replace whatever is being spoken by these prompts, in order; barge-in stops them. */
    record PlayPrompts(List<Prompt> prompts) implements CallEffect {
        public PlayPrompts {
            prompts = List.copyOf(prompts);
        }
    }

    /** Stop speaking at once (barge-in). */
    record StopPrompts() implements CallEffect {
    }

    /** Under (and after) any prompt, play the looping hold music. */
    record StartHoldMusic() implements CallEffect {
    }

    /** Stop the hold music; silence under prompts until something else is chosen. */
    record StopHoldMusic() implements CallEffect {
    }

    /** Play the short join tone, then the meeting's mix (everyone but this caller). */
    record ConnectToMeetingAudio() implements CallEffect {
    }

    /** Arm the call's one timer; it replaces any armed one. */
    record ScheduleTimer(long delayMs, int token) implements CallEffect {
    }

    /** Disarm the call's timer. */
    record CancelTimer() implements CallEffect {
    }

    /** Ask the directory whether this conference ID exists (off the event loop). */
    record LookUpConference(String conferenceId) implements CallEffect {
    }

    /** Ask the PIN vault whether this is the meeting organizer's PIN (off the event loop). */
    record VerifyPin(MeetingRecord meeting, String pin) implements CallEffect {
        @Override
        public String toString() {
            return "VerifyPin[meeting=" + meeting.conferenceId() + ", pin=*****]";
        }
    }

    /** Ask the meeting to take this call as organizer (starting it) or as an ordinary caller. */
    record EnterMeeting(MeetingRecord meeting, Role role) implements CallEffect {
    }

    /** Leave the meeting or its lobby. */
    record LeaveMeeting() implements CallEffect {
    }

    /** Mute or unmute this participant in the meeting's mix ({@code *6}). */
    record SetMuted(boolean muted) implements CallEffect {
    }

    /** The organizer lets everyone waiting in the lobby in ({@code *21}). */
    record AdmitLobby() implements CallEffect {
    }

    /** End the call from the bridge's side (SIP BYE). */
    record HangUp(String reason) implements CallEffect {
    }
}
