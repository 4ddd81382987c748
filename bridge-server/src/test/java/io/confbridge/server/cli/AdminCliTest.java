package io.confbridge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.confbridge.server.Main;
import io.confbridge.server.admin.RunningAdmin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code bridge} CLI end to end, in-process, against a running admin API. */
class AdminCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SEQ = new AtomicInteger();

    private static RunningAdmin admin;

    /** One CLI run: exit code, stdout, stderr. */
    private record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    @TempDir
    static Path dataDir;

    @BeforeAll
    static void start() throws Exception {
        admin = RunningAdmin.start(dataDir);
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
    }

    /** Runs {@code bridge <args> --url ... --token ...} as {@link Main} would. */
    private static Run bridge(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url=" + admin.url());
        all.add("--token=" + admin.adminToken());
        return raw(all.toArray(String[]::new));
    }

    private static Run raw(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String newEmail() {
        return "cli" + SEQ.incrementAndGet() + "." + System.nanoTime() + "@contoso.com";
    }

    @Test
    void enableThenGetShowsThePinOnlyOnce() throws Exception {
        String email = newEmail();
        Run enabled = bridge("users", "enable", email, "--name", "Amos Marble", "--json");
        assertEquals(0, enabled.exit(), enabled.err());
        String pin = enabled.json().path("pin").asText();
        assertTrue(pin.matches("\\d{4,12}"), enabled.out());

        Run got = bridge("users", "get", email, "--json");
        assertEquals(0, got.exit(), got.err());
        assertEquals("*****", got.json().path("pin").asText());
        assertFalse(got.out().contains(pin));

        Run human = bridge("users", "get", email);
        assertEquals(0, human.exit());
        assertTrue(human.out().contains("displayName:"), human.out());
        assertTrue(human.out().contains("Amos Marble"));
        assertFalse(human.out().contains(pin));

        Run list = bridge("users", "list");
        assertEquals(0, list.exit());
        assertTrue(list.out().startsWith("EMAIL"), list.out());
        assertTrue(list.out().contains(email));
        assertFalse(list.out().contains(pin));
    }

    @Test
    void resetPinPrintsANewPinForPeopleAndForScripts() throws Exception {
        String email = newEmail();
        String first = bridge("users", "enable", email, "--name", "N", "--json").json().path("pin").asText();

        Run human = bridge("users", "reset-pin", email, "--send-email", "--email-to", "u@hotmail.com");
        assertEquals(0, human.exit(), human.err());
        assertTrue(human.out().contains("PIN: "), human.out());
        assertTrue(human.out().contains("mail: "), human.out());
        assertTrue(human.out().contains("u@hotmail.com"), human.out());

        Run json = bridge("users", "reset-pin", email, "--json");
        String third = json.json().path("pin").asText();
        assertNotEquals(first, third);
        assertFalse(human.out().contains(third));
    }

    @Test
    void exitCodesTellScriptsWhatWentWrong() throws Exception {
        Run notFound = bridge("users", "get", "nobody@contoso.com");
        assertEquals(ExitCode.NOT_FOUND, notFound.exit());
        assertTrue(notFound.err().startsWith("error: "), notFound.err());
        assertTrue(notFound.err().contains("404"), notFound.err());
        assertEquals("", notFound.out());

        String email = newEmail();
        assertEquals(0, bridge("users", "enable", email, "--name", "N").exit());
        assertEquals(ExitCode.CONFLICT, bridge("users", "enable", email, "--name", "N").exit());

        Run badInput = bridge("settings", "set", "--pin-length", "3");
        assertEquals(ExitCode.BAD_INPUT, badInput.exit());
        assertTrue(badInput.err().contains("pinLength"), badInput.err());

        Run notAllowed = raw("users", "list", "--url=" + admin.url(), "--token=wrong");
        assertEquals(ExitCode.NOT_AUTHORIZED, notAllowed.exit());

        String userToken = bridge("users", "issue-token", email, "--json").json().path("token").asText();
        Run forbidden = raw("users", "reset-pin", email, "--url=" + admin.url(), "--token=" + userToken);
        assertEquals(ExitCode.NOT_AUTHORIZED, forbidden.exit());
        assertFalse(forbidden.out().contains("PIN"));
    }

    @Test
    void revokeTokensStopsTheUsersTokensAtOnce() throws Exception {
        String organizer = newEmail();
        assertEquals(0, bridge("users", "enable", organizer, "--name", "O").exit());
        String id = bridge("meetings", "create", "--organizer", organizer, "--json").json().path("conferenceId").asText();
        assertTrue(id.matches("[1-9][0-9]{8}"), "ids.conferenceIdLength defaults to 9 digits: " + id);
        String userToken = bridge("users", "issue-token", organizer, "--json").json().path("token").asText();
        assertEquals(0, raw("meetings", "get", id, "--url=" + admin.url(), "--token=" + userToken).exit());

        Run revoked = bridge("users", "revoke-tokens", organizer);

        assertEquals(0, revoked.exit(), revoked.err());
        assertTrue(revoked.out().contains("1 token(s) of " + organizer + " revoked"), revoked.out());
        assertEquals(ExitCode.NOT_AUTHORIZED, raw("meetings", "get", id, "--url=" + admin.url(), "--token=" + userToken).exit());
        assertEquals(0, bridge("users", "revoke-tokens", organizer, "--json").json().path("revoked").asInt());
        Run list = bridge("users", "list");
        assertTrue(list.out().contains("SIP LOCKED"), "digest lockouts show where PIN lockouts do: " + list.out());
        Run got = bridge("users", "get", organizer);
        assertTrue(got.out().contains("sipLocked:") && got.out().contains("recentSipFailures:"), got.out());
    }

    @Test
    void theOrganizersOwnTokenStartsAndAdmitsTheirMeetingAndNoOtherUsers() throws Exception {
        String organizer = newEmail();
        String other = newEmail();
        assertEquals(0, bridge("users", "enable", organizer, "--name", "O").exit());
        assertEquals(0, bridge("users", "enable", other, "--name", "X").exit());
        String id = bridge("meetings", "create", "--organizer", organizer, "--require-pin-to-start", "true", "--json")
                .json().path("conferenceId").asText();
        String organizerToken = bridge("users", "issue-token", organizer, "--json").json().path("token").asText();
        String otherToken = bridge("users", "issue-token", other, "--json").json().path("token").asText();

        Run refused = raw("meetings", "start", id, "--url=" + admin.url(), "--token=" + otherToken);
        assertEquals(ExitCode.NOT_AUTHORIZED, refused.exit());
        assertTrue(refused.err().contains("403"), refused.err());
        assertEquals(ExitCode.NOT_AUTHORIZED,
                raw("meetings", "admit", id, "--url=" + admin.url(), "--token=" + otherToken).exit());
        assertFalse(admin.bridge().status(id).started());

        Run shown = raw("meetings", "get", id, "--json", "--url=" + admin.url(), "--token=" + organizerToken);
        assertEquals(0, shown.exit(), shown.err());
        assertEquals("idle", shown.json().path("state").asText());
        assertTrue(shown.json().path("lobbyArrivals").isArray(), shown.out());

        Run started = raw("meetings", "start", id, "--url=" + admin.url(), "--token=" + organizerToken);
        assertEquals(0, started.exit(), started.err());
        assertTrue(started.out().contains("state:"), started.out());
        assertTrue(started.out().contains("active"), started.out());
        assertTrue(admin.bridge().status(id).started());

        Run admitted = raw("meetings", "admit", id, "--url=" + admin.url(), "--token=" + organizerToken);
        assertEquals(0, admitted.exit(), admitted.err());
        assertEquals("admitted: 0", admitted.out().strip());

        assertEquals(ExitCode.NOT_FOUND, bridge("meetings", "start", "99999999999").exit());
        assertEquals(0, bridge("meetings", "end", id).exit());
    }

    @Test
    void usageErrorsExit2WithoutCallingTheServer() {
        assertEquals(ExitCode.BAD_INPUT, bridge("users", "enable", newEmail()).exit()); // --name missing
        assertEquals(ExitCode.BAD_INPUT, bridge("users", "frobnicate").exit());
        assertEquals(ExitCode.BAD_INPUT, bridge("settings", "set", "--auto-email", "maybe").exit());
        Run nothing = bridge("settings", "set");
        assertEquals(ExitCode.BAD_INPUT, nothing.exit());
        assertTrue(nothing.err().contains("nothing to set"), nothing.err());
    }

    @Test
    void anUnreachableBridgeExits1() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Run run = raw("users", "list", "--url=http://127.0.0.1:" + closedPort, "--token=x");
        assertEquals(ExitCode.FAILED, run.exit());
        assertTrue(run.err().contains("cannot reach the bridge"), run.err());
    }

    @Test
    void theTokenComesFromTheTokenFileWhenNotGiven(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("admin-token");
        Files.writeString(file, admin.adminToken() + "\n");
        Run run = raw("settings", "get", "--json", "--url=" + admin.url(), "--token-file=" + file);
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.json().has("pinLength"), run.out());

        Run missing = raw("settings", "get", "--url=" + admin.url(), "--token-file=" + dir.resolve("none"));
        assertEquals(ExitCode.NOT_AUTHORIZED, missing.exit());
        assertTrue(missing.err().contains("no admin token"), missing.err());
    }

    @Test
    void settingsSetChangesOnlyTheGivenKeys() throws Exception {
        JsonNode before = bridge("settings", "get", "--json").json();
        try {
            Run set = bridge("settings", "set", "--pin-length", "6", "--auto-email", "false", "--json");
            assertEquals(0, set.exit(), set.err());
            JsonNode after = bridge("settings", "get", "--json").json();
            assertEquals(6, after.path("pinLength").asInt());
            assertFalse(after.path("autoEmail").asBoolean());
            assertEquals(before.path("language").asText(), after.path("language").asText());
            assertEquals(before.path("lobbyTimeoutMinutes").asInt(), after.path("lobbyTimeoutMinutes").asInt());

            Run human = bridge("settings", "get");
            assertTrue(human.out().contains("pinLength:"), human.out());
        } finally {
            bridge("settings", "set", "--pin-length", before.path("pinLength").asText(),
                    "--auto-email", before.path("autoEmail").asText());
        }
    }

    @Test
    void meetingsAndAudit() throws Exception {
        String email = newEmail();
        bridge("users", "enable", email, "--name", "N");
        Run created = bridge("meetings", "create", "--organizer", email, "--require-pin-to-start", "true", "--json");
        assertEquals(0, created.exit(), created.err());
        String id = created.json().path("conferenceId").asText();
        assertFalse(id.isEmpty());

        Run got = bridge("meetings", "get", id);
        assertEquals(0, got.exit(), got.err());
        assertTrue(got.out().contains(email), got.out());
        Run list = bridge("meetings", "list");
        assertTrue(list.out().startsWith("CONFERENCE ID"), list.out());
        assertTrue(list.out().contains(id));
        assertEquals(0, bridge("meetings", "end", id).exit());
        assertEquals(ExitCode.NOT_FOUND, bridge("meetings", "get", "0000000").exit());

        Run audit = bridge("audit", "--limit", "50");
        assertEquals(0, audit.exit(), audit.err());
        assertTrue(audit.out().startsWith("ID"), audit.out());
        assertTrue(audit.out().contains(email), audit.out());
        Run auditJson = bridge("audit", "--limit", "5", "--json");
        assertTrue(auditJson.json().isArray());
        assertTrue(auditJson.json().size() <= 5);
        assertEquals(ExitCode.BAD_INPUT, bridge("audit", "--limit", "0").exit());
    }

    /** Runs {@link #bridge} with the given text as stdin. */
    private static Run bridgeWithStdin(String stdin, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            return bridge(args);
        } finally {
            System.setIn(saved);
        }
    }

    @Test
    void meetingsCreateAndUpdateTakeThePolicyOptions() throws Exception {
        String organizer = newEmail();
        String other = newEmail();
        assertEquals(0, bridge("users", "enable", organizer, "--name", "O").exit());
        assertEquals(0, bridge("users", "enable", other, "--name", "X").exit());
        Run created = bridge("meetings", "create", "--organizer", organizer, "--end-on-organizer-leave", "true",
                "--lobby-timeout-minutes", "33", "--max-participants", "5", "--entry-exit-tones", "false",
                "--admission-mode", "organizer", "--json");
        assertEquals(0, created.exit(), created.err());
        JsonNode meeting = created.json();
        String id = meeting.path("conferenceId").asText();
        assertTrue(meeting.path("endOnOrganizerLeave").asBoolean(), created.out());
        assertEquals(33, meeting.path("lobbyTimeoutMinutes").asInt(), created.out());
        assertEquals(5, meeting.path("maxParticipants").asInt(), created.out());
        assertFalse(meeting.path("entryExitTones").asBoolean(), created.out());
        assertEquals("organizer", meeting.path("admissionMode").asText(), created.out());

        Run updated = bridge("meetings", "update", id, "--max-participants", "0", "--require-pin-to-start", "false");
        assertEquals(0, updated.exit(), updated.err());
        assertTrue(updated.out().contains("maxParticipants:"), updated.out());
        JsonNode after = bridge("meetings", "get", id, "--json").json();
        assertEquals(0, after.path("maxParticipants").asInt());
        assertFalse(after.path("requirePinToStart").asBoolean());
        assertEquals(33, after.path("lobbyTimeoutMinutes").asInt(), "untouched: " + after);
        assertEquals("organizer", after.path("admissionMode").asText(), "untouched: " + after);

        String organizerToken = bridge("users", "issue-token", organizer, "--json").json().path("token").asText();
        String otherToken = bridge("users", "issue-token", other, "--json").json().path("token").asText();
        Run own = raw("meetings", "update", id, "--entry-exit-tones", "true", "--json",
                "--url=" + admin.url(), "--token=" + organizerToken);
        assertEquals(0, own.exit(), own.err());
        assertTrue(own.json().path("entryExitTones").asBoolean());
        Run refused = raw("meetings", "update", id, "--entry-exit-tones", "false",
                "--url=" + admin.url(), "--token=" + otherToken);
        assertEquals(ExitCode.NOT_AUTHORIZED, refused.exit());
        assertTrue(refused.err().contains("403"), refused.err());

        Run badMode = bridge("meetings", "update", id, "--admission-mode", "whenever");
        assertEquals(ExitCode.BAD_INPUT, badMode.exit());
        assertTrue(badMode.err().contains("admissionMode"), badMode.err());
        Run nothing = bridge("meetings", "update", id);
        assertEquals(ExitCode.BAD_INPUT, nothing.exit());
        assertTrue(nothing.err().contains("nothing to change"), nothing.err());
        Run endRefused = raw("meetings", "end", id, "--url=" + admin.url(), "--token=" + otherToken);
        assertEquals(ExitCode.NOT_AUTHORIZED, endRefused.exit());
        Run ended = raw("meetings", "end", id, "--json", "--url=" + admin.url(), "--token=" + organizerToken);
        assertEquals(0, ended.exit(), ended.err());
        assertEquals(id, ended.json().path("conferenceId").asText());
    }

    @Test
    void settingsSetTakesTheMeetingPolicyDefaults() throws Exception {
        JsonNode before = bridge("settings", "get", "--json").json();
        String mode = before.path("admissionMode").asText().equals("organizer") ? "automatic" : "organizer";
        boolean end = !before.path("endOnOrganizerLeave").asBoolean();
        boolean tones = !before.path("entryExitTones").asBoolean();
        try {
            Run set = bridge("settings", "set", "--end-on-organizer-leave", String.valueOf(end),
                    "--max-participants", "17", "--entry-exit-tones", String.valueOf(tones),
                    "--admission-mode", mode);
            assertEquals(0, set.exit(), set.err());
            JsonNode after = bridge("settings", "get", "--json").json();
            assertEquals(end, after.path("endOnOrganizerLeave").asBoolean());
            assertEquals(17, after.path("maxParticipants").asInt());
            assertEquals(tones, after.path("entryExitTones").asBoolean());
            assertEquals(mode, after.path("admissionMode").asText());
            assertEquals(before.path("pinLength").asInt(), after.path("pinLength").asInt());
        } finally {
            bridge("settings", "set", "--end-on-organizer-leave", before.path("endOnOrganizerLeave").asText(),
                    "--max-participants", before.path("maxParticipants").asText(),
                    "--entry-exit-tones", before.path("entryExitTones").asText(),
                    "--admission-mode", before.path("admissionMode").asText());
        }
    }

    @Test
    void setSipCredentialsReadsThePasswordFromStdinAndNeverPrintsIt() throws Exception {
        String email = newEmail();
        assertEquals(0, bridge("users", "enable", email, "--name", "S").exit());
        String username = "clisip" + SEQ.incrementAndGet() + "." + System.nanoTime();
        String password = "Pw9secret" + System.nanoTime();

        Run set = bridgeWithStdin(password + "\nsecond line is ignored\n",
                "users", "set-sip-credentials", email, "--username", username, "--password-stdin");
        assertEquals(0, set.exit(), set.err());
        assertTrue(set.out().contains("sipCredentialsSet:"), set.out());
        assertTrue(set.out().contains(username), set.out());
        assertFalse(set.out().contains(password));
        assertFalse(set.err().contains(password));
        JsonNode user = bridge("users", "get", email, "--json").json();
        assertTrue(user.path("sipCredentialsSet").asBoolean(), user.toString());
        assertEquals(username, user.path("sipUsername").asText());

        // The password is never an argument: without --password-stdin it is a usage error.
        assertEquals(ExitCode.BAD_INPUT, bridgeWithStdin(password + "\n",
                "users", "set-sip-credentials", email, "--username", username).exit());
        Run empty = bridgeWithStdin("", "users", "set-sip-credentials", email, "--username", username,
                "--password-stdin");
        assertEquals(ExitCode.BAD_INPUT, empty.exit());
        assertTrue(empty.err().contains("no password on stdin"), empty.err());
        Run tooShort = bridgeWithStdin("short\n", "users", "set-sip-credentials", email, "--username", username,
                "--password-stdin");
        assertEquals(ExitCode.BAD_INPUT, tooShort.exit());
        assertTrue(tooShort.err().contains("password"), tooShort.err());

        assertFalse(bridge("audit", "--limit", "1000", "--json").out().contains(password));
    }

    @Test
    void settingsSetTakesDialInNumbersAndAuditTakesPagingAndFilters() throws Exception {
        try {
            Run set = bridge("settings", "set", "--dial-in-number", "+1 425 555 0100 (US)",
                    "--dial-in-number", "+86 10 5555 0100", "--json");
            assertEquals(0, set.exit(), set.err());
            assertEquals("+86 10 5555 0100", set.json().path("dialInNumbers").path(1).asText(), set.out());
            assertEquals(2, bridge("settings", "get", "--json").json().path("dialInNumbers").size());

            String email = newEmail();
            bridge("users", "enable", email, "--name", "N");
            Run enables = bridge("audit", "--action", "user.enable", "--target", email, "--json");
            assertEquals(0, enables.exit(), enables.err());
            assertEquals(1, enables.json().size(), enables.out());
            long newest = bridge("audit", "--limit", "1", "--json").json().path(0).path("id").asLong();
            Run older = bridge("audit", "--limit", "3", "--before", Long.toString(newest), "--json");
            assertEquals(0, older.exit(), older.err());
            older.json().forEach(entry -> assertTrue(entry.path("id").asLong() < newest, older.out()));
        } finally {
            assertEquals(0, bridge("settings", "set", "--no-dial-in-numbers").exit());
        }
        assertEquals(0, bridge("settings", "get", "--json").json().path("dialInNumbers").size());
    }
}
