package io.confbridge.server;

import io.confbridge.prompt.Prompt;
import io.confbridge.prompt.PromptLibrary;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SpokenFrames;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.confbridge.server.support.DialInSteps.PROMPT_FRAMES_COMPARED;
import static io.confbridge.server.support.DialInSteps.assertHearsPrompt;
import static io.confbridge.server.support.DialInSteps.awaitSpokenFrames;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
import static org.awaitility.Awaitility.await;
import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The prompt language follows the dialled number ({@code ivr.dialInLanguages}), else the tenant's
 * default (SPEC §2, prompts): told apart by the welcome prompt's very frames.
 */
class PromptLanguageTest {
    private static final Prompt WELCOME = Prompt.WELCOME;

    @TempDir
    Path dataDir;

    @Test
    void chineseDialInNumberHearsChineseAndAnyOtherNumberEnglish() throws Exception {
        PromptLibrary chinese = PromptLibrary.builtIn("zh");
        PromptLibrary english = PromptLibrary.builtIn("en");
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("ivr.dialInLanguages", "chinese=zh").start()) {
            TestPhone zhCaller = bridge.newPhone("zh-caller");
            long zhDialled = System.nanoTime();
            dialAndAnswered(zhCaller, "chinese");
            assertHearsPrompt(zhCaller, zhDialled, chinese.get(WELCOME));
            SpokenFrames heardByZh = awaitSpokenFrames(zhCaller, zhDialled);
            assertFalse(heardByZh.sameAs(SpokenFrames.of(english.get(WELCOME), zhCaller.answer().codec(),
                    PROMPT_FRAMES_COMPARED)), "the Chinese number does not hear the English welcome");

            TestPhone enCaller = bridge.newPhone("en-caller");
            long enDialled = System.nanoTime();
            dialAndAnswered(enCaller, "bridge");
            assertHearsPrompt(enCaller, enDialled, english.get(WELCOME));
            SpokenFrames heardByEn = awaitSpokenFrames(enCaller, enDialled);
            assertFalse(heardByEn.sameAs(heardByZh), "the two numbers hear different welcomes");
        }
    }

    @Test
    void tenantLanguageIsTheDefaultAndADialInNumberOverridesIt() throws Exception {
        PromptLibrary chinese = PromptLibrary.builtIn("zh");
        PromptLibrary english = PromptLibrary.builtIn("en");
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("ivr.dialInLanguages", "english=en").start()) {
            RunningBridge.AdminReply changed = bridge.admin("PATCH", "/api/settings", "{\"language\":\"zh\"}");
            assertEquals(200, changed.status(), changed.body());

            // The bridge follows the tenant's setting as it changes: a call after that hears Chinese.
            TestPhone[] zhCaller = new TestPhone[1];
            long[] dialled = new long[1];
            await("a call to the general number hears the tenant's Chinese").atMost(IVR_STEP).pollInterval(Duration.ofMillis(500)).until(() -> {
                if (zhCaller[0] != null) {
                    zhCaller[0].hangUp();
                }
                zhCaller[0] = bridge.newPhone("tenant-default-caller");
                dialled[0] = System.nanoTime();
                dialAndAnswered(zhCaller[0], "bridge");
                return SpokenFrames.of(chinese.get(WELCOME), zhCaller[0].answer().codec(), PROMPT_FRAMES_COMPARED)
                        .sameAs(awaitSpokenFrames(zhCaller[0], dialled[0]));
            });

            TestPhone enCaller = bridge.newPhone("english-number-caller");
            long enDialled = System.nanoTime();
            dialAndAnswered(enCaller, "english");
            assertHearsPrompt(enCaller, enDialled, english.get(WELCOME));
        }
    }
}
