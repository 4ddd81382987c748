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
 * {@code bridge meetings ...}: create, change, inspect, start and end meetings. The commands on one meeting
 * ({@code get}, {@code update}, {@code start}, {@code admit}, {@code end}) also work with the organizer's own
 * token ({@code --token}), as the organizer's app does.
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
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change some of a meeting's settings; the others stay as they are "
                    + "(the organizer's own token works too).")
    static final class Update extends OneMeetingCommand {
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
                        + "--require-pin-to-start, " + MeetingPolicyOptions.NAMES);
            }
            return new Request("PATCH", meetingPath(), body);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Show a meeting and its live state (the organizer's own token works too).")
    static final class Get extends OneMeetingCommand {
        @Override
        Request request() {
            return new Request("GET", meetingPath(), null);
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
    static final class Start extends OneMeetingCommand {
        @Override
        Request request() {
            return new Request("POST", meetingPath() + "/start", null);
        }
    }

    @Command(name = "admit", mixinStandardHelpOptions = true,
            description = "Admit everyone waiting in a started meeting's lobby (the organizer's own token works too).")
    static final class Admit extends OneMeetingCommand {
        @Override
        Request request() {
            return new Request("POST", meetingPath() + "/admit", null);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            out.println("admitted: " + answer.path("admitted").asInt());
        }
    }

    @Command(name = "end", mixinStandardHelpOptions = true,
            description = "End a meeting for everyone in it and in its lobby (the organizer's own token works too).")
    static final class End extends OneMeetingCommand {
        @Override
        Request request() {
            return new Request("POST", meetingPath() + "/end", null);
        }
    }

    /** A command on one meeting, named by its conference ID. */
    abstract static class OneMeetingCommand extends ApiCommand {
        @Parameters(index = "0", paramLabel = "CONFERENCE-ID")
        String conferenceId;

        String meetingPath() {
            return "/api/meetings/" + seg(conferenceId);
        }
    }
}
