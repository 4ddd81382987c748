package io.confbridge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

/** {@code bridge meetings ...}: create, inspect and end meetings. */
@Command(name = "meetings", mixinStandardHelpOptions = true, description = "Create, inspect and end meetings.",
        subcommands = {MeetingsCommand.Create.class, MeetingsCommand.Get.class, MeetingsCommand.ListMeetings.class,
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

        @Override
        Request request() {
            ObjectNode body = object().put("organizerEmail", organizer);
            if (requirePinToStart != null) {
                body.put("requirePinToStart", requirePinToStart);
            }
            return new Request("POST", "/api/meetings", body);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            TextOutput.fields(answer, out);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a meeting and its live state.")
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
