package io.confbridge.call;

import io.confbridge.call.CallEffect.Kind;
import io.confbridge.prompt.Prompt;
import io.confbridge.meeting.Role;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import static io.confbridge.call.CallScript.PIN_MEETING;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The state machine switches on {@link CallEvent#kind()} and an executor on {@link CallEffect#kind()}:
 * each record must answer the constant named after it, or a switch would run the wrong case.
 */
class KindTest {

    private static final List<CallEffect> ONE_OF_EACH = List.of(
            new CallEffect.PlayPrompts(List.of(Prompt.WELCOME)),
            new CallEffect.StopPrompts(),
            new CallEffect.StartHoldMusic(),
            new CallEffect.StopHoldMusic(),
            new CallEffect.ConnectToMeetingAudio(),
            new CallEffect.ScheduleTimer(1, 1),
            new CallEffect.CancelTimer(),
            new CallEffect.LookUpConference("4711001"),
            new CallEffect.VerifyPin(PIN_MEETING, "1234"),
            new CallEffect.EnterMeeting(PIN_MEETING, Role.CALLER),
            new CallEffect.LeaveMeeting(),
            new CallEffect.SetMuted(true),
            new CallEffect.AdmitLobby(),
            new CallEffect.HangUp("goodbye"));

    @Test
    void everyEffectRecordAnswersTheKindNamedAfterIt() {
        for (CallEffect effect : ONE_OF_EACH) {
            assertEquals(constantName(effect.getClass()), effect.kind().name(), effect.toString());
        }
    }

    @Test
    void theSamplesCoverEveryEffectAndEveryKind() {
        Set<Class<?>> sampled = ONE_OF_EACH.stream().map(Object::getClass).collect(Collectors.toSet());
        assertEquals(Set.of(CallEffect.class.getPermittedSubclasses()), sampled);
        Set<Kind> kinds = ONE_OF_EACH.stream().map(CallEffect::kind).collect(Collectors.toSet());
        assertEquals(EnumSet.allOf(Kind.class), kinds);
    }

    @Test
    void everyEventRecordAnswersTheKindNamedAfterIt() {
        CallScript script = new CallScript();
        Set<Class<?>> sampled = new java.util.HashSet<>();
        for (SampleEvent sample : SampleEvent.values()) {
            CallEvent event = sample.eventFor(script);
            sampled.add(event.getClass());
            assertEquals(constantName(event.getClass()), event.kind().name(), event.toString());
        }
        assertEquals(Set.of(CallEvent.class.getPermittedSubclasses()), sampled);
    }

    /** {@code ConnectToMeetingAudio} → {@code CONNECT_TO_MEETING_AUDIO}. */
    static String constantName(Class<?> type) {
        return Arrays.stream(type.getSimpleName().split("(?=[A-Z])"))
                .map(word -> word.toUpperCase(Locale.ROOT))
                .collect(Collectors.joining("_"));
    }
}
