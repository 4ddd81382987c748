package io.confbridge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

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

        @Override
        void render(JsonNode answer, PrintWriter out) {
            TextOutput.fields(answer, out);
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change one or more settings; the others stay as they are.")
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

        @Option(names = "--lobby-timeout-minutes", paramLabel = "MINUTES",
                description = "How long a caller waits in a lobby (1-1440).")
        Integer lobbyTimeoutMinutes;

        @Option(names = "--language", paramLabel = "en|zh", description = "Prompt language.")
        String language;

        @Option(names = "--end-on-organizer-leave", arity = "1", paramLabel = "true|false",
                description = "Default for meetings: end for everyone when the organizer hangs up.")
        Boolean endOnOrganizerLeave;

        @Option(names = "--max-participants", paramLabel = "N",
                description = "Default for meetings: at most this many in a meeting (0 = no limit).")
        Integer maxParticipants;

        @Option(names = "--entry-exit-tones", arity = "1", paramLabel = "true|false",
                description = "Default for meetings: play a tone when someone joins or leaves.")
        Boolean entryExitTones;

        @Option(names = "--admission-mode", paramLabel = "automatic|organizer",
                description = "Default for meetings: the lobby comes in at the start, or when the organizer admits it.")
        String admissionMode;

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
            if (lobbyTimeoutMinutes != null) {
                body.put("lobbyTimeoutMinutes", lobbyTimeoutMinutes);
            }
            if (language != null) {
                body.put("language", language);
            }
            if (endOnOrganizerLeave != null) {
                body.put("endOnOrganizerLeave", endOnOrganizerLeave);
            }
            if (maxParticipants != null) {
                body.put("maxParticipants", maxParticipants);
            }
            if (entryExitTones != null) {
                body.put("entryExitTones", entryExitTones);
            }
            if (admissionMode != null) {
                body.put("admissionMode", admissionMode);
            }
            if (body.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "nothing to set: give at least one of "
                        + "--pin-length, --auto-email, --anonymous-can-start, --lobby-timeout-minutes, --language, "
                        + "--end-on-organizer-leave, --max-participants, --entry-exit-tones, --admission-mode");
            }
            return new Request("PATCH", "/api/settings", body);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            TextOutput.fields(answer, out);
        }
    }
}
