package io.confbridge.server;

import io.confbridge.prompt.Prompt;
import io.confbridge.prompt.PromptLibrary;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.SpokenFrames;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.confbridge.server.support.DialInSteps.PROMPT_FRAMES_COMPARED;
import static io.confbridge.server.support.DialInSteps.assertHearsPrompt;
import static io.confbridge.server.support.DialInSteps.awaitSpokenFrames;
import static io.confbridge.server.support.DialInSteps.dialAndAnswered;
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
}
