package io.confbridge.call;

import io.confbridge.call.CallEvent.Admitted;
import io.confbridge.call.CallEvent.CallAnswered;
import io.confbridge.call.CallEvent.ConferenceFound;
import io.confbridge.call.CallEvent.ConferenceNotFound;
import io.confbridge.call.CallEvent.DigitReceived;
import io.confbridge.call.CallEvent.EnteredLobby;
import io.confbridge.call.CallEvent.HungUp;
import io.confbridge.call.CallEvent.MeetingEnded;
import io.confbridge.call.CallEvent.MeetingFull;
import io.confbridge.call.CallEvent.PinChecked;
import io.confbridge.call.CallEvent.PromptsFinished;
import io.confbridge.call.CallEvent.TimerFired;

import java.util.function.Function;

import static io.confbridge.call.CallScript.PIN_MEETING;

/**
 * One representative event of each {@link CallEvent.Kind}, and of each variant a state tells apart, the
 * columns of the state × event table. The two timer columns depend on the call: the current token is the
 * latest one the machine issued (armed or not), the stale one a token of an earlier timer.
 */
enum SampleEvent {
    ANSWERED("Answ", s -> new CallAnswered("")),
    ANSWERED_WITH_CONFERENCE_ID("AnsID", s -> new CallAnswered(PIN_MEETING.conferenceId())),
    DIGIT_5("5", s -> new DigitReceived('5')),
    DIGIT_STAR("*", s -> new DigitReceived('*')),
    DIGIT_POUND("#", s -> new DigitReceived('#')),
    PROMPTS_FINISHED("PFin", s -> new PromptsFinished()),
    TIMER_CURRENT("TCur", s -> new TimerFired(s.latestToken())),
    TIMER_STALE("TOld", s -> new TimerFired(s.staleToken())),
    CONFERENCE_FOUND("Found", s -> new ConferenceFound(PIN_MEETING)),
    CONFERENCE_NOT_FOUND("NoCnf", s -> new ConferenceNotFound()),
    PIN_ACCEPTED("PinOk", s -> new PinChecked(true)),
    PIN_REJECTED("PinNo", s -> new PinChecked(false)),
    ENTERED_LOBBY_NOT_STARTED("Lobby", s -> new EnteredLobby(false)),
    ENTERED_LOBBY_STARTED("LobSt", s -> new EnteredLobby(true)),
    MEETING_FULL("Full", s -> new MeetingFull()),
    ADMITTED("Admit", s -> new Admitted()),
    MEETING_ENDED("MEnd", s -> new MeetingEnded()),
    HUNG_UP("HngUp", s -> new HungUp());

    /** The column heading in the table. */
    final String heading;
    private final Function<CallScript, CallEvent> event;

    SampleEvent(String heading, Function<CallScript, CallEvent> event) {
        this.heading = heading;
        this.event = event;
    }

    /** The event of this kind for the call as it is now. */
    CallEvent eventFor(CallScript script) {
        return event.apply(script);
    }
}
