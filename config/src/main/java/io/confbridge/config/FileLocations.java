package io.confbridge.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The path keys, checked when the configuration loads so that a wrong path stops start-up naming the key
 * instead of failing later as an I/O error. The bridge creates its data directory, the pepper file and the
 * SQLite database with their missing parent directories, so such a path needs only a place to be made:
 * its nearest existing ancestor must be a directory the bridge may write into. Prompts and hold music are
 * read, so they must exist.
 */
final class FileLocations {

    private FileLocations() {
    }

    /** A directory the bridge creates if it is missing (the data directory). */
    static void creatableDirectory(String key, String value) {
        Path path = path(key, value);
        if (Files.exists(path)) {
            if (!Files.isDirectory(path)) {
                throw new ConfigException(key, "\"" + value + "\" exists and is not a directory");
            }
            if (!Files.isWritable(path)) {
                throw new ConfigException(key, "\"" + value + "\" is not writable by this user");
            }
            return;
        }
        checkCreatable(key, value, path);
    }

    /** A file the bridge reads, or creates with its directories if it is missing (the pepper, the database). */
    static void creatableFile(String key, String value) {
        Path path = path(key, value);
        if (Files.exists(path)) {
            if (!Files.isRegularFile(path)) {
                throw new ConfigException(key, "\"" + value + "\" exists and is not a regular file");
            }
            if (!Files.isReadable(path)) {
                throw new ConfigException(key, "\"" + value + "\" is not readable by this user");
            }
            return;
        }
        checkCreatable(key, value, path);
    }

    /** A directory the bridge reads (custom prompts). */
    static void existingDirectory(String key, String value) {
        Path path = path(key, value);
        if (!Files.isDirectory(path)) {
            throw new ConfigException(key, "\"" + value + "\" " + (Files.exists(path) ? "is not a directory"
                    : "does not exist") + "; expected an existing directory");
        }
    }

    /** A file the bridge reads (hold music). */
    static void readableFile(String key, String value) {
        Path path = path(key, value);
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(key, "\"" + value + "\" " + (Files.exists(path) ? "is not a regular file"
                    : "does not exist") + "; expected an existing file");
        }
        if (!Files.isReadable(path)) {
            throw new ConfigException(key, "\"" + value + "\" is not readable by this user");
        }
    }

    private static void checkCreatable(String key, String value, Path path) {
        Path ancestor = path.getParent();
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null) {
            throw new ConfigException(key, "\"" + value + "\" cannot be created: no part of it exists");
        }
        if (!Files.isDirectory(ancestor)) {
            throw new ConfigException(key, "\"" + value + "\" cannot be created: " + ancestor + " is not a directory");
        }
        if (!Files.isWritable(ancestor)) {
            throw new ConfigException(key, "\"" + value + "\" cannot be created: " + ancestor
                    + " is not writable by this user");
        }
    }

    private static Path path(String key, String value) {
        try {
            return Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new ConfigException(key, "\"" + value + "\" is not a valid path: " + e.getReason());
        }
    }
}
