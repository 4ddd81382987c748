package io.confbridge.server.cli;

import io.confbridge.config.BridgeConfig;
import io.confbridge.config.ConfigException;
import io.confbridge.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/**
 * {@code bridge backup --to FILE} (issue 10 §9): an online, consistent copy of the SQLite directory,
 * made with SQLite's {@code VACUUM INTO} from a read transaction, so it is safe while the bridge runs
 * (WAL mode lets it read beside the bridge's writes). For PostgreSQL it says to use {@code pg_dump}.
 * Reads the same configuration as {@code serve} to find the database.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Copy the SQLite database to FILE, safely while the bridge runs (PostgreSQL: use pg_dump).")
public final class BackupCommand implements Callable<Integer> {

    @Option(names = "--to", paramLabel = "FILE", required = true, description = "The backup file to create; must not exist.")
    Path to;

    @Option(names = {"-c", "--config"}, description = "The bridge's JSON or YAML config file (optional).")
    Path configFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BridgeConfig config;
        try {
            config = ConfigLoader.fromEnvironment(configFile);
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        }
        String url = config.store().jdbcUrl();
        if (url.startsWith("jdbc:postgresql:")) {
            err.println("the directory is in PostgreSQL: back it up with pg_dump, for example"
                    + " `pg_dump --format=custom --file=" + to + " <database>`, and restore with pg_restore");
            return ExitCode.BAD_INPUT;
        }
        if (Files.exists(to)) {
            err.println("error: " + to + " exists; choose a new file");
            return ExitCode.CONFLICT;
        }
        try {
            Path parent = to.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (Connection db = DriverManager.getConnection(url);
                 PreparedStatement vacuum = db.prepareStatement("VACUUM INTO ?")) {
                vacuum.setString(1, to.toAbsolutePath().toString());
                vacuum.execute();
            }
        } catch (SQLException | java.io.IOException e) {
            err.println("error: backup failed: " + e.getMessage());
            return ExitCode.FAILED;
        }
        out.println("backed up " + url.substring("jdbc:sqlite:".length()) + " to " + to);
        out.flush();
        return ExitCode.OK;
    }
}
