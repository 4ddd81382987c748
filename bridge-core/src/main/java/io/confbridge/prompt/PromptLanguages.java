package io.confbridge.prompt;

import java.util.Map;

/**
 * The prompt sets a caller may hear, and which one they do: the language of the number they dialled
 * (the Request-URI user part, e.g. a Chinese dial-in number), else the tenant's default language.
 * Thread-safe: the tenant default is swapped atomically when an administrator changes it.
 */
public final class PromptLanguages {
    private final Map<String, PromptLibrary> libraries;
    private final Map<String, String> dialInLanguages;
    private volatile String tenantLanguage;

    /**
     * @param libraries       every loaded prompt set by language code
     * @param dialInLanguages dial-in number (Request-URI user part) → language code
     * @param tenantLanguage  the language for every other number
     */
    public PromptLanguages(Map<String, PromptLibrary> libraries, Map<String, String> dialInLanguages,
                           String tenantLanguage) {
        this.libraries = Map.copyOf(libraries);
        this.dialInLanguages = Map.copyOf(dialInLanguages);
        for (String language : this.dialInLanguages.values()) {
            if (!this.libraries.containsKey(language)) {
                throw new IllegalArgumentException("no prompts for language " + language + " of a dial-in number");
            }
        }
        tenantLanguage(tenantLanguage);
    }

    /** A single prompt set for every caller. */
    public static PromptLanguages only(String language, PromptLibrary library) {
        return new PromptLanguages(Map.of(language, library), Map.of(), language);
    }

    /** The prompts for a caller who dialled this Request-URI user part. */
    public PromptLibrary forDialled(String dialledUser) {
        String language = dialledUser == null ? null : dialInLanguages.get(dialledUser);
        return libraries.get(language != null ? language : tenantLanguage);
    }

    /** Changes the default language; an unknown one is refused and the old one stays. */
    public void tenantLanguage(String language) {
        if (!libraries.containsKey(language)) {
            throw new IllegalArgumentException("no prompts for language " + language + "; have " + libraries.keySet());
        }
        tenantLanguage = language;
    }

    public String tenantLanguage() {
        return tenantLanguage;
    }
}
