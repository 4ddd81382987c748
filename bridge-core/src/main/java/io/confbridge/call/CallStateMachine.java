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
import io.confbridge.prompt.Prompt;
import io.confbridge.store.MeetingRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The voice menu of one dial-in call (SPEC §2), as one explicit state machine. It does no I/O: it
 * takes {@link CallEvent}s with the time they happened and returns {@link CallEffect}s for its owner
 * to carry out, so it is tested with plain calls.
 *
 * <p>The lifecycle:
 * <ol>
 *   <li>{@link CallState#NEW}: answered → if the Request-URI names a conference ID, look it up
 *       ({@code VALIDATING_CONFERENCE_ID}); otherwise welcome prompt ({@code COLLECTING_CONFERENCE_ID}).</li>
 *   <li>{@code COLLECTING_CONFERENCE_ID}: digits until {@code #}; a key stops any prompt (barge-in);
 *       no key for the digit timeout, or an unknown ID, is a failure; the last failure says goodbye.</li>
 *   <li>{@code VALIDATING_CONFERENCE_ID}: found → offer {@code *} to the organizer, or, for a meeting
 *       that needs no PIN to start, join at once.</li>
 *   <li>{@code OFFERING_ORGANIZER_STAR}: {@code *} → PIN entry; any other key or the wait running out →
 *       join as an ordinary caller.</li>
 *   <li>{@code COLLECTING_PIN} → {@code VERIFYING_PIN}: a right PIN joins as organizer (starting the
 *       meeting); a wrong one retries, and after the last try the caller goes on as an ordinary caller.</li>
 *   <li>{@code JOINING}: the meeting answers: lobby ({@code IN_LOBBY}, hold music, lobby timeout, {@code *}
 *       for the PIN) or participant ({@code IN_MEETING}).</li>
 *   <li>{@code SAYING_GOODBYE} → {@code ENDED}. A hang-up in any state ends the call at once.</li>
 * </ol>
 * Not thread-safe: its owner calls it from the call's one event loop.
 */
public final class CallStateMachine {
    private static final Logger log = LoggerFactory.getLogger(CallStateMachine.class);

    /** Longer than any conference ID or PIN; more keys than this before {@code #} are dropped. */
    private static final int MAX_DIGITS = 20;

    /** The menu's timeouts and try counts. */
    public record Policy(long digitTimeoutMs, long organizerStarWaitMs, int conferenceIdTries,
                         int pinTries, long lobbyTimeoutMs) {
    }

    private final String callId;
    private final Policy policy;
    private final long authenticatedOrganizerId;
    private final List<CallEffect> effects = new ArrayList<>(8);
    private final StringBuilder digits = new StringBuilder(MAX_DIGITS);

    private CallState state = CallState.NEW;
    private boolean promptPlaying;
    private boolean fromDialledNumber;
    private int conferenceIdFailures;
    private int pinFailures;
    private int timerToken;
    private boolean timerArmed;
    private MeetingRecord meeting;
    /** True while the meeting holds this call in its lobby, including PIN entry started from the lobby. */
    private boolean inLobby;
    private long lobbyDeadlineNs;
    private boolean lobbyDeadlineSet;
    /** Spoken before the lobby or meeting announcement (e.g. "That PIN is not correct."). */
    private Prompt preface;
    /** How this call asked to enter its meeting; the organizer has more meeting keys. */
    private Role role = Role.CALLER;
    private boolean muted;
    /** An in-meeting key command being typed: {@code *} then digits, e.g. {@code *6}, {@code *21}. */
    private final StringBuilder command = new StringBuilder(4);

    public CallStateMachine(String callId, Policy policy) {
        this(callId, policy, NewCall.ANONYMOUS);
    }

    /**
     * @param authenticatedOrganizerId the organizer this call proved to be (SIP digest), or
     *                                 {@link NewCall#ANONYMOUS}; such a caller joins their own
     *                                 meetings as organizer without being asked for a PIN
     */
    public CallStateMachine(String callId, Policy policy, long authenticatedOrganizerId) {
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
        if (event instanceof HungUp) {
            hungUp(nowNs);
            return effects;
        }
        if (event instanceof TimerFired fired) {
            if (!timerArmed || fired.token() != timerToken) {
                return effects; // a timer that was replaced or cancelled: stale
            }
            timerArmed = false;
        }
        switch (state) {
            case NEW -> onNew(event, nowNs);
            case COLLECTING_CONFERENCE_ID -> onCollectingConferenceId(event, nowNs);
            case VALIDATING_CONFERENCE_ID -> onValidatingConferenceId(event, nowNs);
            case OFFERING_ORGANIZER_STAR -> onOfferingOrganizerStar(event, nowNs);
            case COLLECTING_PIN -> onCollectingPin(event, nowNs);
            case VERIFYING_PIN -> onVerifyingPin(event, nowNs);
            case JOINING -> onJoining(event, nowNs);
            case IN_LOBBY -> onInLobby(event, nowNs);
            case IN_MEETING -> onInMeeting(event, nowNs);
            case SAYING_GOODBYE -> onSayingGoodbye(event, nowNs);
            case ENDED -> {
                // Over: every event is ignored.
            }
        }
        return effects;
    }

    private void onNew(CallEvent event, long nowNs) {
        if (event instanceof CallAnswered answered) {
            String dialled = answered.dialledUser();
            if (looksLikeConferenceId(dialled)) {
                fromDialledNumber = true;
                effects.add(new LookUpConference(dialled));
                transition(CallState.VALIDATING_CONFERENCE_ID, nowNs, "dialled a conference ID");
            } else {
                play(Prompt.WELCOME);
                transition(CallState.COLLECTING_CONFERENCE_ID, nowNs, "answered");
            }
        }
    }

    private void onCollectingConferenceId(CallEvent event, long nowNs) {
        if (event instanceof DigitReceived d) {
            String id = collect(d.digit());
            if (id == null) {
                return;
            }
            if (id.isEmpty()) {
                conferenceIdFailed(nowNs, false, "# with no digits");
            } else {
                effects.add(new LookUpConference(id));
                transition(CallState.VALIDATING_CONFERENCE_ID, nowNs, "conference ID entered");
            }
        } else if (event instanceof PromptsFinished) {
            promptPlaying = false;
            armTimer(policy.digitTimeoutMs());
        } else if (event instanceof TimerFired) {
            conferenceIdFailed(nowNs, true, "no key within the digit timeout");
        }
    }

    private void onValidatingConferenceId(CallEvent event, long nowNs) {
        if (event instanceof ConferenceFound found) {
            meeting = found.meeting();
            if (authenticatedOrganizerId != NewCall.ANONYMOUS && meeting.organizerId() == authenticatedOrganizerId) {
                enterMeeting(Role.ORGANIZER, nowNs, "caller authenticated as this meeting's organizer");
            } else if (!meeting.requirePinToStart()) {
                enterMeeting(Role.CALLER, nowNs, "meeting needs no PIN to start");
            } else {
                play(Prompt.PRESS_STAR_IF_ORGANIZER);
                transition(CallState.OFFERING_ORGANIZER_STAR, nowNs, "conference ID found");
            }
        } else if (event instanceof ConferenceNotFound) {
            if (fromDialledNumber) {
                // The dialled number was not a conference ID after all (a dial-in number): ask for one.
                fromDialledNumber = false;
                play(Prompt.WELCOME);
                transition(CallState.COLLECTING_CONFERENCE_ID, nowNs, "dialled number is no conference ID");
            } else {
                conferenceIdFailed(nowNs, false, "conference ID not found");
            }
        }
        // Keys typed while the lookup runs are dropped: the next prompt tells the caller what to press.
    }

    private void onOfferingOrganizerStar(CallEvent event, long nowNs) {
        if (event instanceof DigitReceived d) {
            bargeIn();
            cancelTimer();
            if (d.digit() == '*') {
                startPinEntry(nowNs, "organizer pressed *");
            } else {
                enterMeeting(Role.CALLER, nowNs, "key other than * declines the organizer offer");
            }
        } else if (event instanceof PromptsFinished) {
            promptPlaying = false;
            armTimer(policy.organizerStarWaitMs());
        } else if (event instanceof TimerFired) {
            enterMeeting(Role.CALLER, nowNs, "no * within the organizer wait");
        }
    }

    private void onCollectingPin(CallEvent event, long nowNs) {
        if (event instanceof DigitReceived d) {
            String pin = collect(d.digit());
            if (pin == null) {
                return;
            }
            if (pin.isEmpty()) {
                pinFailed(nowNs, "# with no PIN digits");
            } else {
                effects.add(new VerifyPin(meeting, pin));
                transition(CallState.VERIFYING_PIN, nowNs, "PIN entered");
            }
        } else if (event instanceof PromptsFinished) {
            promptPlaying = false;
            armTimer(policy.digitTimeoutMs());
        } else if (event instanceof TimerFired) {
            digits.setLength(0);
            pinFailed(nowNs, "no key within the digit timeout");
        } else if (event instanceof Admitted && inLobby) {
            digits.setLength(0);
            admitted(nowNs, "meeting started while the PIN was being typed in the lobby");
        } else if (event instanceof MeetingEnded ended && inLobby) {
            meetingEnded(ended, nowNs);
        } else if (event instanceof MeetingFull && inLobby) {
            meetingFull(nowNs);
        }
    }

    private void onVerifyingPin(CallEvent event, long nowNs) {
        if (event instanceof PinChecked checked) {
            if (checked.accepted()) {
                enterMeeting(Role.ORGANIZER, nowNs, "PIN accepted");
            } else {
                pinFailed(nowNs, "PIN rejected");
            }
        } else if (event instanceof Admitted && inLobby) {
            admitted(nowNs, "meeting started while the PIN was being verified");
        } else if (event instanceof MeetingEnded ended && inLobby) {
            meetingEnded(ended, nowNs);
        } else if (event instanceof MeetingFull && inLobby) {
            meetingFull(nowNs);
        }
    }

    private void onJoining(CallEvent event, long nowNs) {
        if (event instanceof EnteredLobby lobby) {
            inLobby = true;
            if (!lobbyDeadlineSet) {
                lobbyDeadlineNs = nowNs + TimeUnit.MILLISECONDS.toNanos(lobbyTimeoutMs());
                lobbyDeadlineSet = true;
            }
            effects.add(new StartHoldMusic());
            playWithPreface(lobby.meetingStarted() ? Prompt.WAITING_FOR_ADMISSION : Prompt.MEETING_NOT_STARTED);
            armLobbyTimer(nowNs);
            transition(CallState.IN_LOBBY, nowNs, "meeting not started");
        } else if (event instanceof Admitted) {
            inLobby = false;
            playWithPreface(Prompt.JOINING_MEETING);
            effects.add(new ConnectToMeetingAudio());
            transition(CallState.IN_MEETING, nowNs, "joined the started meeting");
        } else if (event instanceof MeetingFull) {
            meetingFull(nowNs);
        } else if (event instanceof MeetingEnded ended) {
            meetingEnded(ended, nowNs);
        }
    }

    private void onInLobby(CallEvent event, long nowNs) {
        if (event instanceof Admitted) {
            admitted(nowNs, "meeting started");
        } else if (event instanceof DigitReceived d) {
            bargeIn();
            if (d.digit() == '*' && pinFailures < policy.pinTries()) {
                // The organizer who dialled in before they were ready: take the PIN from the lobby.
                effects.add(new StopHoldMusic());
                startPinEntry(nowNs, "* pressed in the lobby");
            }
        } else if (event instanceof PromptsFinished) {
            promptPlaying = false; // the hold music goes on underneath
        } else if (event instanceof TimerFired) {
            effects.add(new LeaveMeeting());
            inLobby = false;
            effects.add(new StopHoldMusic());
            play(Prompt.LOBBY_TIMEOUT, Prompt.GOODBYE);
            transition(CallState.SAYING_GOODBYE, nowNs, "lobby timeout");
        } else if (event instanceof MeetingFull) {
            meetingFull(nowNs);
        } else if (event instanceof MeetingEnded ended) {
            meetingEnded(ended, nowNs);
        }
    }

    private void onInMeeting(CallEvent event, long nowNs) {
        if (event instanceof DigitReceived d) {
            bargeIn();
            meetingKey(d.digit());
        } else if (event instanceof PromptsFinished) {
            promptPlaying = false;
        } else if (event instanceof TimerFired) {
            command.setLength(0); // a key command left half typed
        } else if (event instanceof MeetingEnded ended) {
            meetingEnded(ended, nowNs);
        }
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

    private void onSayingGoodbye(CallEvent event, long nowNs) {
        if (event instanceof PromptsFinished || event instanceof DigitReceived) {
            if (event instanceof DigitReceived) {
                bargeIn();
            }
            effects.add(new HangUp("goodbye"));
            transition(CallState.ENDED, nowNs, "said goodbye");
        }
    }

    private void hungUp(long nowNs) {
        if (state == CallState.ENDED) {
            return;
        }
        if (timerArmed) {
            cancelTimer();
        }
        if (inLobby || state == CallState.JOINING || state == CallState.IN_MEETING) {
            effects.add(new LeaveMeeting());
            inLobby = false;
        }
        digits.setLength(0);
        transition(CallState.ENDED, nowNs, "caller hung up");
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

    private void startPinEntry(long nowNs, String reason) {
        digits.setLength(0);
        cancelTimer();
        play(Prompt.ENTER_PIN);
        transition(CallState.COLLECTING_PIN, nowNs, reason);
    }

    private void pinFailed(long nowNs, String reason) {
        pinFailures++;
        if (pinFailures < policy.pinTries()) {
            play(Prompt.PIN_INCORRECT, Prompt.ENTER_PIN);
            transition(CallState.COLLECTING_PIN, nowNs, reason);
        } else if (inLobby) {
            effects.add(new StartHoldMusic());
            play(Prompt.PIN_INCORRECT);
            armLobbyTimer(nowNs);
            transition(CallState.IN_LOBBY, nowNs, reason + ", no tries left: back to the lobby");
        } else {
            preface = Prompt.PIN_INCORRECT;
            enterMeeting(Role.CALLER, nowNs, reason + ", no tries left: continues as a caller");
        }
    }

    private void enterMeeting(Role as, long nowNs, String reason) {
        role = as;
        effects.add(new EnterMeeting(meeting, as));
        transition(CallState.JOINING, nowNs, reason);
    }

    private void admitted(long nowNs, String reason) {
        inLobby = false;
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
        inLobby = false;
        cancelTimer();
        effects.add(new StopHoldMusic());
        play(ended.organizerLeft() ? Prompt.ORGANIZER_LEFT : Prompt.MEETING_ENDED, Prompt.GOODBYE);
        transition(CallState.SAYING_GOODBYE, nowNs, ended.organizerLeft() ? "the organizer left" : "meeting ended");
    }

    private void meetingFull(long nowNs) {
        inLobby = false;
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
        long remainingMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(lobbyDeadlineNs - nowNs));
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

    private static boolean isDigit(char key) {
        return key >= '0' && key <= '9';
    }

    /** Conference IDs are 4–12 digits; anything else in the Request-URI is a dial-in number or a name. */
    static boolean looksLikeConferenceId(String user) {
        if (user == null || user.length() < 4 || user.length() > 12) {
            return false;
        }
        for (int i = 0; i < user.length(); i++) {
            if (!isDigit(user.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
