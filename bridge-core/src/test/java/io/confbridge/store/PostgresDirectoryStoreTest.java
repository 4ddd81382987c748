package io.confbridge.store;

import io.confbridge.config.BridgeConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The store contract on PostgreSQL, when {@code BRIDGE_TEST_PG_URL} names one (a JDBC URL including user
 * and password); skipped otherwise. Each test gets a schema of its own, dropped afterwards, so runs
 * neither see nor leave each other's rows.
 */
class PostgresDirectoryStoreTest extends DirectoryStoreContract {

    static final String URL = System.getenv("BRIDGE_TEST_PG_URL");

    private String schema;

    @Override
    BridgeConfig.StoreConfig freshDatabase() throws Exception {
        assumeTrue(URL != null && !URL.isBlank(), "BRIDGE_TEST_PG_URL is not set");
        schema = "directory_test_" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
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
