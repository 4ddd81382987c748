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

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
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
}
