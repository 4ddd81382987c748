package io.confbridge.call;

import io.confbridge.call.CallEffect.CancelTimer;
import io.confbridge.call.CallEffect.ConnectToMeetingAudio;
import io.confbridge.call.CallEffect.EnterMeeting;
import io.confbridge.call.CallEffect.HangUp;
import io.confbridge.call.CallEffect.LeaveMeeting;
import io.confbridge.call.CallEffect.LookUpConference;
import io.confbridge.call.CallEffect.PlayPrompts;
import io.confbridge.meeting.Role;
import io.confbridge.call.CallEffect.ScheduleTimer;
import io.confbridge.call.CallEffect.StartHoldMusic;
import io.confbridge.call.CallEffect.StopHoldMusic;
import io.confbridge.call.CallEffect.StopPrompts;
import io.confbridge.call.CallEffect.VerifyPin;
import io.confbridge.call.CallEvent.CallAnswered;
import io.confbridge.call.CallEvent.ConferenceFound;
import io.confbridge.call.CallEvent.DigitReceived;
import io.confbridge.call.CallEvent.EnteredLobby;
import io.confbridge.call.CallEvent.MeetingEnded;
import io.confbridge.call.CallEvent.PinChecked;
import io.confbridge.call.CallEvent.TimerFired;
import io.confbridge.meeting.ConferenceId;
import io.confbridge.prompt.Prompt;
import io.confbridge.store.MeetingRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The voice menu of one dial-in call (SPEC §2), as one explicit state machine. It does no I/O: it
 * takes {@link CallEvent}s with the time they happened and returns {@link CallEffect}s for its owner
 * to carry out, so it is tested with plain calls.
 *
 * <p>The lifecycle:
 * <ol>
 *   <li>{@link CallState#NEW}: answered → if the Request-URI names a conference ID, look it up
 *       ({@code VALIDATING_DIALLED_NUMBER}); otherwise welcome prompt ({@code COLLECTING_CONFERENCE_ID}).</li>
 *   <li>{@code VALIDATING_DIALLED_NUMBER}: found → as step 4; unknown → the welcome prompt
 *       ({@code COLLECTING_CONFERENCE_ID}) without counting a failure: it was a dial-in number.</li>
 *   <li>{@code COLLECTING_CONFERENCE_ID}: digits until {@code #} ({@code VALIDATING_CONFERENCE_ID}); a key
 *       stops any prompt (barge-in); no key for the digit timeout is a failure; the last failure says goodbye.</li>
 *   <li>{@code VALIDATING_CONFERENCE_ID}: found → offer {@code *} to the organizer, or, for a meeting that
 *       needs no PIN to start or a caller proved to be its organizer, join at once ({@code JOINING});
 *       unknown → a failure, as in step 3.</li>
 *   <li>{@code OFFERING_ORGANIZER_STAR}: {@code *} → {@code COLLECTING_PIN}; any other key or the wait
 *       running out → join as an ordinary caller ({@code JOINING}).</li>
 *   <li>{@code COLLECTING_PIN} → {@code VERIFYING_PIN}: a right PIN joins as organizer, starting the
 *       meeting; a wrong one retries, and after the last try the caller joins as an ordinary caller.</li>
 *   <li>{@code JOINING}: the meeting answers: lobby ({@code IN_LOBBY}), participant ({@code IN_MEETING}),
 *       or full or ended ({@code SAYING_GOODBYE}).</li>
 *   <li>{@code IN_LOBBY}: hold music until admitted ({@code IN_MEETING}) or the lobby timeout; {@code *}
 *       while PIN tries are left → {@code LOBBY_COLLECTING_PIN}.</li>
 *   <li>{@code LOBBY_COLLECTING_PIN} → {@code LOBBY_VERIFYING_PIN}: as step 6, but the meeting still holds
 *       the call in its lobby: admission, the meeting's end or a full meeting win over the PIN entry, and
 *       after the last wrong PIN the caller is back in {@code IN_LOBBY} with the lobby time that was left.</li>
 *   <li>{@code IN_MEETING}: meeting keys ({@code *6}, {@code *1}, {@code *21}) until the meeting ends.</li>
 *   <li>{@code SAYING_GOODBYE} → {@code ENDED}. A hang-up in any state ends the call at once, leaving the
 *       meeting in the states where the meeting holds the call ({@code JOINING} to {@code IN_MEETING}).</li>
 * </ol>
 * Each state handles every {@link CallEvent.Kind} in one {@code switch}, listing the events it ignores;
 * an event a state does not list is a programmer error and fails fast.
 *
 * <p>Besides the state it keeps data, not phases: the failure counts, the one timer's token, the digits
 * typed so far, the meeting chosen and the role the call asked for, the lobby deadline, a prompt to say
 * before the next announcement, mute and a half-typed meeting key, and whether a prompt is speaking (any
 * state may be speaking or waiting; a key stops a prompt that is speaking).
 *
 * <p>Not thread-safe: its owner calls it from the call's one event loop.
 */
final class CallStateMachine {
    private static final Logger log = LoggerFactory.getLogger(CallStateMachine.class);

    /** Longer than any conference ID or PIN; more keys than this before {@code #} are dropped. */
    private static final int MAX_DIGITS = 20;


    /**
     * Where a PIN is being typed: from the menu or from the lobby. The keys are the same; the states and
     * what follows the last wrong PIN differ.
     */
    private enum PinEntry {
        /** After {@code *} at the organizer offer: the last wrong PIN continues as an ordinary caller. */
        MENU(CallState.COLLECTING_PIN, CallState.VERIFYING_PIN),
        /** After {@code *} in the lobby: the last wrong PIN goes back to the lobby. */
        LOBBY(CallState.LOBBY_COLLECTING_PIN, CallState.LOBBY_VERIFYING_PIN);

        final CallState collecting;
        final CallState verifying;

        PinEntry(CallState collecting, CallState verifying) {
            this.collecting = collecting;
            this.verifying = verifying;
        }
    }

    private final String callId;
    private final MenuPolicy policy;
    private final long authenticatedOrganizerId;
    private final List<CallEffect> effects = new ArrayList<>(8);
    private final StringBuilder digits = new StringBuilder(MAX_DIGITS);

    private CallState state = CallState.NEW;
    /** Whether a prompt is speaking now, so that a key stops it (barge-in) and admission cuts it short. */
    private boolean promptPlaying;
    private int conferenceIdFailures;
    private int pinFailures;
    private int timerToken;
    private boolean timerArmed;
    private MeetingRecord meeting;
    /** Set when the call first waits in the lobby and kept when it comes back there: the wait does not restart. */
    private OptionalLong lobbyDeadlineNs = OptionalLong.empty();
    /** Spoken before the lobby or meeting announcement (e.g. "That PIN is not correct."). */
    private Prompt preface;
    /** How this call asked to enter its meeting; the organizer has more meeting keys. */
    private Role role = Role.CALLER;
    private boolean muted;
    /** An in-meeting key command being typed: {@code *} then digits, e.g. {@code *6}, {@code *21}. */
    private final StringBuilder command = new StringBuilder(4);

    public CallStateMachine(String callId, MenuPolicy policy) {
        this(callId, policy, NewCall.ANONYMOUS);
    }

    /**
     * @param authenticatedOrganizerId the organizer this call proved to be (SIP digest), or
     *                                 {@link NewCall#ANONYMOUS}; such a caller joins their own
     *                                 meetings as organizer without being asked for a PIN
     */
    public CallStateMachine(String callId, MenuPolicy policy, long authenticatedOrganizerId) {
        this.callId = callId;
        this.policy = policy;
        this.authenticatedOrganizerId = authenticatedOrganizerId;
    }

    public CallState state() {
        return state;
    }

    /** The meeting this call chose, once its conference ID was found. */
    public MeetingRecord meeting() {
        return meeting;
    }

    /**
     * Applies one event and returns the effects to carry out, in order. The returned list is reused by
     * the next call: copy it to keep it.
     */
    public List<CallEffect> handle(CallEvent event, long nowNs) {
        effects.clear();
        if (event.kind() == CallEvent.Kind.TIMER_FIRED) {
            if (!timerArmed || ((TimerFired) event).token() != timerToken) {
                return effects; // a timer that was replaced or cancelled: stale in every state
            }
            timerArmed = false;
        }
        switch (state) {
            case NEW -> onNew(event, nowNs);
            case COLLECTING_CONFERENCE_ID -> onCollectingConferenceId(event, nowNs);
            case VALIDATING_DIALLED_NUMBER -> onValidatingDialledNumber(event, nowNs);
            case VALIDATING_CONFERENCE_ID -> onValidatingConferenceId(event, nowNs);
            case OFFERING_ORGANIZER_STAR -> onOfferingOrganizerStar(event, nowNs);
            case COLLECTING_PIN -> onCollectingPin(event, nowNs);
            case VERIFYING_PIN -> onVerifyingPin(event, nowNs);
            case JOINING -> onJoining(event, nowNs);
            case IN_LOBBY -> onInLobby(event, nowNs);
            case LOBBY_COLLECTING_PIN -> onLobbyCollectingPin(event, nowNs);
            case LOBBY_VERIFYING_PIN -> onLobbyVerifyingPin(event, nowNs);
            case IN_MEETING -> onInMeeting(event, nowNs);
            case SAYING_GOODBYE -> onSayingGoodbye(event, nowNs);
            case ENDED -> {
                // Over: every event is ignored, a second hang-up too.
            }
            default -> throw new IllegalStateException("state: " + state);
        }
        return effects;
    }

    private void onNew(CallEvent event, long nowNs) {
        switch (event.kind()) {
            case CALL_ANSWERED -> {
                String dialled = ((CallAnswered) event).dialledUser();
                // Anything but a conference ID in the Request-URI is a dial-in number or a name.
                if (ConferenceId.isWellFormed(dialled)) {
                    effects.add(new LookUpConference(dialled));
                    transition(CallState.VALIDATING_DIALLED_NUMBER, nowNs, "dialled a conference ID");
                } else {
                    play(Prompt.WELCOME);
                    transition(CallState.COLLECTING_CONFERENCE_ID, nowNs, "answered");
                }
            }
            case HUNG_UP -> hungUp(nowNs);
            // Nothing is asked before the answer, so nothing else can concern the call yet.
            case DIGIT_RECEIVED, PROMPTS_FINISHED, TIMER_FIRED, CONFERENCE_FOUND, CONFERENCE_NOT_FOUND,
                    PIN_CHECKED, ENTERED_LOBBY, MEETING_FULL, ADMITTED, MEETING_ENDED -> {
            }
            default -> throw unexpected(event);
        }
    }

    private void onCollectingConferenceId(CallEvent event, long nowNs) {
        switch (event.kind()) {
            case DIGIT_RECEIVED -> {
                String id = collect(digit(event));
                if (id == null) {
                    return;
                }
                if (id.isEmpty()) {
                    conferenceIdFailed(nowNs, false, "# with no digits");
                } else {
                    effects.add(new LookUpConference(id));
                    transition(CallState.VALIDATING_CONFERENCE_ID, nowNs, "conference ID entered");
                }
            }
            case PROMPTS_FINISHED -> {
                promptPlaying = false;
                armTimer(policy.digitTimeoutMs());
            }
            case TIMER_FIRED -> conferenceIdFailed(nowNs, true, "no key within the digit timeout");
            case HUNG_UP -> hungUp(nowNs);
            // No lookup, PIN check or meeting is under way in this state.
            case CALL_ANSWERED, CONFERENCE_FOUND, CONFERENCE_NOT_FOUND, PIN_CHECKED, ENTERED_LOBBY,
                    MEETING_FULL, ADMITTED, MEETING_ENDED -> {
            }
            default -> throw unexpected(event);
        }
    }

    private void onValidatingDialledNumber(CallEvent event, long nowNs) {
        switch (event.kind()) {
            case CONFERENCE_FOUND -> conferenceFound(((ConferenceFound) event).meeting(), nowNs);
            case CONFERENCE_NOT_FOUND -> {
                // The dialled number was not a conference ID after all (a dial-in number): ask for one.
                play(Prompt.WELCOME);
                transition(CallState.COLLECTING_CONFERENCE_ID, nowNs, "dialled number is no conference ID");
            }
            case HUNG_UP -> hungUp(nowNs);
            // Keys typed while the lookup runs are dropped: the next prompt tells the caller what to press.
            case CALL_ANSWERED, DIGIT_RECEIVED, PROMPTS_FINISHED, TIMER_FIRED, PIN_CHECKED, ENTERED_LOBBY,
                    MEETING_FULL, ADMITTED, MEETING_ENDED -> {
            }
            default -> throw unexpected(event);
        }
    }

    private void onValidatingConferenceId(CallEvent event, long nowNs) {
        switch (event.kind()) {
            case CONFERENCE_FOUND -> conferenceFound(((ConferenceFound) event).meeting(), nowNs);
            case CONFERENCE_NOT_FOUND -> conferenceIdFailed(nowNs, false, "conference ID not found");
            case HUNG_UP -> hungUp(nowNs);
            // Keys typed while the lookup runs are dropped: the next prompt tells the caller what to press.
            case CALL_ANSWERED, DIGIT_RECEIVED, PROMPTS_FINISHED, TIMER_FIRED, PIN_CHECKED, ENTERED_LOBBY,
                    MEETING_FULL, ADMITTED, MEETING_ENDED -> {
            }
            default -> throw unexpected(event);
        }
    }

    private void onOfferingOrganizerStar(CallEvent event, long nowNs) {
        switch (event.kind()) {
            case DIGIT_RECEIVED -> {
                bargeIn();
                cancelTimer();
                if (digit(event) == '*') {
                    startPinEntry(PinEntry.MENU, nowNs, "organizer pressed *");
                } else {
                    enterMeeting(Role.CALLER, nowNs, "key other than * declines the organizer offer");
                }
            }
            case PROMPTS_FINISHED -> {
                promptPlaying = false;
                armTimer(policy.organizerStarWaitMs());
            }
            case TIMER_FIRED -> enterMeeting(Role.CALLER, nowNs, "no * within the organizer wait");
            case HUNG_UP -> hungUp(nowNs);
            // No lookup, PIN check or meeting is under way in this state.
            case CALL_ANSWERED, CONFERENCE_FOUND, CONFERENCE_NOT_FOUND, PIN_CHECKED, ENTERED_LOBBY,
                    MEETING_FULL, ADMITTED, MEETING_ENDED -> {
            }
            default -> throw unexpected(event);
        }
    }

    private void onCollectingPin(CallEvent event, long nowNs) {
        switch (event.kind()) {
            case DIGIT_RECEIVED -> pinKey(PinEntry.MENU, digit(event), nowNs);
            case PROMPTS_FINISHED -> {
                promptPlaying = false;
                armTimer(policy.digitTimeoutMs());
            }
            case TIMER_FIRED -> {
                digits.setLength(0);
                pinFailed(PinEntry.MENU, nowNs, "no key within the digit timeout");
            }
            case HUNG_UP -> hungUp(nowNs);
            // The call has asked no meeting to take it yet, so meeting news does not concern it.
            case CALL_ANSWERED, CONFERENCE_FOUND, CONFERENCE_NOT_FOUND, PIN_CHECKED, ENTERED_LOBBY,
                    MEETING_FULL, ADMITTED, MEETING_ENDED -> {
            }
            default -> throw unexpected(event);
        }
    }

    private void onVerifyingPin(CallEvent event, long nowNs) {
        switch (event.kind()) {
            case PIN_CHECKED -> pinChecked(PinEntry.MENU, (PinChecked) event, nowNs);
            case HUNG_UP -> hungUp(nowNs);
            // Keys while the PIN is verified are dropped; the call is in no meeting yet.
            case CALL_ANSWERED, DIGIT_RECEIVED, PROMPTS_FINISHED, TIMER_FIRED, CONFERENCE_FOUND,
                    CONFERENCE_NOT_FOUND, ENTERED_LOBBY, MEETING_FULL, ADMITTED, MEETING_ENDED -> {
            }
            default -> throw unexpected(event);
        }
    }

    private void onJoining(CallEvent event, long nowNs) {
        switch (event.kind()) {
            case ENTERED_LOBBY -> {
                boolean meetingStarted = ((EnteredLobby) event).meetingStarted();
                if (lobbyDeadlineNs.isEmpty()) {
                    lobbyDeadlineNs = OptionalLong.of(nowNs + TimeUnit.MILLISECONDS.toNanos(lobbyTimeoutMs()));
                }
                effects.add(new StartHoldMusic());
                playWithPreface(meetingStarted ? Prompt.WAITING_FOR_ADMISSION : Prompt.MEETING_NOT_STARTED);
                armLobbyTimer(nowNs);
                transition(CallState.IN_LOBBY, nowNs,
                        meetingStarted ? "meeting started, waiting for the organizer to admit" : "meeting not started");
            }
            case ADMITTED -> {
                playWithPreface(Prompt.JOINING_MEETING);
                effects.add(new ConnectToMeetingAudio());
                transition(CallState.IN_MEETING, nowNs, "joined the started meeting");
            }
            case MEETING_FULL -> meetingFull(nowNs);
            case MEETING_ENDED -> meetingEnded((MeetingEnded) event, nowNs);
            case HUNG_UP -> hungUpInMeeting(nowNs);
            // Keys are dropped until the meeting has answered; nothing is speaking or timed here.
            case CALL_ANSWERED, DIGIT_RECEIVED, PROMPTS_FINISHED, TIMER_FIRED, CONFERENCE_FOUND,
                    CONFERENCE_NOT_FOUND, PIN_CHECKED -> {
            }
            default -> throw unexpected(event);
        }
    }

    private void onInLobby(CallEvent event, long nowNs) {
        switch (event.kind()) {
            case ADMITTED -> admitted(nowNs, "meeting started");
            case DIGIT_RECEIVED -> {
                bargeIn();
                if (digit(event) == '*' && pinFailures < policy.pinTries()) {
                    // The organizer who dialled in before they were ready: take the PIN from the lobby.
                    effects.add(new StopHoldMusic());
                    startPinEntry(PinEntry.LOBBY, nowNs, "* pressed in the lobby");
                }
            }
            case PROMPTS_FINISHED -> promptPlaying = false; // the hold music goes on underneath
            case TIMER_FIRED -> {
                effects.add(new LeaveMeeting());
                effects.add(new StopHoldMusic());
                play(Prompt.LOBBY_TIMEOUT, Prompt.GOODBYE);
                transition(CallState.SAYING_GOODBYE, nowNs, "lobby timeout");
            }
            case MEETING_FULL -> meetingFull(nowNs);
            case MEETING_ENDED -> meetingEnded((MeetingEnded) event, nowNs);
            case HUNG_UP -> hungUpInMeeting(nowNs);
            // Already in the lobby; no lookup or PIN check is under way.
            case CALL_ANSWERED, CONFERENCE_FOUND, CONFERENCE_NOT_FOUND, PIN_CHECKED, ENTERED_LOBBY -> {
            }
            default -> throw unexpected(event);
        }
    }

    private void onLobbyCollectingPin(CallEvent event, long nowNs) {
        switch (event.kind()) {
            case DIGIT_RECEIVED -> pinKey(PinEntry.LOBBY, digit(event), nowNs);
            case PROMPTS_FINISHED -> {
                promptPlaying = false;
                armTimer(policy.digitTimeoutMs());
            }
            case TIMER_FIRED -> {
                digits.setLength(0);
                pinFailed(PinEntry.LOBBY, nowNs, "no key within the digit timeout");
            }
            case ADMITTED -> {
                digits.setLength(0);
                admitted(nowNs, "meeting started while the PIN was being typed in the lobby");
            }
            case MEETING_FULL -> meetingFull(nowNs);
            case MEETING_ENDED -> meetingEnded((MeetingEnded) event, nowNs);
            case HUNG_UP -> hungUpInMeeting(nowNs);
            // Already in the lobby; no lookup or PIN check is under way.
            case CALL_ANSWERED, CONFERENCE_FOUND, CONFERENCE_NOT_FOUND, PIN_CHECKED, ENTERED_LOBBY -> {
            }
            default -> throw unexpected(event);
        }
    }

    private void onLobbyVerifyingPin(CallEvent event, long nowNs) {
        switch (event.kind()) {
            case PIN_CHECKED -> pinChecked(PinEntry.LOBBY, (PinChecked) event, nowNs);
            case ADMITTED -> admitted(nowNs, "meeting started while the PIN was being verified");
            case MEETING_FULL -> meetingFull(nowNs);
            case MEETING_ENDED -> meetingEnded((MeetingEnded) event, nowNs);
            case HUNG_UP -> hungUpInMeeting(nowNs);
            // Keys while the PIN is verified are dropped; already in the lobby.
            case CALL_ANSWERED, DIGIT_RECEIVED, PROMPTS_FINISHED, TIMER_FIRED, CONFERENCE_FOUND,
                    CONFERENCE_NOT_FOUND, ENTERED_LOBBY -> {
            }
            default -> throw unexpected(event);
        }
    }

    private void onInMeeting(CallEvent event, long nowNs) {
        switch (event.kind()) {
            case DIGIT_RECEIVED -> {
                bargeIn();
                meetingKey(digit(event));
            }
            case PROMPTS_FINISHED -> promptPlaying = false;
            case TIMER_FIRED -> command.setLength(0); // a key command left half typed
            case MEETING_ENDED -> meetingEnded((MeetingEnded) event, nowNs);
            case HUNG_UP -> hungUpInMeeting(nowNs);
            // A late PIN verdict (admission won the race) and news for callers still outside are ignored.
            case CALL_ANSWERED, CONFERENCE_FOUND, CONFERENCE_NOT_FOUND, PIN_CHECKED, ENTERED_LOBBY,
                    MEETING_FULL, ADMITTED -> {
            }
            default -> throw unexpected(event);
        }
    }

    private void onSayingGoodbye(CallEvent event, long nowNs) {
        switch (event.kind()) {
            case PROMPTS_FINISHED -> sayGoodbye(nowNs);
            case DIGIT_RECEIVED -> {
                bargeIn();
                sayGoodbye(nowNs);
            }
            case HUNG_UP -> hungUp(nowNs);
            // The call is out of the menu and out of any meeting: only the end of the goodbye matters.
            case CALL_ANSWERED, TIMER_FIRED, CONFERENCE_FOUND, CONFERENCE_NOT_FOUND, PIN_CHECKED, ENTERED_LOBBY,
                    MEETING_FULL, ADMITTED, MEETING_ENDED -> {
            }
            default -> throw unexpected(event);
        }
    }

    private void sayGoodbye(long nowNs) {
        effects.add(new HangUp("goodbye"));
        transition(CallState.ENDED, nowNs, "said goodbye");
    }

    /**
     * In-meeting keys: {@code *6} mute/unmute with a spoken confirmation, {@code *1} the list of keys,
     * and for the organizer {@code *21} admit the lobby. A command starts with {@code *}; any other
     * key sequence is dropped, and a command not finished within the digit timeout is forgotten.
     */
    private void meetingKey(char key) {
        if (key == '*') {
            command.setLength(0);
            command.append('*');
            armTimer(policy.digitTimeoutMs());
            return;
        }
        if (command.isEmpty()) {
            return;
        }
        command.append(key);
        String typed = command.toString();
        switch (typed) {
            case "*6" -> {
                endCommand();
                muted = !muted;
                effects.add(new CallEffect.SetMuted(muted));
                play(muted ? Prompt.MUTED : Prompt.UNMUTED);
            }
            case "*1" -> {
                endCommand();
                play(role == Role.ORGANIZER ? Prompt.KEY_HELP_ORGANIZER : Prompt.KEY_HELP);
            }
            case "*2" -> armTimer(policy.digitTimeoutMs()); // the organizer's *21 is under way
            case "*21" -> {
                endCommand();
                if (role == Role.ORGANIZER) {
                    effects.add(new CallEffect.AdmitLobby());
                }
            }
            default -> endCommand();
        }
    }

    private void endCommand() {
        command.setLength(0);
        cancelTimer();
    }

    /** A hang-up in a state where no meeting holds the call: disarm the timer and end. */
    private void hungUp(long nowNs) {
        cancelTimer();
        digits.setLength(0);
        transition(CallState.ENDED, nowNs, "caller hung up");
    }

    /** A hang-up while the meeting holds the call (joining, in its lobby, or a participant): leave it too. */
    private void hungUpInMeeting(long nowNs) {
        cancelTimer();
        effects.add(new LeaveMeeting());
        digits.setLength(0);
        transition(CallState.ENDED, nowNs, "caller hung up, leaving the meeting");
    }

    private void conferenceFound(MeetingRecord found, long nowNs) {
        meeting = found;
        if (authenticatedOrganizerId != NewCall.ANONYMOUS && meeting.organizerId() == authenticatedOrganizerId) {
            enterMeeting(Role.ORGANIZER, nowNs, "caller authenticated as this meeting's organizer");
        } else if (!meeting.requirePinToStart()) {
            enterMeeting(Role.CALLER, nowNs, "meeting needs no PIN to start");
        } else {
            play(Prompt.PRESS_STAR_IF_ORGANIZER);
            transition(CallState.OFFERING_ORGANIZER_STAR, nowNs, "conference ID found");
        }
    }

    private void conferenceIdFailed(long nowNs, boolean timedOut, String reason) {
        digits.setLength(0);
        cancelTimer();
        conferenceIdFailures++;
        if (conferenceIdFailures >= policy.conferenceIdTries()) {
            if (timedOut) {
                play(Prompt.GOODBYE);
            } else {
                play(Prompt.CONFERENCE_ID_NOT_FOUND, Prompt.GOODBYE);
            }
            transition(CallState.SAYING_GOODBYE, nowNs, reason + ", no tries left");
        } else {
            if (timedOut) {
                play(Prompt.ENTER_CONFERENCE_ID);
            } else {
                play(Prompt.CONFERENCE_ID_NOT_FOUND, Prompt.ENTER_CONFERENCE_ID);
            }
            transition(CallState.COLLECTING_CONFERENCE_ID, nowNs, reason);
        }
    }

    private void startPinEntry(PinEntry entry, long nowNs, String reason) {
        digits.setLength(0);
        cancelTimer();
        play(Prompt.ENTER_PIN);
        transition(entry.collecting, nowNs, reason);
    }

    private void pinKey(PinEntry entry, char key, long nowNs) {
        String pin = collect(key);
        if (pin == null) {
            return;
        }
        if (pin.isEmpty()) {
            pinFailed(entry, nowNs, "# with no PIN digits");
        } else {
            effects.add(new VerifyPin(meeting, pin));
            transition(entry.verifying, nowNs, "PIN entered");
        }
    }

    private void pinChecked(PinEntry entry, PinChecked checked, long nowNs) {
        if (checked.accepted()) {
            enterMeeting(Role.ORGANIZER, nowNs, "PIN accepted");
        } else if (checked.busy()) {
            // Not checked (the hashing queue is full): a try like a wrong PIN, but the caller hears why.
            pinFailed(entry, nowNs, "PIN not checked: verification queue full", Prompt.TRY_AGAIN_LATER);
        } else {
            pinFailed(entry, nowNs, "PIN rejected");
        }
    }

    private void pinFailed(PinEntry entry, long nowNs, String reason) {
        pinFailed(entry, nowNs, reason, Prompt.PIN_INCORRECT);
    }

    private void pinFailed(PinEntry entry, long nowNs, String reason, Prompt notice) {
        pinFailures++;
        if (pinFailures < policy.pinTries()) {
            play(notice, Prompt.ENTER_PIN);
            transition(entry.collecting, nowNs, reason);
            return;
        }
        switch (entry) {
            case LOBBY -> {
                effects.add(new StartHoldMusic());
                play(notice);
                armLobbyTimer(nowNs);
                transition(CallState.IN_LOBBY, nowNs, reason + ", no tries left: back to the lobby");
            }
            case MENU -> {
                preface = notice;
                enterMeeting(Role.CALLER, nowNs, reason + ", no tries left: continues as a caller");
            }
            default -> throw new IllegalStateException("PIN entry: " + entry);
        }
    }

    private void enterMeeting(Role as, long nowNs, String reason) {
        role = as;
        effects.add(new EnterMeeting(meeting, as));
        transition(CallState.JOINING, nowNs, reason);
    }

    private void admitted(long nowNs, String reason) {
        cancelTimer();
        if (promptPlaying) {
            effects.add(new StopPrompts());
            promptPlaying = false;
        }
        effects.add(new StopHoldMusic());
        effects.add(new ConnectToMeetingAudio());
        transition(CallState.IN_MEETING, nowNs, reason);
    }

    private void meetingEnded(MeetingEnded ended, long nowNs) {
        cancelTimer();
        effects.add(new StopHoldMusic());
        play(ended.organizerLeft() ? Prompt.ORGANIZER_LEFT : Prompt.MEETING_ENDED, Prompt.GOODBYE);
        transition(CallState.SAYING_GOODBYE, nowNs, ended.organizerLeft() ? "the organizer left" : "meeting ended");
    }

    private void meetingFull(long nowNs) {
        cancelTimer();
        effects.add(new StopHoldMusic());
        play(Prompt.MEETING_FULL, Prompt.GOODBYE);
        transition(CallState.SAYING_GOODBYE, nowNs, "meeting full");
    }

    /** The meeting's lobby timeout, never above the node's configured bound. */
    private long lobbyTimeoutMs() {
        long meetingMs = TimeUnit.MINUTES.toMillis(meeting.policy().lobbyTimeoutMinutes());
        return Math.min(policy.lobbyTimeoutMs(), meetingMs);
    }

    private void armLobbyTimer(long nowNs) {
        long remainingMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(lobbyDeadlineNs.getAsLong() - nowNs));
        armTimer(remainingMs);
    }

    private void playWithPreface(Prompt prompt) {
        if (preface != null) {
            play(preface, prompt);
            preface = null;
        } else {
            play(prompt);
        }
    }

    private void play(Prompt... prompts) {
        effects.add(new PlayPrompts(List.of(prompts)));
        promptPlaying = true;
    }

    private void bargeIn() {
        if (promptPlaying) {
            effects.add(new StopPrompts());
            promptPlaying = false;
        }
    }

    private void armTimer(long delayMs) {
        timerToken++;
        timerArmed = true;
        effects.add(new ScheduleTimer(delayMs, timerToken));
    }

    private void cancelTimer() {
        if (timerArmed) {
            timerArmed = false;
            effects.add(new CancelTimer());
        }
    }

    /**
     * One key of a conference ID or PIN: a key stops any prompt (barge-in); {@code #} ends the entry
     * and returns what was typed ("" for nothing); any other key is activity that restarts the digit
     * timeout (a non-digit is not kept, but a prompt it cut short must not leave the call waiting
     * forever). Returns null while the entry goes on.
     */
    private String collect(char key) {
        bargeIn();
        if (key == '#') {
            cancelTimer();
            return takeDigits();
        }
        if (isDigit(key)) {
            appendDigit(key);
        }
        armTimer(policy.digitTimeoutMs());
        return null;
    }

    private void appendDigit(char key) {
        if (digits.length() < MAX_DIGITS) {
            digits.append(key);
        }
    }

    private String takeDigits() {
        String taken = digits.toString();
        digits.setLength(0);
        return taken;
    }

    private void transition(CallState next, long nowNs, String reason) {
        if (log.isDebugEnabled()) {
            log.debug("call {}: {} -> {} ({})", callId, state, next, reason);
        }
        state = next;
    }

    private static char digit(CallEvent event) {
        return ((DigitReceived) event).digit();
    }

    private IllegalStateException unexpected(CallEvent event) {
        return new IllegalStateException("state " + state + ": no case for " + event.kind());
    }

    private static boolean isDigit(char key) {
        return key >= '0' && key <= '9';
    }
}
