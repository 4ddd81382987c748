package io.confbridge.pin;

import io.confbridge.config.ConfigLoader;
import io.confbridge.config.BridgeConfig;
import io.confbridge.pin.support.ThreadRecordingStore;
import io.confbridge.store.JdbcDirectoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 §5: the organizer's record read while the PIN is typed ({@link PinVault#prepare}), the
 * lockout read beside the Argon2 run. Faster, but the same answers as the plain check: a PIN reset or
 * a lock that happens after the read-ahead still counts.
 */
class PreparedPinCheckTest {
    @TempDir
    Path dir;

    final PinHasher hasher = new PinHasher(PinHasherTest.filled(32, 5), 8192, 1, 1);
    ExecutorService argon2;
    ExecutorService lookups;
    ThreadRecordingStore store;
    PinVault vault;

    @BeforeEach
    void open() {
        argon2 = Executors.newFixedThreadPool(2);
        lookups = Executors.newFixedThreadPool(2);
        store = new ThreadRecordingStore(JdbcDirectoryStore.open(
                new BridgeConfig.StoreConfig("jdbc:sqlite:" + dir.resolve("bridge.db"), "", "", 2)));
        vault = new PinVault(store, hasher, argon2, lookups, new PinGenerator(new SecureRandom()),
                new PinLockout(store, ConfigLoader.defaults().lockout(), Clock.systemUTC()));
    }

    @AfterEach
    void close() throws InterruptedException {
        store.close();
        argon2.shutdown();
        lookups.shutdown();
        assertTrue(argon2.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(lookups.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void rightPinIsAcceptedAndWrongOnesAreNot() throws Exception {
        long id = store.createOrganizer("a@contoso.com", "A", null, hasher.hash("48213"), 5).id();

        assertTrue(verifyPrepared(id, "48213"));
        assertFalse(verifyPrepared(id, "48214"));
        assertFalse(verifyPrepared(id, "48a13"));
        assertFalse(verifyPrepared(id + 1000, "48213"), "unknown organizer");
    }

    @Test
    void aPinResetWhileTypingIsHonoured() throws Exception {
        long id = store.createOrganizer("a@contoso.com", "A", null, hasher.hash("48213"), 5).id();
        PinVault.PreparedCheck prepared = readAhead(id);

        String fresh = vault.issuePin(id, 6, java.util.List.of());

        assertFalse(vault.verify(prepared, "48213", PinAttemptSource.UNKNOWN).get(10, TimeUnit.SECONDS),
                "the replaced PIN, though the read-ahead still held its hash");
        assertTrue(vault.verify(readAhead(id), fresh, PinAttemptSource.UNKNOWN).get(10, TimeUnit.SECONDS));
    }

    @Test
    void anOrganizerDisabledWhileTypingIsRefused() throws Exception {
        long id = store.createOrganizer("a@contoso.com", "A", null, hasher.hash("48213"), 5).id();
        PinVault.PreparedCheck prepared = readAhead(id);

        store.setOrganizerEnabled(id, false);

        assertFalse(vault.verify(prepared, "48213", PinAttemptSource.UNKNOWN).get(10, TimeUnit.SECONDS));
    }

    @Test
    void aLockAfterTheReadAheadRefusesTheRightPin() throws Exception {
        long id = store.createOrganizer("a@contoso.com", "A", null, hasher.hash("48213"), 5).id();
        PinVault.PreparedCheck prepared = readAhead(id);
        for (int i = 0; i < 10 && !vault.lockout().status(id).locked(); i++) {
            vault.verify(id, "2222" + i).get(10, TimeUnit.SECONDS);
        }
        assertTrue(vault.lockout().status(id).locked());

        assertFalse(vault.verify(prepared, "48213", PinAttemptSource.UNKNOWN).get(10, TimeUnit.SECONDS),
                "refused while locked");
    }

    @Test
    void withOnePoolForBothItStillAnswers() throws Exception {
        PinVault onePool = new PinVault(store, hasher, argon2, new PinGenerator(new SecureRandom()),
                new PinLockout(store, ConfigLoader.defaults().lockout(), Clock.systemUTC()));
        long id = store.createOrganizer("a@contoso.com", "A", null, hasher.hash("48213"), 5).id();
        PinVault.PreparedCheck prepared = onePool.prepare(id);
        await().atMost(java.time.Duration.ofSeconds(10)).until(prepared::ready);
        assertTrue(onePool.verify(prepared, "48213", PinAttemptSource.UNKNOWN).get(10, TimeUnit.SECONDS));
        assertFalse(onePool.verify(prepared, "48214", PinAttemptSource.UNKNOWN).get(10, TimeUnit.SECONDS));
    }

    private PinVault.PreparedCheck readAhead(long id) {
        PinVault.PreparedCheck prepared = vault.prepare(id);
        // The read-ahead is done long before the # in a real call; wait for it here, as typing would.
        await().atMost(java.time.Duration.ofSeconds(10)).until(prepared::ready);
        return prepared;
    }

    private boolean verifyPrepared(long id, String pin) throws Exception {
        return vault.verify(readAhead(id), pin, PinAttemptSource.UNKNOWN).get(10, TimeUnit.SECONDS);
    }
}
