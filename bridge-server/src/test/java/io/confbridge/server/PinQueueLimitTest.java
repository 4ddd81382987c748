package io.confbridge.server;

import io.confbridge.prompt.Prompt;
import io.confbridge.prompt.PromptLibrary;
import io.confbridge.server.support.DialInSteps;
import io.confbridge.server.support.LogCapture;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SpokenFrames;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.awaitHearing;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue 9 §2: PIN hashing runs on its own pool with a bounded queue ({@code limits.pinVerificationQueue});
 * when it is full a PIN is refused at once instead of waiting behind the others, and the caller hears
 * "Please try again later".
 */
class PinQueueLimitTest {

    private static final PromptLibrary ENGLISH = PromptLibrary.builtIn("en");

    @TempDir
    Path dataDir;

    @Test
    void pinsPastTheQueueAreRefusedAtOnce() throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            pinsPastTheQueueAreRefused(logs);
            // The bridge closed with a PIN still hashing and one queued: the queued one is dropped (its
            // call is gone), the running one is waited for, and neither fails against the closed store.
            assertEquals(List.of(), logs.lines().stream().filter(l -> l.startsWith("ERROR")).toList());
        }
    }

    private void pinsPastTheQueueAreRefused(LogCapture logs) throws Exception {
        try (RunningBridge bridge = RunningBridge.in(dataDir)
                // One hashing thread, one waiting place, and a slow Argon2: four PINs at once overflow it.
                .with("security.pinWorkerThreads", "1")
                .with("limits.pinVerificationQueue", "1")
                .with("security.argon2MemoryKiB", "131072")
                .with("security.argon2Iterations", "6")
                .start()) {
            TestMeeting meeting = bridge.newMeeting(true);
            String id = meeting.conferenceId();
            List<TestPhone> guessers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                TestPhone phone = bridge.newPhone("guesser-" + i);
                dialAndAnswered(phone, id);
                guessers.add(phone);
            }
            for (TestPhone phone : guessers) {
                awaitHearing(phone);
            }
            long typedAt = System.nanoTime();
            // All four type at once, so their PINs reach the pool within milliseconds of each other, well
            // inside one slow Argon2 run: one is hashed, one waits, and the others find the queue full.
            List<CompletableFuture<Void>> typing = new ArrayList<>();
            for (TestPhone phone : guessers) {
                typing.add(phone.sendDtmfAsync("*" + meeting.wrongPin() + "#"));
            }
            CompletableFuture.allOf(typing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            await("a PIN past the full queue is refused, not queued").atMost(IVR_STEP).until(() ->
                    logs.lines().stream().anyMatch(l -> l.contains("PIN verification queue is full")));
            SpokenFrames tryAgain = SpokenFrames.of(ENGLISH.get(Prompt.TRY_AGAIN_LATER),
                    guessers.get(0).answer().codec(), DialInSteps.PROMPT_FRAMES_COMPARED);
            await("that caller hears \"Please try again later\"").atMost(IVR_STEP).until(() ->
                    guessers.stream().anyMatch(phone -> tryAgain.receivedAmong(phone.receivedSince(typedAt))));
            assertFalse(bridge.status(id).started());
        }
    }
}
