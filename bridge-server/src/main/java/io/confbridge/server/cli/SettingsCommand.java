package io.confbridge.server.cli;

import java.util.List;
import com.fasterxml.jackson.databind.node.ArrayNode;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;


/** {@code bridge settings get|set}: the tenant-wide settings. */
@Command(name = "settings", mixinStandardHelpOptions = true, description = "Show or change tenant settings.",
        subcommands = {SettingsCommand.Get.class, SettingsCommand.Set.class})
public final class SettingsCommand {

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show the tenant settings.")
    static final class Get extends ApiCommand {
        @Override
        Request request() {
            return new Request("GET", "/api/settings", null);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change one or more settings; the others stay as they are. The meeting policy options "
                    + "set the defaults that every meeting without its own value follows.")
    static final class Set extends ApiCommand {
        @Option(names = "--pin-length", paramLabel = "4-12",
                description = "Digits of PINs generated from now on; existing PINs keep theirs.")
        Integer pinLength;

        @Option(names = "--auto-email", arity = "1", paramLabel = "true|false",
                description = "E-mail new and reset PINs without being asked.")
        Boolean autoEmail;

        @Option(names = "--anonymous-can-start", arity = "1", paramLabel = "true|false",
                description = "Default for new meetings: may a caller without the PIN start it.")
        Boolean anonymousCanStart;

        @Option(names = "--language", paramLabel = "en|zh", description = "Prompt language.")
        String language;

        @Option(names = "--dial-in-number", paramLabel = "NUMBER",
                description = "A dial-in phone number shown to organizers and in the PIN e-mail; repeat for "
                        + "several. Replaces the list; --no-dial-in-numbers empties it.")
        List<String> dialInNumbers;

        @Option(names = "--no-dial-in-numbers", description = "Remove every dial-in number.")
        boolean noDialInNumbers;

        /** The meeting policy defaults: every meeting that does not set its own value follows them. */
        @Mixin
        MeetingPolicyOptions policy;

        @Override
        Request request() {
            ObjectNode body = object();
            if (pinLength != null) {
                body.put("pinLength", pinLength);
            }
            if (autoEmail != null) {
                body.put("autoEmail", autoEmail);
            }
            if (anonymousCanStart != null) {
                body.put("anonymousCanStart", anonymousCanStart);
            }
            if (language != null) {
                body.put("language", language);
            }
            if (dialInNumbers != null || noDialInNumbers) {
                ArrayNode numbers = body.putArray("dialInNumbers");
                if (dialInNumbers != null && !noDialInNumbers) {
                    dialInNumbers.forEach(numbers::add);
                }
            }
            policy.putInto(body);
            if (body.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "nothing to set: give at least one of "
                        + "--pin-length, --auto-email, --anonymous-can-start, --language, --dial-in-number, "
                        + MeetingPolicyOptions.NAMES);
            }
            return new Request("PATCH", "/api/settings", body);
        }
    }
}
