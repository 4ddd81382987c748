package io.confbridge.store;

import java.util.Set;

/**
 * The tenant-wide settings an administrator changes at run time (unlike {@code BridgeConfig}, which is
 * fixed at start).
 *
 * @param pinLength           digits of PINs generated from now on (4–12); existing PINs keep their length
 * @param autoEmail           whether a new or reset PIN is e-mailed to the organizer without being asked
 * @param anonymousCanStart   the default of new meetings: may a caller without the PIN start it
 * @param lobbyTimeoutMinutes how long a caller waits in a lobby before the bridge hangs up (1–1440)
 * @param language            prompt language, {@code en} or {@code zh}
 */
public record TenantSettings(int pinLength, boolean autoEmail, boolean anonymousCanStart,
                             int lobbyTimeoutMinutes, String language) {

    public static final int MIN_PIN_LENGTH = 4;
    public static final int MAX_PIN_LENGTH = 12;
    static final Set<String> LANGUAGES = Set.of("en", "zh");

    /** What a fresh database holds; the same values as the column defaults of the V1 migration. */
    public static final TenantSettings DEFAULTS = new TenantSettings(5, true, false, 60, "en");

    public TenantSettings {
        if (pinLength < MIN_PIN_LENGTH || pinLength > MAX_PIN_LENGTH) {
            throw new IllegalArgumentException("pinLength " + pinLength + " is outside 4–12");
        }
        if (lobbyTimeoutMinutes < 1 || lobbyTimeoutMinutes > 1440) {
            throw new IllegalArgumentException("lobbyTimeoutMinutes " + lobbyTimeoutMinutes + " is outside 1–1440");
        }
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("language \"" + language + "\" is not one of en, zh");
        }
    }
}
