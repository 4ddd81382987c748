package io.confbridge.server.support;

import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a caller does on the phone, step by step, as end-to-end tests repeat it: dial, listen for the
 * bridge to speak, type keys while it speaks. Every wait is bounded and polls; none sleeps.
 */
public final class DialInSteps {
    /** Long enough for any one prompt plus the organizer-star window, on a loaded 2-core machine. */
    public static final Duration IVR_STEP = Duration.ofSeconds(20);
    /** How soon after answering a caller must hear the first prompt. */
    public static final Duration FIRST_PROMPT = Duration.ofSeconds(5);
    private static final Duration LISTEN_WINDOW = Duration.ofMillis(300);
    /** Five audible 20 ms frames: the bridge started saying something. */
    private static final int SPOKE_FRAMES = 5;

    private DialInSteps() {
    }

    /** Dials {@code requestUriUser}, expects 200, and starts sending silence as a real phone would. */
    public static void dialAndAnswered(TestPhone phone, String requestUriUser) {
        assertEquals(200, phone.dial(requestUriUser), phone.name() + " dialling " + requestUriUser);
        phone.startSilence();
    }

    /** Waits until the phone hears the bridge (a prompt, music, a voice). */
    public static void awaitHearing(TestPhone phone) {
        await(phone.name() + " hears the bridge").atMost(FIRST_PROMPT)
                .until(() -> phone.isHearingAudio(LISTEN_WINDOW));
    }

    /** Waits until the bridge says something after {@code sinceNanoTime}, such as the reply to keys typed then. */
    public static void awaitBridgeSpeaksAfter(TestPhone phone, long sinceNanoTime) {
        await(phone.name() + " hears the bridge answer").atMost(IVR_STEP)
                .until(() -> phone.audibleFramesSince(sinceNanoTime) >= SPOKE_FRAMES);
    }

    /** Types keys and returns the moment the last one was sent. */
    public static long type(TestPhone phone, String keys) {
        phone.sendDtmf(keys);
        return System.nanoTime();
    }

    /**
     * An organizer who dialled their meeting's ID directly: waits for the organizer prompt, types over it
     * {@code *}, the PIN and {@code #}.
     */
    public static void organizerDialsInWithPin(TestPhone phone, String conferenceId, String pin) {
        dialAndAnswered(phone, conferenceId);
        awaitHearing(phone);
        type(phone, "*" + pin + "#");
    }
}
