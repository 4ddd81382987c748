package io.confbridge.server.support;

import io.confbridge.store.support.PostgresTestSchema;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
    public static final String POSTGRES_URL_VARIABLE = PostgresTestSchema.URL_VARIABLE;
    /** Where a data directory remembers its schema. */
    static final String SCHEMA_FILE = "test-postgres-schema";

    private static final List<PostgresTestSchema> CREATED = new ArrayList<>();
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
        Optional<String> url = PostgresTestSchema.serverUrl();
        if (url.isEmpty()) {
            String reason = POSTGRES_URL_VARIABLE + " is not set: the end-to-end tests are skipped on PostgreSQL"
                    + " (bash .ci/run starts a PostgreSQL and sets it)";
            if (!toldSkipped) {
                toldSkipped = true;
                System.err.println("[WARNING] " + reason);
            }
            Assumptions.abort(reason);
        }
        return Optional.of(schemaOf(dataDir, url.get()).jdbcUrl());
    }

    private static synchronized PostgresTestSchema schemaOf(Path dataDir, String url) {
        Path remembered = dataDir.resolve(SCHEMA_FILE);
        try {
            if (Files.exists(remembered)) {
                return PostgresTestSchema.existing(url, Files.readString(remembered).trim());
            }
            PostgresTestSchema schema = PostgresTestSchema.create(url, "e2e_");
            if (CREATED.isEmpty()) {
                Runtime.getRuntime().addShutdownHook(new Thread(TestStore::dropAll, "drop-test-schemas"));
            }
            CREATED.add(schema);
            Files.createDirectories(dataDir);
            Files.writeString(remembered, schema.name());
            return schema;
        } catch (IOException e) {
            throw new UncheckedIOException("remember the test schema in " + remembered, e);
        }
    }

    private static synchronized void dropAll() {
        for (PostgresTestSchema schema : CREATED) {
            try {
                schema.drop();
            } catch (IllegalStateException e) {
                System.err.println("could not drop test schema " + schema.name() + ": " + e.getMessage());
            }
        }
    }
}
