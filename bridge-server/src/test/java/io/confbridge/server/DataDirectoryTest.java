package io.confbridge.server;

import io.confbridge.config.BridgeConfig;
import io.confbridge.config.ConfigLoader;
import io.confbridge.store.JdbcDirectoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void dataDirIsCreated0700AndTheSqliteFiles0600() throws Exception {
        Path dataDir = dir.resolve("var/bridge");
        BridgeConfig config = ConfigLoader.load(null, Map.of("dataDir", dataDir.toString(),
                "security.pepperFile", dir.resolve("etc/pepper").toString()));
        List<String> warnings = new ArrayList<>();

        DataDirectory.prepare(config, warnings::add);
        try (JdbcDirectoryStore store = JdbcDirectoryStore.open(config.store())) {
            store.countOrganizers();
            DataDirectory.restrictSqliteFiles(config);

            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)));
            Path db = dataDir.resolve("bridge.db");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(db)));
            try (var files = Files.list(dataDir)) {
                for (Path f : files.toList()) {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
                }
            }
        }
        assertEquals(List.of(), warnings, "the pepper is elsewhere: no warning");
    }

    @Test
    void warnsWhenThePepperFileIsInsideDataDirOrTheDirectoryIsOpen() throws Exception {
        Path dataDir = Files.createDirectory(dir.resolve("data"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        BridgeConfig config = ConfigLoader.load(null, Map.of("dataDir", dataDir.toString()));
        List<String> warnings = new ArrayList<>();

        DataDirectory.prepare(config, warnings::add);

        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("chmod 700"), warnings.get(0));
        assertTrue(warnings.get(1).contains("pepper file") && warnings.get(1).contains("security.pepperFile"), warnings.get(1));
    }
}
