package io.confbridge.server.ops;

import io.confbridge.server.Main;
import io.confbridge.server.cli.ExitCode;
import io.confbridge.server.support.RunningBridge;
import io.confbridge.server.support.TestMeeting;
import io.confbridge.server.support.TestPhone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.confbridge.server.support.DialInSteps.IVR_STEP;
import static io.confbridge.server.support.DialInSteps.organizerDialsInWithPin;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 10 §9: {@code bridge backup --to FILE} while the bridge runs, and the documented restore. */
class BackupRestoreTest {
    @TempDir
    Path work;

    @Test
    void backupWhileRunningRestoresToABridgeWhereTheOrganizersPinStillWorks() throws Exception {
        Path dataDir = work.resolve("data");
        String url = "jdbc:sqlite:" + dataDir.resolve("bridge.db");
        Path config = work.resolve("bridge.json");
        Files.writeString(config, "{\"dataDir\": \"" + dataDir + "\", \"store\": {\"jdbcUrl\": \"" + url + "\"}}");
        Path backup = work.resolve("backups/bridge-backup.db");
        TestMeeting meeting;
        try (RunningBridge bridge = RunningBridge.in(dataDir).with("store.jdbcUrl", url).start()) {
            meeting = bridge.newMeeting(true);
            Cli first = run("backup", "--to", backup.toString(), "--config", config.toString());
            assertEquals(ExitCode.OK, first.exit, first.err);
            assertTrue(Files.size(backup) > 0);
            Cli again = run("backup", "--to", backup.toString(), "--config", config.toString());
            assertEquals(ExitCode.CONFLICT, again.exit, "an existing backup is never overwritten");
        }

        // The restore of the README: the backup becomes <dataDir>/bridge.db, beside the same pepper file.
        Path restored = work.resolve("restored");
        Files.createDirectories(restored);
        Files.copy(backup, restored.resolve("bridge.db"));
        Files.copy(dataDir.resolve("pepper"), restored.resolve("pepper"));
        try (RunningBridge bridge = RunningBridge.in(restored)
                .with("store.jdbcUrl", "jdbc:sqlite:" + restored.resolve("bridge.db")).start()) {
            TestPhone organizer = bridge.newPhone("organizer");
            organizerDialsInWithPin(organizer, meeting.conferenceId(), meeting.organizerPin());
            await("the restored organizer's PIN starts the restored meeting").atMost(IVR_STEP)
                    .until(() -> bridge.status(meeting.conferenceId()).participantCount() == 1);
        }
    }

    @Test
    void postgresqlIsToldToUsePgDump() throws Exception {
        Path config = work.resolve("bridge.json");
        Files.writeString(config, "{\"dataDir\": \"" + work + "\", \"store\": {\"jdbcUrl\": "
                + "\"jdbc:postgresql://127.0.0.1:1/confbridge\"}}");
        Cli cli = run("backup", "--to", work.resolve("x.db").toString(), "--config", config.toString());
        assertEquals(ExitCode.BAD_INPUT, cli.exit);
        assertTrue(cli.err.contains("pg_dump"), cli.err);
    }

    private record Cli(int exit, String out, String err) {
    }

    private static Cli run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Cli(exit, out.toString(), err.toString());
    }
}
