package io.confbridge.mail;

import java.util.List;

/**
 * A PIN e-mail to one recipient. The only object besides the PIN response that holds a clear PIN, so
 * {@link #toString()} leaves it out.
 *
 * @param to            the recipient's address
 * @param displayName   the organizer's name, for the greeting
 * @param pin           the new PIN in clear
 * @param conferenceIds the organizer's conference IDs, for the dial-in instructions
 * @param language      the tenant's language, {@code en} or {@code zh}; anything else is written in English
 * @param dialInNumbers the tenant's setting {@code dialInNumbers}: phone numbers that reach the bridge
 */
public record PinMail(String to, String displayName, String pin, List<String> conferenceIds, String language,
                      List<String> dialInNumbers) {

    public PinMail {
        conferenceIds = List.copyOf(conferenceIds);
        language = language == null ? "en" : language;
        dialInNumbers = dialInNumbers == null ? List.of() : List.copyOf(dialInNumbers);
    }

    /** An English mail without dial-in numbers. */
    public PinMail(String to, String displayName, String pin, List<String> conferenceIds) {
        this(to, displayName, pin, conferenceIds, "en", List.of());
    }

    @Override
    public String toString() {
        return "PinMail[to=" + to + ", pin=*****, conferenceIds=" + conferenceIds + ", language=" + language + "]";
    }
}
