package io.confbridge.store;

import io.confbridge.config.BridgeConfig;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store contract on a real SQLite file, plus what is particular to SQLite. */
class SqliteDirectoryStoreTest extends DirectoryStoreContract {

    @TempDir
    Path dir;

    Path dbFile;

    @Override
    BridgeConfig.StoreConfig freshDatabase() {
        // A directory that does not exist yet: open() must create it.
        dbFile = dir.resolve("data").resolve("bridge.db");
        return new BridgeConfig.StoreConfig("jdbc:sqlite:" + dbFile, "", "", 2);
    }

    @Test
    void createsTheDatabaseDirectoryAndUsesWriteAheadLog() throws Exception {
        assertTrue(Files.isRegularFile(dbFile));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertEquals("wal", rs.getString(1), "WAL mode is stored in the file, so a plain connection sees it");
        }
    }

    @Test
    void unsupportedUrlIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> JdbcDirectoryStore.open(new BridgeConfig.StoreConfig("jdbc:h2:mem:x", "", "", 1)));
    }

    @Test
    void migratingAVersion1DatabaseKeepsOrganizersAndFillsInTheirPinLengthAndTime() throws Exception {
        Path old = dir.resolve("old.db");
        String url = "jdbc:sqlite:" + old;
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
                .placeholders(Map.of("idColumn", JdbcDirectoryStore.Dialect.SQLITE.idColumn))
                .target("1").load().migrate();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("UPDATE tenant_settings SET pin_length = 6");
            s.execute("INSERT INTO organizers (email, display_name, pin_hash, enabled, created_at, updated_at)"
                    + " VALUES ('a@contoso.com', 'A', 'h', TRUE, 1700000000000, 1700000000000)");
        }

        try (JdbcDirectoryStore migrated = JdbcDirectoryStore.open(new BridgeConfig.StoreConfig(url, "", "", 1))) {
            OrganizerRecord a = migrated.findOrganizerByEmail("a@contoso.com").orElseThrow();
            assertEquals(6, a.pinLength());
            assertEquals(Instant.ofEpochMilli(1700000000000L), a.pinSetAt());
            assertEquals("h", a.pinHash());
            assertTrue(migrated.recentAudit(10).isEmpty());
        }
    }
}
