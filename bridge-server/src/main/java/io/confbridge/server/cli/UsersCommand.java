package io.confbridge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code bridge users ...}: the dial-in conferencing user cmdlets (SPEC §4). */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Enable, inspect and manage dial-in conferencing users (organizers).",
        subcommands = {UsersCommand.Enable.class, UsersCommand.Get.class, UsersCommand.ListUsers.class,
                UsersCommand.ResetPin.class, UsersCommand.Disable.class, UsersCommand.ClearLockout.class,
                UsersCommand.IssueToken.class, UsersCommand.SetSipCredentials.class,
                UsersCommand.RevokeTokens.class})
public final class UsersCommand {

    /** Enable-CsOnlineDialInConferencingUser. */
    @Command(name = "enable", mixinStandardHelpOptions = true,
            description = "Enable a user for audio conferencing; prints the new PIN once.")
    static final class Enable extends ApiCommand {
        @Parameters(index = "0", paramLabel = "EMAIL", description = "The user's e-mail address.")
        String email;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Display name.")
        String name;

        @Option(names = "--phone", paramLabel = "PHONE", description = "Phone number (optional).")
        String phone;

        @Mixin
        PinMailOptions mail;

        @Override
        Request request() {
            ObjectNode body = object().put("email", email).put("displayName", name);
            if (phone != null) {
                body.put("phone", phone);
            }
            mail.putInto(body);
            return new Request("POST", "/api/users", body);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            renderPinIssued(answer, out);
        }
    }

    /** Get-CsOnlineDialInConferencingUser. */
    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a user (the PIN as *****).")
    static final class Get extends ApiCommand {
        @Parameters(index = "0", paramLabel = "EMAIL")
        String email;

        @Override
        Request request() {
            return new Request("GET", "/api/users/" + seg(email), null);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List all users.")
    static final class ListUsers extends ApiCommand {
        @Override
        Request request() {
            return new Request("GET", "/api/users", null);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            TextOutput.table(answer,
                    List.of("email", "displayName", "enabled", "locked", "sipLocked", "pinLength", "conferenceIds"),
                    List.of("EMAIL", "NAME", "ENABLED", "LOCKED", "SIP LOCKED", "PIN LENGTH", "CONFERENCE IDS"), out);
        }
    }

    /** Set-CsOnlineDialInConferencingUser -ResetLeaderPIN. */
    @Command(name = "reset-pin", mixinStandardHelpOptions = true,
            description = "Give the user a new PIN; prints it once.")
    static final class ResetPin extends ApiCommand {
        @Parameters(index = "0", paramLabel = "EMAIL")
        String email;

        @Mixin
        PinMailOptions mail;

        @Override
        Request request() {
            ObjectNode body = object();
            mail.putInto(body);
            return new Request("POST", "/api/users/" + seg(email) + "/reset-pin", body);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            renderPinIssued(answer, out);
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Disable a user for audio conferencing.")
    static final class Disable extends ApiCommand {
        @Parameters(index = "0", paramLabel = "EMAIL")
        String email;

        @Override
        Request request() {
            return new Request("POST", "/api/users/" + seg(email) + "/disable", null);
        }
    }

    @Command(name = "clear-lockout", mixinStandardHelpOptions = true,
            description = "Clear a PIN lockout of the user and the digest lockout of their SIP username.")
    static final class ClearLockout extends ApiCommand {
        @Parameters(index = "0", paramLabel = "EMAIL")
        String email;

        @Override
        Request request() {
            return new Request("POST", "/api/users/" + seg(email) + "/clear-lockout", null);
        }
    }

    @Command(name = "revoke-tokens", mixinStandardHelpOptions = true,
            description = "Revoke every bearer token of the user; they stop working at once.")
    static final class RevokeTokens extends ApiCommand {
        @Parameters(index = "0", paramLabel = "EMAIL")
        String email;

        @Override
        Request request() {
            return new Request("DELETE", "/api/users/" + seg(email) + "/tokens", null);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            out.println(answer.path("revoked").asInt() + " token(s) of " + TextOutput.printable(answer.path("email").asText())
                    + " revoked");
        }
    }

    @Command(name = "issue-token", mixinStandardHelpOptions = true,
            description = "Issue a bearer token for the user's own app-side calls; prints it once.")
    static final class IssueToken extends ApiCommand {
        @Parameters(index = "0", paramLabel = "EMAIL")
        String email;

        @Override
        Request request() {
            return new Request("POST", "/api/users/" + seg(email) + "/tokens", null);
        }

        @Override
        void render(JsonNode answer, PrintWriter out) {
            out.println("token for " + answer.path("email").asText() + ": " + answer.path("token").asText()
                    + "  (shown only this once)");
        }
    }

    /**
     * SIP digest credentials for the user's softphone. The password comes from stdin, never from the
     * command line, where {@code ps} and shell history would show it.
     */
    @Command(name = "set-sip-credentials", mixinStandardHelpOptions = true,
            description = "Set the user's SIP username and password (read from stdin, first line).")
    static final class SetSipCredentials extends ApiCommand {
        @Parameters(index = "0", paramLabel = "EMAIL")
        String email;

        @Option(names = "--username", required = true, paramLabel = "USERNAME", description = "The SIP username.")
        String username;

        @Option(names = "--password-stdin", required = true,
                description = "Read the password from the first line of stdin (required: it is never an argument).")
        boolean passwordStdin;

        @Override
        Request request() {
            String password = firstLineOfStdin();
            if (password == null || password.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "no password on stdin: pipe it in as the first line, e.g. from a password manager");
            }
            ObjectNode body = object().put("username", username).put("password", password);
            return new Request("PUT", "/api/users/" + seg(email) + "/sip-credentials", body);
        }

        /** The first line, without its line ending; null if stdin is empty. Leaves stdin open. */
        private static String firstLineOfStdin() {
            BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try {
                return reader.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the password from stdin", e);
            }
        }
    }

    /** The user, the PIN with a reminder that it is shown once, and where the e-mail went. */
    private static void renderPinIssued(JsonNode answer, PrintWriter out) {
        TextOutput.fields(answer, out, "pin");
        out.println("PIN: " + answer.path("pin").asText() + "  (shown only this once)");
        JsonNode mail = answer.path("mail");
        if (mail.path("sent").asBoolean()) {
            out.println("mail: sent to " + TextOutput.printable(mail.path("to").asText()));
        } else if (mail.hasNonNull("error")) {
            String to = mail.hasNonNull("to") ? " to " + TextOutput.printable(mail.path("to").asText()) : "";
            out.println("mail: FAILED" + to + " (" + TextOutput.printable(mail.path("error").asText())
                    + "); deliver the PIN to the user by hand");
        } else if (mail.path("deliverManually").asBoolean()) {
            out.println("mail: not sent; deliver the PIN to the user by hand");
        } else {
            out.println("mail: not sent");
        }
    }
}
