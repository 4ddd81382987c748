package io.confbridge.server;

import io.confbridge.auth.SecretFile;
import io.confbridge.config.BridgeConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code <dataDir>} and the SQLite files in it, kept to the bridge's own user: the directory is created
 * {@code rwx------}, the database and its WAL and shared-memory files are {@code rw-------} (they hold PIN
 * hashes, token hashes and SIP HA1s). Where the file system has no POSIX permissions (Windows, some mounts)
 * nothing is changed and the directory's ACL has to do it. Also warns when the pepper file sits inside
 * {@code <dataDir>}: one backup of the folder would then carry the hashes and the secret that keys them.
 */
final class DataDirectory {

    /** rwx------. */
    static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    /** What SQLite creates next to a database in WAL mode. */
    private static final List<String> SQLITE_SIDE_FILES = List.of("-wal", "-shm", "-journal");

    private DataDirectory() {
    }

    /** Before the store opens: the directory 0700, a new SQLite file created 0600, the pepper warning. */
    static void prepare(BridgeConfig config, Consumer<String> warnings) throws IOException {
        Path dataDir = Path.of(config.dataDir());
        if (Files.isDirectory(dataDir)) {
            Set<PosixFilePermission> permissions = posixPermissions(dataDir);
            if (permissions != null && !OWNER_ONLY_DIRECTORY.containsAll(permissions)) {
                warnings.accept("dataDir " + dataDir + " is open to other users ("
                        + PosixFilePermissions.toString(permissions) + "); restrict it with: chmod 700 " + dataDir);
            }
        } else {
            if (dataDir.toAbsolutePath().getParent() != null) {
                Files.createDirectories(dataDir.toAbsolutePath().getParent());
            }
            try {
                Files.createDirectory(dataDir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
            } catch (UnsupportedOperationException notPosix) {
                Files.createDirectory(dataDir);
            }
        }
        Path database = sqliteFile(config.store().jdbcUrl());
        if (database != null) {
            if (database.toAbsolutePath().getParent() != null) {
                Files.createDirectories(database.toAbsolutePath().getParent());
            }
            if (Files.notExists(database)) {
                // SQLite takes an empty file for a new database and gives its WAL files the same mode.
                SecretFile.create(database, "");
            }
            restrict(database);
        }
        if (config.security().pepper().isEmpty() && inside(Path.of(config.security().pepperFile()), dataDir)) {
            warnings.accept("the pepper file " + config.security().pepperFile() + " is inside dataDir " + dataDir
                    + ": a backup of the folder carries both the PIN hashes and the pepper that keys them."
                    + " Move it elsewhere and set security.pepperFile (see README, Secrets)");
        }
    }

    /** After the store opened: the SQLite side files 0600 too, whatever the umask gave them. */
    static void restrictSqliteFiles(BridgeConfig config) throws IOException {
        Path database = sqliteFile(config.store().jdbcUrl());
        if (database == null) {
            return;
        }
        restrict(database);
        for (String suffix : SQLITE_SIDE_FILES) {
            Path side = database.resolveSibling(database.getFileName() + suffix);
            if (Files.exists(side)) {
                restrict(side);
            }
        }
    }

    /** The file of a {@code jdbc:sqlite:<path>} URL; null for PostgreSQL, memory and URI-form databases. */
    static Path sqliteFile(String jdbcUrl) {
        if (!jdbcUrl.startsWith("jdbc:sqlite:")) {
            return null;
        }
        String file = jdbcUrl.substring("jdbc:sqlite:".length());
        int query = file.indexOf('?');
        if (query >= 0) {
            file = file.substring(0, query);
        }
        if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
            return null;
        }
        return Path.of(file);
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, SecretFile.OWNER_ONLY);
        } catch (UnsupportedOperationException notPosix) {
            // The directory's ACL governs these files.
        }
    }

    private static Set<PosixFilePermission> posixPermissions(Path path) throws IOException {
        try {
            return Files.getPosixFilePermissions(path);
        } catch (UnsupportedOperationException notPosix) {
            return null;
        }
    }

    private static boolean inside(Path file, Path directory) {
        return file.toAbsolutePath().normalize().startsWith(directory.toAbsolutePath().normalize());
    }
}
