package io.confbridge.call;

import io.confbridge.call.CallEffect.CancelTimer;
import io.confbridge.call.CallEffect.HangUp;
import io.confbridge.call.CallEffect.PlayPrompts;
import io.confbridge.call.CallEffect.ScheduleTimer;
import io.confbridge.call.CallEvent.Admitted;
import io.confbridge.call.CallEvent.CallAnswered;
import io.confbridge.call.CallEvent.ConferenceFound;
import io.confbridge.call.CallEvent.ConferenceNotFound;
import io.confbridge.call.CallEvent.DigitReceived;
import io.confbridge.call.CallEvent.EnteredLobby;
import io.confbridge.call.CallEvent.HungUp;
import io.confbridge.call.CallEvent.MeetingEnded;
import io.confbridge.call.CallEvent.PinChecked;
import io.confbridge.call.CallEvent.PromptsFinished;
import io.confbridge.call.CallEvent.TimerFired;
import io.confbridge.prompt.Prompt;
import io.confbridge.store.MeetingRecord;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Drives one {@link CallStateMachine} the way its owner would, without sockets: events go in with an
 * explicit clock, effects come out into a queue that the test reads in order with {@link #expect}. Any
 * effect a test leaves unread fails the test (after OkHttp's {@code StateMachineDnsCallTester}), so a
 * new effect never slips through unnoticed.
 *
 * <p>It also plays the owner's part for the one call timer: it remembers the token of the armed
 * {@link ScheduleTimer} so a test can fire the current timer, or a stale one that was replaced.
 *
 * <p>Register it with {@code @RegisterExtension final CallScript call = new CallScript();}.
 */
final class CallScript implements AfterEachCallback {

    static final long DIGIT_TIMEOUT_MS = 10_000;
    static final long ORGANIZER_STAR_WAIT_MS = 3_000;
    static final int CONFERENCE_ID_TRIES = 3;
    static final int PIN_TRIES = 3;
    static final long LOBBY_TIMEOUT_MS = Duration.ofMinutes(60).toMillis();

    static final MenuPolicy POLICY = new MenuPolicy(
            DIGIT_TIMEOUT_MS, ORGANIZER_STAR_WAIT_MS, CONFERENCE_ID_TRIES, PIN_TRIES, LOBBY_TIMEOUT_MS);

    /** A meeting only its organizer's PIN can start: callers are offered {@code *}. */
    static final MeetingRecord PIN_MEETING = new MeetingRecord(7, "4711001", 42, true);
    /** A meeting that starts with its first caller: nobody is asked about a PIN. */
    static final MeetingRecord OPEN_MEETING = new MeetingRecord(8, "4711002", 43, false);

    /** Stands for "whatever token the machine chose" in an expected {@link ScheduleTimer}. */
    private static final int ANY_TOKEN = Integer.MIN_VALUE;
    /** Stands for "whatever reason" in an expected {@link HangUp}. */
    private static final String ANY_REASON = new String("any reason");
    private static final int NO_TIMER = Integer.MIN_VALUE;

    private final CallStateMachine machine = new CallStateMachine("test-call", POLICY);
    private final ArrayDeque<CallEffect> unread = new ArrayDeque<>();
    private final Set<Integer> issuedTokens = new HashSet<>();
    /** The tokens in the order they were issued, to pick a stale one. */
    private final List<Integer> tokenHistory = new ArrayList<>();
    private int armedToken = NO_TIMER;
    /** Arbitrary, far from zero: the machine must only use differences of times. */
    private long nowNs = Duration.ofDays(3).toNanos();
    private List<CallEffect> lastEffects = List.of();
    private CallEvent lastEvent;

    // ---- expected effects -------------------------------------------------------------------

    /** An expected {@link PlayPrompts} of exactly these prompts, in this order. */
    static PlayPrompts prompts(Prompt... prompts) {
        return new PlayPrompts(List.of(prompts));
    }

    /** An expected {@link ScheduleTimer} of this delay, with any fresh token. */
    static ScheduleTimer timer(long delayMs) {
        return new ScheduleTimer(delayMs, ANY_TOKEN);
    }

    /** An expected {@link HangUp}, whatever its reason text. */
    static HangUp hangUp() {
        return new HangUp(ANY_REASON);
    }

    // ---- time ---------------------------------------------------------------------------------

    long nowNs() {
        return nowNs;
    }

    CallScript advance(Duration duration) {
        nowNs += duration.toNanos();
        return this;
    }

    // ---- events -------------------------------------------------------------------------------

    /** Feeds one event at the current time and queues its effects. */
    CallScript send(CallEvent event) {
        CallState before = machine.state();
        if (event instanceof TimerFired fired && fired.token() == armedToken) {
            armedToken = NO_TIMER; // the owner's timer fires once
        }
        List<CallEffect> effects = List.copyOf(machine.handle(event, nowNs));
        lastEvent = event;
        lastEffects = effects;
        if (before == CallState.ENDED && !effects.isEmpty()) {
            fail("an ended call must do nothing, but " + event + " gave " + effects);
        }
        for (CallEffect effect : effects) {
            track(effect);
            unread.add(effect);
        }
        return this;
    }

    CallScript answer() {
        return send(new CallAnswered(""));
    }

    CallScript answer(String dialledUser) {
        return send(new CallAnswered(dialledUser));
    }

    /** Presses each key of {@code keys} in turn, as separate events at the same time. */
    CallScript press(String keys) {
        for (int i = 0; i < keys.length(); i++) {
            send(new DigitReceived(keys.charAt(i)));
        }
        return this;
    }

    CallScript promptsFinished() {
        return send(new PromptsFinished());
    }

    /** Fires the armed timer; fails if the machine has no timer armed. */
    CallScript fireTimer() {
        if (armedToken == NO_TIMER) {
            fail("no timer is armed in state " + machine.state());
        }
        return send(new TimerFired(armedToken));
    }

    /** Fires a timer that was replaced, cancelled or has fired already; fails if there is none. */
    CallScript fireStaleTimer() {
        int stale = staleToken();
        if (stale == NO_TIMER) {
            fail("no stale timer token yet in state " + machine.state());
        }
        return send(new TimerFired(stale));
    }

    CallScript found(MeetingRecord meeting) {
        return send(new ConferenceFound(meeting));
    }

    CallScript notFound() {
        return send(new ConferenceNotFound());
    }

    CallScript pinChecked(boolean accepted) {
        return send(new PinChecked(accepted));
    }

    /** The PIN was not checked: the verification queue was full. */
    CallScript pinNotChecked() {
        return send(new PinChecked(false, true));
    }

    CallScript enteredLobby() {
        return send(new EnteredLobby());
    }

    CallScript admitted() {
        return send(new Admitted());
    }

    CallScript meetingEnded() {
        return send(new MeetingEnded());
    }

    CallScript hungUp() {
        return send(new HungUp());
    }

    // ---- timer bookkeeping ------------------------------------------------------------------------

    boolean timerArmed() {
        return armedToken != NO_TIMER;
    }

    /** The most recently issued token, armed or not; 0 before any timer was armed. */
    int latestToken() {
        return tokenHistory.isEmpty() ? 0 : tokenHistory.get(tokenHistory.size() - 1);
    }

    /** The most recent token that is not the armed one, or {@code Integer.MIN_VALUE} if none. */
    int staleToken() {
        for (int i = tokenHistory.size() - 1; i >= 0; i--) {
            int token = tokenHistory.get(i);
            if (token != armedToken) {
                return token;
            }
        }
        return NO_TIMER;
    }

    private void track(CallEffect effect) {
        if (effect instanceof ScheduleTimer scheduled) {
            assertTrue(issuedTokens.add(scheduled.token()),
                    "timer token " + scheduled.token() + " reused; tokens so far " + tokenHistory);
            tokenHistory.add(scheduled.token());
            armedToken = scheduled.token();
        } else if (effect instanceof CancelTimer) {
            armedToken = NO_TIMER;
        }
    }

    // ---- assertions -------------------------------------------------------------------------------

    CallState state() {
        return machine.state();
    }

    CallStateMachine machine() {
        return machine;
    }

    CallScript assertState(CallState expected) {
        assertEquals(expected, machine.state(), "state after " + lastEvent);
        return this;
    }

    /** Reads exactly these effects, in order, from the unread ones. */
    CallScript expect(CallEffect... expected) {
        for (CallEffect wanted : expected) {
            CallEffect actual = unread.poll();
            if (actual == null) {
                fail("expected " + describe(wanted) + " but no effect is left; last event " + lastEvent
                        + " gave " + lastEffects + ", state " + machine.state());
            }
            if (!matches(wanted, actual)) {
                fail("expected " + describe(wanted) + " but was " + actual + "; last event " + lastEvent
                        + " gave " + lastEffects + ", state " + machine.state());
            }
        }
        return this;
    }

    /** Asserts that every effect so far has been read. */
    CallScript expectNothing() {
        assertNoUnreadEffects();
        return this;
    }

    /** Takes every unread effect, for tests that only care whether there were any. */
    List<CallEffect> drain() {
        List<CallEffect> all = new ArrayList<>(unread);
        unread.clear();
        return all;
    }

    void assertNoUnreadEffects() {
        if (!unread.isEmpty()) {
            fail("unread effects " + unread + "; last event " + lastEvent + ", state " + machine.state());
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (context.getExecutionException().isEmpty()) {
            assertNoUnreadEffects();
        }
    }

    private static String describe(CallEffect wanted) {
        if (wanted instanceof ScheduleTimer w && w.token() == ANY_TOKEN) {
            return "ScheduleTimer[delayMs=" + w.delayMs() + ", token=any]";
        }
        if (wanted instanceof HangUp w && w.reason() == ANY_REASON) {
            return "HangUp[reason=any]";
        }
        return wanted.toString();
    }

    private static boolean matches(CallEffect wanted, CallEffect actual) {
        if (wanted instanceof ScheduleTimer w && w.token() == ANY_TOKEN) {
            return actual instanceof ScheduleTimer a && a.delayMs() == w.delayMs();
        }
        if (wanted instanceof HangUp w && w.reason() == ANY_REASON) {
            return actual instanceof HangUp;
        }
        return wanted.equals(actual);
    }
}
