package io.confbridge.admin;

import io.confbridge.config.BridgeConfig;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The administration contract on a real SQLite file. */
class SqliteDialInAdministrationTest extends DialInAdministrationContract {

    @TempDir
    Path dir;

    @Override
    BridgeConfig.StoreConfig freshDatabase() {
        return new BridgeConfig.StoreConfig("jdbc:sqlite:" + dir.resolve("bridge.db"), "", "", 2);
    }
}
