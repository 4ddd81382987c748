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
 */
public record PinMail(String to, String displayName, String pin, List<String> conferenceIds) {

    public PinMail {
        conferenceIds = List.copyOf(conferenceIds);
    }

    @Override
    public String toString() {
        return "PinMail[to=" + to + ", pin=*****, conferenceIds=" + conferenceIds + "]";
    }
}
