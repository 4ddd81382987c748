package io.confbridge.server.admin;

import io.confbridge.admin.BearerToken;
import io.confbridge.auth.SecretFile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The admin API's bearer token: {@code admin.token} from the config if set, else a random token
 * generated at first start into {@code <dataDir>/admin-token} (owner read/write only) and printed once;
 * later starts read the file and print nothing.
 */
public final class AdminToken {

    /** The file name under the data directory; the CLI reads {@code ./data/admin-token} by default. */
    public static final String FILE_NAME = "admin-token";

    private AdminToken() {
    }

    /**
     * @param configured {@code admin.token}; empty means use or create the file
     * @param out        where a newly generated token is printed, once
     */
    public static String resolve(String configured, Path dataDir, PrintStream out) throws IOException {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            return read(file);
        }
        String token = BearerToken.generate(new SecureRandom());
        try {
            SecretFile.create(file, token + "\n");
        } catch (FileAlreadyExistsException e) {
            return read(file); // another process won the race: use its token
        }
        out.println("First start: admin token " + token + " (saved in " + file + "; shown only this once)");
        out.flush();
        return token;
    }

    private static String read(Path file) throws IOException {
        String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (token.isEmpty()) {
            throw new IOException("the admin token file " + file + " is empty; delete it to generate a new token");
        }
        return token;
    }
}
