package io.confbridge.store;

import io.confbridge.store.MeetingPolicy.AdmissionMode;

import java.util.Objects;
import java.util.List;

/**
 * The tenant-wide settings an administrator changes at run time (unlike {@code BridgeConfig}, which is
 * fixed at start), including the defaults of the meeting policies: a meeting that does not set a policy
 * value of its own follows the tenant's current one (see {@link MeetingPolicyOverrides}).
 *
 * @param pinLength           digits of PINs generated from now on (4–12); existing PINs keep their length
 * @param autoEmail           whether a new or reset PIN is e-mailed to the organizer without being asked
 * @param anonymousCanStart   the default of new meetings: may a caller without the PIN start it
 * @param lobbyTimeoutMinutes how long a caller waits in a lobby before the bridge hangs up (1–1440)
 * @param language            prompt language, {@code en} or {@code zh}
 * @param endOnOrganizerLeave default: the meeting ends when its organizer leaves
 * @param maxParticipants     default: participants allowed at once (0–1000, 0 = no limit)
 * @param entryExitTones      default: tones when someone joins or leaves
 * @param admissionMode       default: who admits the lobby
 * @param dialInNumbers       the phone numbers callers may dial, as people read them (shown to organizers
 *                            and in the PIN e-mail); at most {@value #MAX_DIAL_IN_NUMBERS}, each 1–
 *                            {@value #MAX_DIAL_IN_NUMBER_LENGTH} characters without control characters
 */
public record TenantSettings(int pinLength, boolean autoEmail, boolean anonymousCanStart,
                             int lobbyTimeoutMinutes, String language, boolean endOnOrganizerLeave,
                             int maxParticipants, boolean entryExitTones, AdmissionMode admissionMode,
                             List<String> dialInNumbers) {

    public static final int MIN_PIN_LENGTH = 4;
    public static final int MAX_PIN_LENGTH = 12;
    public static final int MIN_LOBBY_TIMEOUT_MINUTES = 1;
    public static final int MAX_LOBBY_TIMEOUT_MINUTES = 1440;
    public static final int MAX_PARTICIPANTS_LIMIT = 1000;
    /** The prompt languages a tenant may choose. */
    public static final List<String> LANGUAGES = List.of("en", "zh");
    public static final int MAX_DIAL_IN_NUMBERS = 10;
    public static final int MAX_DIAL_IN_NUMBER_LENGTH = 40;

    /** What a fresh database holds; the same values as the column defaults of the migrations. */
    public static final TenantSettings DEFAULTS = new TenantSettings(5, true, false, 60, "en");

    public TenantSettings {
        if (pinLength < MIN_PIN_LENGTH || pinLength > MAX_PIN_LENGTH) {
            throw new IllegalArgumentException("pinLength " + pinLength + " is outside 4–12");
        }
        checkLobbyTimeout(lobbyTimeoutMinutes);
        if (!LANGUAGES.contains(language)) {
            throw new IllegalArgumentException("language \"" + language + "\" is not one of " + String.join(", ", LANGUAGES));
        }
        checkMaxParticipants(maxParticipants);
        Objects.requireNonNull(admissionMode, "admissionMode");
        dialInNumbers = List.copyOf(dialInNumbers);
        String problem = dialInNumbersProblem(dialInNumbers);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Settings without dial-in numbers. */
    public TenantSettings(int pinLength, boolean autoEmail, boolean anonymousCanStart, int lobbyTimeoutMinutes,
                          String language, boolean endOnOrganizerLeave, int maxParticipants, boolean entryExitTones,
                          AdmissionMode admissionMode) {
        this(pinLength, autoEmail, anonymousCanStart, lobbyTimeoutMinutes, language, endOnOrganizerLeave,
                maxParticipants, entryExitTones, admissionMode, List.of());
    }

    /** What is wrong with a list of dial-in numbers (already trimmed), or null if it is fine. */
    public static String dialInNumbersProblem(List<String> numbers) {
        if (numbers.size() > MAX_DIAL_IN_NUMBERS) {
            return "dialInNumbers holds at most " + MAX_DIAL_IN_NUMBERS + " numbers, not " + numbers.size();
        }
        for (String number : numbers) {
            if (number.isBlank() || number.length() > MAX_DIAL_IN_NUMBER_LENGTH
                    || number.chars().anyMatch(Character::isISOControl)) {
                return "each of dialInNumbers must be 1–" + MAX_DIAL_IN_NUMBER_LENGTH
                        + " characters without control characters";
            }
        }
        return null;
    }

    /** Settings with the policy defaults of {@link MeetingPolicy#DEFAULT}. */
    public TenantSettings(int pinLength, boolean autoEmail, boolean anonymousCanStart, int lobbyTimeoutMinutes,
                          String language) {
        this(pinLength, autoEmail, anonymousCanStart, lobbyTimeoutMinutes, language,
                MeetingPolicy.DEFAULT.endOnOrganizerLeave(), MeetingPolicy.DEFAULT.maxParticipants(),
                MeetingPolicy.DEFAULT.entryExitTones(), MeetingPolicy.DEFAULT.admissionMode(), List.of());
    }

    /** The policy of a meeting that sets nothing of its own. */
    public MeetingPolicy defaultPolicy() {
        return new MeetingPolicy(endOnOrganizerLeave, lobbyTimeoutMinutes, maxParticipants, entryExitTones, admissionMode);
    }

    static void checkLobbyTimeout(int minutes) {
        if (minutes < MIN_LOBBY_TIMEOUT_MINUTES || minutes > MAX_LOBBY_TIMEOUT_MINUTES) {
            throw new IllegalArgumentException("lobbyTimeoutMinutes " + minutes + " is outside 1–1440");
        }
    }

    static void checkMaxParticipants(int max) {
        if (max < 0 || max > MAX_PARTICIPANTS_LIMIT) {
            throw new IllegalArgumentException("maxParticipants " + max + " is outside 0–1000");
        }
    }
}
