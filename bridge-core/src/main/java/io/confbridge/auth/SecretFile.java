package io.confbridge.auth;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * A file holding a secret of this node (the PIN pepper, the admin token): readable and writable by its
 * owner only, from the moment it exists.
 */
public final class SecretFile {

    /** rw-------. */
    public static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private SecretFile() {
    }

    /**
     * Creates the file with {@code text} (ASCII) in it. On POSIX file systems the permissions are set as the
     * file is created, so there is no moment when others could read it; elsewhere (Windows, some mounts) the
     * owner-only flags are set right after, and the directory's ACL has to do the rest.
     *
     * @throws FileAlreadyExistsException if the file exists, e.g. because another process won a race
     */
    public static void create(Path file, String text) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
            File plain = file.toFile();
            plain.setReadable(false, false);
            plain.setReadable(true, true);
            plain.setWritable(false, false);
            plain.setWritable(true, true);
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII);
    }
}
