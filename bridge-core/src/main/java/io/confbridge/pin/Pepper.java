package io.confbridge.pin;

import io.confbridge.auth.SecretFile;
import io.confbridge.config.BridgeConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The server-side secret mixed into every PIN hash (the Argon2 secret input K). It lives outside the
 * database, so a stolen database dump alone does not allow guessing PINs offline.
 */
public final class Pepper {

    /** 256 bits: the length generated, and the least accepted. */
    static final int BYTES = 32;

    private Pepper() {
    }

    /** The configured pepper if one is given inline, else the pepper file, created on first start. */
    public static byte[] fromConfig(BridgeConfig.SecurityConfig security) {
        return security.pepper().isEmpty()
                ? loadOrCreate(Path.of(security.pepperFile()))
                : fromBase64(security.pepper());
    }

    /**
     * The peppers replaced by rotation ({@code security.previousPepperFiles}), each read like the current
     * one's file (owner-only, base64 of at least {@link #BYTES} bytes); never created.
     */
    public static java.util.List<byte[]> previousFromConfig(BridgeConfig.SecurityConfig security) {
        java.util.List<byte[]> previous = new java.util.ArrayList<>();
        for (String file : security.previousPepperFiles()) {
            previous.add(load(Path.of(file)));
        }
        return previous;
    }

    /**
     * Reads the pepper from {@code file}, or creates the file with 32 fresh random bytes (base64, owner
     * read/write only) and its parent directories if it does not exist.
     *
     * @throws IllegalStateException if the file is readable or writable by group or others, or malformed
     * @throws UncheckedIOException  if the file cannot be read or written
     */
    static byte[] loadOrCreate(Path file) {
        if (!Files.exists(file)) {
            try {
                return create(file);
            } catch (FileAlreadyExistsException raced) {
                // Another process created it between our check and our write: use theirs.
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the pepper file " + file, e);
            }
        }
        return load(file);
    }

    /**
     * Decodes a base64 pepper of at least {@link #BYTES} bytes.
     *
     * @throws IllegalArgumentException if it is not base64 or too short; the message never quotes the value
     */
    static byte[] fromBase64(String base64) {
        byte[] pepper;
        try {
            pepper = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the pepper is not valid base64");
        }
        if (pepper.length < BYTES) {
            throw new IllegalArgumentException("the pepper decodes to " + pepper.length
                    + " bytes; at least " + BYTES + " are required");
        }
        return pepper;
    }

    private static byte[] create(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        byte[] pepper = new byte[BYTES];
        new SecureRandom().nextBytes(pepper);
        SecretFile.create(file, Base64.getEncoder().encodeToString(pepper) + "\n");
        return pepper;
    }

    private static byte[] load(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!SecretFile.OWNER_ONLY.containsAll(permissions)) {
                throw new IllegalStateException("the pepper file " + file + " is accessible to group or others ("
                        + PosixFilePermissions.toString(permissions) + "); restrict it with: chmod 600 " + file);
            }
        } catch (UnsupportedOperationException notPosix) {
            // Nothing to check on a file system without POSIX permissions.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the permissions of the pepper file " + file, e);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1); // any bytes decode; base64 then judges them
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the pepper file " + file, e);
        }
        try {
            return fromBase64(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the pepper file " + file + " is malformed: " + e.getMessage()
                    + " (it must hold " + BYTES + " or more base64-encoded bytes)");
        }
    }
}
