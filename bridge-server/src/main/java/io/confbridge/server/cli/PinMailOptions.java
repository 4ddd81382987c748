package io.confbridge.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** Where a new PIN is e-mailed: shared by {@code users enable} and {@code users reset-pin}. */
final class PinMailOptions {

    @Option(names = "--send-email", description = "E-mail the PIN even if auto e-mail is off.")
    boolean sendEmail;

    @Option(names = "--email-to", paramLabel = "ADDR",
            description = "Send the PIN e-mail to this address instead (implies --send-email).")
    String emailTo;

    /** Puts the options that were given into the request body. */
    void putInto(ObjectNode body) {
        if (sendEmail || emailTo != null) {
            body.put("sendEmail", true);
        }
        if (emailTo != null) {
            body.put("sendEmailToAddress", emailTo);
        }
    }
}
