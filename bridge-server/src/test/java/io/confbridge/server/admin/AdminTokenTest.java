package io.confbridge.server.admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminTokenTest {

    @TempDir
    Path dataDir;

    @Test
    void firstStartGeneratesAnOwnerOnlyTokenFileAndPrintsItOnce() throws Exception {
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        String token = AdminToken.resolve("", dataDir, new PrintStream(first, true, StandardCharsets.UTF_8));
        assertTrue(token.length() >= 40, token);
        assertTrue(first.toString(StandardCharsets.UTF_8).contains("admin token " + token));

        Path file = dataDir.resolve("admin-token");
        assertEquals(token, Files.readString(file).trim());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        ByteArrayOutputStream second = new ByteArrayOutputStream();
        assertEquals(token, AdminToken.resolve("", dataDir, new PrintStream(second, true, StandardCharsets.UTF_8)));
        assertEquals("", second.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aConfiguredTokenWinsAndNoFileIsWritten() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals("from-config", AdminToken.resolve(" from-config ", dataDir, new PrintStream(out)));
        assertFalse(Files.exists(dataDir.resolve("admin-token")));
        assertEquals(0, out.size());
    }

    @Test
    void anEmptyTokenFileIsAnErrorNotAnEmptyToken() throws Exception {
        Files.writeString(dataDir.resolve("admin-token"), "\n");
        try {
            AdminToken.resolve("", dataDir, new PrintStream(new ByteArrayOutputStream()));
            throw new AssertionError("an empty token file was accepted");
        } catch (java.io.IOException e) {
            assertTrue(e.getMessage().contains("admin-token"), e.getMessage());
        }
    }
}
