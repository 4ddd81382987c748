package io.confbridge.store;

import io.confbridge.config.BridgeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

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
}
