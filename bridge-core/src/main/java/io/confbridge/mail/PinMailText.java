package io.confbridge.mail;

import java.util.List;

/** The subject and plain-text body of a PIN e-mail, with the dial-in instructions. */
final class PinMailText {

    static final String SUBJECT = "Your audio conferencing PIN";

    private PinMailText() {
    }

    /**
     * @param bridgeUri where callers dial in, for example {@code sip:bridge.contoso.com:5060}
     */
    static String body(PinMail mail, String bridgeUri) {
        List<String> ids = mail.conferenceIds();
        StringBuilder b = new StringBuilder(512);
        b.append("Hello ").append(mail.displayName()).append(",\n\n");
        b.append("Your audio conferencing PIN is: ").append(mail.pin()).append("\n\n");
        b.append("You need it to start your meetings from a phone. Keep it to yourself; it replaces any earlier PIN.\n\n");
        b.append("To join by phone:\n");
        b.append("  1. Call ").append(bridgeUri).append('\n');
        if (ids.isEmpty()) {
            b.append("  2. Enter the conference ID of the meeting, then #\n");
        } else if (ids.size() == 1) {
            b.append("  2. Enter your conference ID ").append(ids.get(0)).append(", then #\n");
        } else {
            b.append("  2. Enter the conference ID of the meeting (yours: ").append(String.join(", ", ids)).append("), then #\n");
        }
        b.append("  3. To start the meeting as its organizer, press *, then your PIN, then #\n\n");
        b.append("Callers wait in the lobby until the meeting starts.\n");
        return b.toString();
    }
}
