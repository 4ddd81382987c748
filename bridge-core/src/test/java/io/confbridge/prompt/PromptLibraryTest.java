package io.confbridge.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PromptLibraryTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"en", "zh"})
    void everyBuiltInPromptLoadsAndIsSpeech(String language) {
        PromptLibrary library = PromptLibrary.builtIn(language);
        for (Prompt prompt : Prompt.values()) {
            EncodedAudio clip = library.get(prompt);
            assertTrue(clip.isWideband(), language + " " + prompt + " ships at 16 kHz");
            assertFalse(clip.isSilent(), language + " " + prompt);
            assertTrue(clip.frames() >= 25, language + " " + prompt + " shorter than half a second");
            assertTrue(clip.frames() <= 750, language + " " + prompt + " longer than 15 s");
            // normalised to about -3 dBFS by the generator
            assertTrue(clip.peakAmplitude() > 16000, language + " " + prompt + " peak " + clip.peakAmplitude());
        }
        assertEquals("built-in " + language, library.source());
    }

    @Test
    void languagesHaveTheirOwnRecordings() {
        EncodedAudio en = PromptLibrary.builtIn("en").get(Prompt.WELCOME);
        EncodedAudio zh = PromptLibrary.builtIn("ZH").get(Prompt.WELCOME);
        assertNotEquals(en.frames(), zh.frames());
    }

    @Test
    void unknownBuiltInLanguageIsRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PromptLibrary.builtIn("fr"));
        assertTrue(e.getMessage().contains("'fr'") && e.getMessage().contains("en, zh"), e.getMessage());
    }

    @Test
    void loadsACompleteDirectory() throws IOException {
        writeAllPrompts();
        PromptLibrary library = PromptLibrary.fromDirectory(dir);
        for (Prompt prompt : Prompt.values()) {
            // each file has its own pitch, so a mix-up of files would show
            assertEquals(1000 + 10 * prompt.ordinal(), library.get(prompt).peakAmplitude(), 2);
        }
    }

    @Test
    void loadsWidebandAndNarrowbandFilesEachTheirWay() throws IOException {
        writeAllPrompts();
        WavFiles.pcm16(dir.resolve(Prompt.GOODBYE.fileName()), 16000, WavFiles.sine(5000, 16000, 0.5, 3000));
        PromptLibrary library = PromptLibrary.fromDirectory(dir);
        assertTrue(library.get(Prompt.GOODBYE).isWideband());
        assertEquals(3000, library.get(Prompt.GOODBYE).peakAmplitude(), 2);
        assertFalse(library.get(Prompt.ENTER_PIN).isWideband(), "an 8 kHz file stays an 8 kHz prompt");
    }

    @Test
    void missingFileIsNamedAndStopsLoading() throws IOException {
        writeAllPrompts();
        Files.delete(dir.resolve(Prompt.ENTER_PIN.fileName()));
        Files.delete(dir.resolve(Prompt.GOODBYE.fileName()));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PromptLibrary.fromDirectory(dir));
        assertEquals(dir.resolve("enter-pin.wav").toString(), e.getFile(), "the first missing, in Prompt order");
        assertTrue(e.getMessage().contains("enter-pin.wav"), e.getMessage());
    }

    @Test
    void unreadableFileIsNamed() throws IOException {
        writeAllPrompts();
        Files.writeString(dir.resolve(Prompt.GOODBYE.fileName()), "not audio");
        IOException e = assertThrows(IOException.class, () -> PromptLibrary.fromDirectory(dir));
        assertTrue(e.getMessage().contains("goodbye.wav"), e.getMessage());
    }

    @Test
    void missingDirectoryIsNamed() {
        Path nowhere = dir.resolve("nowhere");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> PromptLibrary.fromDirectory(nowhere));
        assertEquals(nowhere.toString(), e.getFile());
    }

    private void writeAllPrompts() throws IOException {
        for (Prompt prompt : Prompt.values()) {
            WavFiles.pcm16(dir.resolve(prompt.fileName()), 8000,
                    WavFiles.sine(300 + 20 * prompt.ordinal(), 8000, 0.5, 1000 + 10 * prompt.ordinal()));
        }
    }
}
