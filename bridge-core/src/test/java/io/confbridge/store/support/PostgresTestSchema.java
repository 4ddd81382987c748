package io.confbridge.store.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A PostgreSQL schema of a test's own, in the database named by {@code BRIDGE_TEST_PG_URL} (a JDBC URL with
 * user and password; {@code bash .ci/run} starts a throwaway PostgreSQL and sets it). Tests that run in a
 * schema of their own neither see nor leave each other's rows. Shared by bridge-core's PostgreSQL contract
 * tests and bridge-server's end-to-end {@code TestStore} through bridge-core's test-jar.
 *
 * <p>Errors name the SQL statement, never the URL: it carries the password.
 */
public final class PostgresTestSchema {
    /** The environment variable with the PostgreSQL JDBC URL, user and password included: {@value}. */
    public static final String URL_VARIABLE = "BRIDGE_TEST_PG_URL";

    private final String serverUrl;
    private final String name;

    private PostgresTestSchema(String serverUrl, String name) {
        this.serverUrl = serverUrl;
        this.name = name;
    }

    /**
     * The URL in {@code BRIDGE_TEST_PG_URL}, or empty when it is unset or blank. In the second and later of
     * surefire's parallel test JVMs ({@code confbridge.test.fork} above 1), the same server's database of
     * that name with {@code _fork<N>} appended, created on first use (the role needs CREATEDB): cluster nodes
     * talk through NOTIFY, whose channels span a database, and tests find a node's session in
     * {@code pg_stat_activity} by its name, so two JVMs' clusters must not share one.
     */
    public static synchronized Optional<String> serverUrl() {
        String url = System.getenv(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String digits = System.getProperty("confbridge.test.fork", "").replaceAll("[^0-9]", ""); // "fork-2"
        int fork = digits.isEmpty() ? 1 : Integer.parseInt(digits);
        if (fork <= 1) {
            return Optional.of(url);
        }
        if (forkUrl == null) {
            forkUrl = forkDatabase(url, fork);
        }
        return Optional.of(forkUrl);
    }

    private static String forkUrl;

    private static String forkDatabase(String url, int fork) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        int slash = base.lastIndexOf('/');
        String database = base.substring(slash + 1) + "_fork" + fork;
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // 42P04: it exists already, from an earlier run
                throw new IllegalStateException("CREATE DATABASE " + database + " for test JVM " + fork + " on "
                        + URL_VARIABLE + " failed (the role needs CREATEDB, or run with -De2e.forks=1): "
                        + e.getMessage(), e);
            }
        }
        return base.substring(0, slash + 1) + database + (query < 0 ? "" : url.substring(query));
    }

    /**
     * Creates a schema named {@code prefix} and a random suffix; skips the calling test (a JUnit assumption)
     * when {@code BRIDGE_TEST_PG_URL} is not set.
     */
    public static PostgresTestSchema createOrSkip(String prefix) {
        Optional<String> url = serverUrl();
        assumeTrue(url.isPresent(), URL_VARIABLE + " is not set");
        return create(url.get(), prefix);
    }

    /**
     * As {@link #createOrSkip}, but under {@code CI=true} a missing {@code BRIDGE_TEST_PG_URL} fails the test:
     * for tests that only PostgreSQL can run (cluster mode), which CI must never skip silently.
     */
    public static PostgresTestSchema createOrSkipOutsideCi(String prefix) {
        if (serverUrl().isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(URL_VARIABLE + " is not set under CI=true: this test needs PostgreSQL"
                    + " (bash .ci/run starts one and sets it)");
        }
        return createOrSkip(prefix);
    }

    /** Creates a schema named {@code prefix} and a random suffix in the database at {@code serverUrl}. */
    public static PostgresTestSchema create(String serverUrl, String prefix) {
        String name = prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36).toLowerCase(Locale.ROOT);
        execute(serverUrl, "CREATE SCHEMA " + name);
        return new PostgresTestSchema(serverUrl, name);
    }

    /** A schema created before, for example by an earlier bridge on the same data directory. */
    public static PostgresTestSchema existing(String serverUrl, String name) {
        return new PostgresTestSchema(serverUrl, name);
    }

    /** The schema's name. */
    public String name() {
        return name;
    }

    /** The JDBC URL whose connections work in this schema ({@code currentSchema}). */
    public String jdbcUrl() {
        return serverUrl + (serverUrl.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    /** Drops the schema and everything in it. */
    public void drop() {
        execute(serverUrl, "DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }

    private static void execute(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " on " + URL_VARIABLE + " failed: " + e.getMessage(), e);
        }
    }
}
