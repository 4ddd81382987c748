package io.confbridge.prompt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every {@link Prompt} of one language, loaded and encoded eagerly when the library is built, so
 * a missing or unreadable file stops start-up rather than a call. The built-in languages ship in
 * the jar under {@code /prompts/<language>/} as 16 kHz recordings, so G.722 callers hear them
 * wideband; a custom set is a directory holding one WAV file per prompt, named by
 * {@link Prompt#fileName()} (any format {@link WavReader} accepts; files of 16 kHz or more are kept
 * wideband, slower ones are 8 kHz prompts as before).
 */
public final class PromptLibrary {

    /** The languages shipped in the jar: English and Mandarin Chinese. */
    public static final List<String> BUILT_IN_LANGUAGES = List.of("en", "zh");

    private final String source;
    /** Indexed by {@link Prompt#ordinal()}. */
    private final EncodedAudio[] clips;

    private PromptLibrary(String source, EncodedAudio[] clips) {
        this.source = source;
        this.clips = clips;
    }

    /**
     * The prompts shipped with the bridge for a language.
     *
     * @param language one of {@link #BUILT_IN_LANGUAGES}, case-insensitive
     * @throws IllegalArgumentException for any other language
     */
    public static PromptLibrary builtIn(String language) {
        String lang = language.toLowerCase(Locale.ROOT);
        if (!BUILT_IN_LANGUAGES.contains(lang)) {
            throw new IllegalArgumentException(
                    "no built-in prompts for language '" + language + "'; built in: " + String.join(", ", BUILT_IN_LANGUAGES));
        }
        return BUILT_IN.computeIfAbsent(lang, PromptLibrary::encodeBuiltIn);
    }

    /**
     * The built-in sets, encoded once per JVM: they are the same bytes for every bridge a JVM runs (cluster
     * nodes side by side, the end-to-end tests' hundreds of bridges), and encoding both languages in every
     * codec takes seconds. A library and its clips are never changed once built.
     */
    private static final Map<String, PromptLibrary> BUILT_IN = new ConcurrentHashMap<>();

    private static PromptLibrary encodeBuiltIn(String lang) {
        Prompt[] prompts = Prompt.values();
        EncodedAudio[] clips = new EncodedAudio[prompts.length];
        for (Prompt prompt : prompts) {
            String resource = "/prompts/" + lang + "/" + prompt.fileName();
            try (InputStream in = PromptLibrary.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("built-in prompt missing from the jar: " + resource);
                }
                clips[prompt.ordinal()] = WavReader.readKeepingWideband(in, resource).encode(resource);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new PromptLibrary("built-in " + lang, clips);
    }

    /**
     * The prompts in a directory, which must hold a file for every {@link Prompt}.
     *
     * @throws NoSuchFileException naming the directory if it does not exist, or the first missing
     *     prompt file (in {@link Prompt} order)
     * @throws IOException naming the file that cannot be read or decoded
     */
    public static PromptLibrary fromDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "prompt directory does not exist");
        }
        Prompt[] prompts = Prompt.values();
        for (Prompt prompt : prompts) {
            Path file = dir.resolve(prompt.fileName());
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null,
                        "prompt file missing (a prompt directory needs one WAV per prompt: " + allFileNames() + ")");
            }
        }
        EncodedAudio[] clips = new EncodedAudio[prompts.length];
        for (Prompt prompt : prompts) {
            Path file = dir.resolve(prompt.fileName());
            clips[prompt.ordinal()] = WavReader.readKeepingWideband(file).encode(file.toString());
        }
        return new PromptLibrary(dir.toString(), clips);
    }

    private static String allFileNames() {
        StringBuilder names = new StringBuilder();
        for (Prompt prompt : Prompt.values()) {
            names.append(names.length() == 0 ? "" : ", ").append(prompt.fileName());
        }
        return names.toString();
    }

    /** The encoded clip of a prompt. */
    public EncodedAudio get(Prompt prompt) {
        return clips[prompt.ordinal()];
    }

    /** Where the prompts came from ({@code built-in en} or the directory), for logs. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "PromptLibrary[" + source + "]";
    }
}
