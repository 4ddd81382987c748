package io.confbridge.directory;

import io.confbridge.config.BridgeConfig;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The administration contract on a real SQLite file. */
class SqliteDirectoryAdministrationTest extends DirectoryAdministrationContract {

    @TempDir
    Path dir;

    @Override
    BridgeConfig.StoreConfig freshDatabase() {
        return new BridgeConfig.StoreConfig("jdbc:sqlite:" + dir.resolve("bridge.db"), "", "", 2);
    }
}
