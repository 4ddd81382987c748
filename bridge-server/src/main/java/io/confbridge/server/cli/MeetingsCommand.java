package io.confbridge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

/**
 * {@code bridge meetings ...}: create, change, inspect, start and end meetings. {@code get}, {@code update},
 * {@code start} and {@code admit} also work with the organizer's own token ({@code --token}), as the
 * organizer's app does.
 */
@Command(name = "meetings", mixinStandardHelpOptions = true,
        description = "Create, change, inspect, start and end meetings.",
        subcommands = {MeetingsCommand.Create.class, MeetingsCommand.Update.class, MeetingsCommand.Get.class,
                MeetingsCommand.ListMeetings.class, MeetingsCommand.Start.class, MeetingsCommand.Admit.class,
                MeetingsCommand.End.class})
public final class MeetingsCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a meeting for an organizer; prints its conference ID.")
    static final class Create extends ApiCommand {
        @Option(names = "--organizer", required = true, paramLabel = "EMAIL", description = "The organizer.")
        String organizer;

        @Option(names = "--require-pin-to-start", arity = "1", paramLabel = "true|false",
                description = "Whether only the organizer's PIN starts it (default: the tenant setting).")
        Boolean requirePinToStart;

        @Mixin
        MeetingPolicyOptions policy;

        @Override
        Request request() {
            ObjectNode body = object().put("organizerEmail", organizer);
            if (requirePinToStart != null) {
                body.put("requirePinToStart", requirePinToStart);
            }
            policy.putInto(body);
            return new Request("POST", "/api/meetings", body);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            TextOutput.fields(answer, out);
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change some of a meeting's settings; the others stay as they are "
                    + "(the organizer's own token works too).")
    static final class Update extends ApiCommand {
        @Parameters(index = "0", paramLabel = "CONFERENCE-ID")
        String conferenceId;

        @Option(names = "--require-pin-to-start", arity = "1", paramLabel = "true|false",
                description = "Whether only the organizer's PIN starts it.")
        Boolean requirePinToStart;

        @Mixin
        MeetingPolicyOptions policy;

        @Override
        Request request() {
            ObjectNode body = object();
            if (requirePinToStart != null) {
                body.put("requirePinToStart", requirePinToStart);
            }
            policy.putInto(body);
            if (body.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "nothing to change: give at least one of "
                        + "--require-pin-to-start, --end-on-organizer-leave, --lobby-timeout-minutes, "
                        + "--max-participants, --entry-exit-tones, --admission-mode");
            }
            return new Request("PATCH", "/api/meetings/" + seg(conferenceId), body);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            TextOutput.fields(answer, out);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Show a meeting and its live state (the organizer's own token works too).")
    static final class Get extends ApiCommand {
        @Parameters(index = "0", paramLabel = "CONFERENCE-ID")
        String conferenceId;

        @Override
        Request request() {
            return new Request("GET", "/api/meetings/" + seg(conferenceId), null);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            TextOutput.fields(answer, out);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List all meetings.")
    static final class ListMeetings extends ApiCommand {
        @Override
        Request request() {
            return new Request("GET", "/api/meetings", null);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            TextOutput.table(answer,
                    List.of("conferenceId", "organizerEmail", "requirePinToStart", "state", "lobbyCount",
                            "participantCount", "createdAt"),
                    List.of("CONFERENCE ID", "ORGANIZER", "PIN TO START", "STATE", "LOBBY", "PARTICIPANTS",
                            "CREATED"), out);
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start a meeting without a PIN and admit its lobby (the organizer's own token works too).")
    static final class Start extends ApiCommand {
        @Parameters(index = "0", paramLabel = "CONFERENCE-ID")
        String conferenceId;

        @Override
        Request request() {
            return new Request("POST", "/api/meetings/" + seg(conferenceId) + "/start", null);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            TextOutput.fields(answer, out);
        }
    }

    @Command(name = "admit", mixinStandardHelpOptions = true,
            description = "Admit everyone waiting in a started meeting's lobby (the organizer's own token works too).")
    static final class Admit extends ApiCommand {
        @Parameters(index = "0", paramLabel = "CONFERENCE-ID")
        String conferenceId;

        @Override
        Request request() {
            return new Request("POST", "/api/meetings/" + seg(conferenceId) + "/admit", null);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            out.println("admitted: " + answer.path("admitted").asInt());
        }
    }

    @Command(name = "end", mixinStandardHelpOptions = true,
            description = "End a meeting for everyone in it and in its lobby.")
    static final class End extends ApiCommand {
        @Parameters(index = "0", paramLabel = "CONFERENCE-ID")
        String conferenceId;

        @Override
        Request request() {
            return new Request("POST", "/api/meetings/" + seg(conferenceId) + "/end", null);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            TextOutput.fields(answer, out);
        }
    }
}
