package io.confbridge.admin;

import io.confbridge.config.BridgeConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The administration contract on PostgreSQL, when {@code BRIDGE_TEST_PG_URL} names one (a JDBC URL with
 * user and password); skipped otherwise. Each test runs in a schema of its own, dropped afterwards.
 */
class PostgresDialInAdministrationTest extends DialInAdministrationContract {

    static final String URL = System.getenv("BRIDGE_TEST_PG_URL");

    private String schema;

    @Override
    BridgeConfig.StoreConfig freshDatabase() throws Exception {
        assumeTrue(URL != null && !URL.isBlank(), "BRIDGE_TEST_PG_URL is not set");
        schema = "admin_test_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String separator = URL.contains("?") ? "&" : "?";
        return new BridgeConfig.StoreConfig(URL + separator + "currentSchema=" + schema, "", "", 2);
    }

    @Override
    void dropDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
