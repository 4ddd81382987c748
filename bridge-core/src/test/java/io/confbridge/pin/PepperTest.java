package io.confbridge.pin;

import io.confbridge.config.BridgeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PepperTest {

    @TempDir
    Path dir;

    @Test
    void createsOwnerOnlyFileWithDirectoriesAndReadsItBack() throws Exception {
        Path file = dir.resolve("data").resolve("secrets").resolve("pepper");

        byte[] created = Pepper.loadOrCreate(file);

        assertEquals(Pepper.BYTES, created.length);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(created, Base64.getDecoder().decode(Files.readString(file).trim()));
        assertArrayEquals(created, Pepper.loadOrCreate(file), "the second start reads the same pepper");
    }

    @Test
    void twoNewPeppersDiffer() {
        byte[] a = Pepper.loadOrCreate(dir.resolve("a"));
        byte[] b = Pepper.loadOrCreate(dir.resolve("b"));

        assertFalse(java.util.Arrays.equals(a, b));
    }

    @Test
    void refusesFileReadableByOthers() throws Exception {
        Path file = dir.resolve("pepper");
        Pepper.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Pepper.loadOrCreate(file));

        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }

    @Test
    void refusesMalformedFile() throws Exception {
        Path shortOne = Files.writeString(dir.resolve("short"), Base64.getEncoder().encodeToString(new byte[16]));
        Files.setPosixFilePermissions(shortOne, PosixFilePermissions.fromString("rw-------"));
        Path garbage = Files.writeString(dir.resolve("garbage"), "this is not base64!");
        Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("r--------"));

        assertTrue(assertThrows(IllegalStateException.class, () -> Pepper.loadOrCreate(shortOne))
                .getMessage().contains("malformed"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Pepper.loadOrCreate(garbage));
        assertFalse(e.getMessage().contains("this is not base64"), "the message never quotes the secret");
    }

    @Test
    void inlinePepperWinsOverFileAndMustBeLongEnough() {
        String inline = Base64.getEncoder().encodeToString(PinHasherTest.filled(32, 3));
        Path file = dir.resolve("never-created");

        byte[] pepper = Pepper.fromConfig(new BridgeConfig.SecurityConfig(file.toString(), inline, 8192, 1, 1, 1));

        assertArrayEquals(PinHasherTest.filled(32, 3), pepper);
        assertFalse(Files.exists(file));
        assertThrows(IllegalArgumentException.class, () -> Pepper.fromBase64(Base64.getEncoder().encodeToString(new byte[31])));
        assertThrows(IllegalArgumentException.class, () -> Pepper.fromBase64("%%%"));
    }
}
