package io.confbridge.server.support;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The database the bridges of this test run keep their directory in. By default each bridge has the
 * embedded SQLite file in its data directory. With the system property {@code bridge.test.store=postgres}
 * (the second surefire execution of this module sets it) every bridge uses the PostgreSQL named by
 * {@code BRIDGE_TEST_PG_URL}, in a schema of its own, so that every end-to-end test runs on both stores.
 *
 * <p>A schema belongs to a data directory, as the SQLite file does: a bridge restarted on the same data
 * directory sees its data again, and no other bridge sees it. The schemas are dropped when the test JVM
 * exits.
 */
public final class TestStore {
    /** The system property that selects PostgreSQL: {@value}. */
    public static final String STORE_PROPERTY = "bridge.test.store";
    /** The environment variable with the PostgreSQL JDBC URL, user and password included: {@value}. */
    public static final String POSTGRES_URL_VARIABLE = "BRIDGE_TEST_PG_URL";
    /** Where a data directory remembers its schema. */
    static final String SCHEMA_FILE = "test-postgres-schema";

    private static final List<String> CREATED = new ArrayList<>();
    private static volatile boolean toldSkipped;

    private TestStore() {
    }

    /** Whether this run's bridges use PostgreSQL. */
    public static boolean postgres() {
        return "postgres".equalsIgnoreCase(System.getProperty(STORE_PROPERTY, "sqlite"));
    }

    /**
     * The {@code store.jdbcUrl} of a bridge whose data directory is {@code dataDir}: none (the SQLite file
     * in the data directory) or a PostgreSQL URL with the directory's own schema, created on first use.
     * Aborts the calling test, as skipped, when PostgreSQL is asked for and {@code BRIDGE_TEST_PG_URL} is
     * not set.
     */
    public static Optional<String> jdbcUrlFor(Path dataDir) {
        if (!postgres()) {
            return Optional.empty();
        }
        String url = System.getenv(POSTGRES_URL_VARIABLE);
        if (url == null || url.isBlank()) {
            String reason = POSTGRES_URL_VARIABLE + " is not set: the end-to-end tests are skipped on PostgreSQL"
                    + " (bash .ci/run starts a PostgreSQL and sets it)";
            if (!toldSkipped) {
                toldSkipped = true;
                System.err.println("[WARNING] " + reason);
            }
            Assumptions.abort(reason);
        }
        String schema = schemaOf(dataDir, url);
        return Optional.of(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    }

    private static synchronized String schemaOf(Path dataDir, String url) {
        Path remembered = dataDir.resolve(SCHEMA_FILE);
        try {
            if (Files.exists(remembered)) {
                return Files.readString(remembered).trim();
            }
            String schema = "e2e_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                    .toLowerCase(Locale.ROOT);
            execute(url, "CREATE SCHEMA " + schema);
            if (CREATED.isEmpty()) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> dropAll(url), "drop-test-schemas"));
            }
            CREATED.add(schema);
            Files.createDirectories(dataDir);
            Files.writeString(remembered, schema);
            return schema;
        } catch (IOException e) {
            throw new UncheckedIOException("remember the test schema in " + remembered, e);
        }
    }

    private static synchronized void dropAll(String url) {
        for (String schema : CREATED) {
            try {
                execute(url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } catch (IllegalStateException e) {
                System.err.println("could not drop test schema " + schema + ": " + e.getMessage());
            }
        }
    }

    private static void execute(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            // The URL carries the password: name the statement, not the URL.
            throw new IllegalStateException(sql + " on " + POSTGRES_URL_VARIABLE + " failed: " + e.getMessage(), e);
        }
    }
}
