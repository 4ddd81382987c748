package io.confbridge.pin;

import java.time.Clock;
import io.confbridge.config.ConfigLoader;
import io.confbridge.config.BridgeConfig;
import io.confbridge.pin.support.ScriptedRandom;
import io.confbridge.pin.support.ThreadRecordingStore;
import io.confbridge.store.JdbcDirectoryStore;
import io.confbridge.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PinVaultTest {

    @TempDir
    Path dir;

    final PinHasher hasher = new PinHasher(PinHasherTest.filled(32, 5), 8192, 1, 1);
    final AtomicInteger workerCount = new AtomicInteger();
    ExecutorService workers;
    ThreadRecordingStore store;
    PinVault vault;

    @BeforeEach
    void open() {
        workers = Executors.newFixedThreadPool(2, r -> new Thread(r, "pin-worker-" + workerCount.incrementAndGet()));
        store = new ThreadRecordingStore(JdbcDirectoryStore.open(
                new BridgeConfig.StoreConfig("jdbc:sqlite:" + dir.resolve("bridge.db"), "", "", 2)));
        vault = vault(new PinGenerator(new SecureRandom()));
    }

    /** A vault with the default lockout limits on the system clock. */
    PinVault vault(PinGenerator generator) {
        return new PinVault(store, hasher, workers, generator,
                new PinLockout(store, ConfigLoader.defaults().lockout(), Clock.systemUTC()));
    }

    @AfterEach
    void close() throws InterruptedException {
        store.close();
        workers.shutdown();
        assertTrue(workers.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void verifiesOnAWorkerNeverTheCallingThread() throws Exception {
        long id = store.createOrganizer("a@contoso.com", "A", null, hasher.hash("48213"), 5).id();

        assertTrue(vault.verify(id, "48213").get(10, TimeUnit.SECONDS));

        assertFalse(store.organizerReaders().isEmpty(), "the organizer was read");
        assertFalse(store.organizerReaders().contains(Thread.currentThread()));
        store.organizerReaders().forEach(t -> assertTrue(t.getName().startsWith("pin-worker-"), t.getName()));
    }

    @Test
    void warmUpRunsArgon2WithoutTouchingAnyOrganizer() throws Exception {
        long id = store.createOrganizer("a@contoso.com", "A", null, hasher.hash("48213"), 5).id();

        vault.warmUp(3).get(30, TimeUnit.SECONDS);

        assertTrue(store.organizerReaders().isEmpty(), "no organizer was read: " + store.organizerReaders());
        assertTrue(verify(id, "48213"), "the right PIN opens after the warm-up");
        assertFalse(verify(id, "48214"));
    }

    @Test
    void warmUpLeavesTheLookupAndPinPoolsFreeForCallers() throws Exception {
        ThreadPoolExecutor pins = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        ThreadPoolExecutor lookups = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        try {
            PinVault split = new PinVault(store, hasher, pins, lookups, new PinGenerator(new SecureRandom()),
                    new PinLockout(store, ConfigLoader.defaults().lockout(), Clock.systemUTC()));
            split.warmUp(3).get(30, TimeUnit.SECONDS);
            assertEquals(0, lookups.getTaskCount(), "the warm-up queued on the lookup pool");
            assertEquals(0, pins.getTaskCount(), "the warm-up queued on the PIN pool");
        } finally {
            pins.shutdown();
            lookups.shutdown();
        }
    }

    @Test
    void wrongUnknownDisabledAndMalformedAreFalse() throws Exception {
        long id = store.createOrganizer("a@contoso.com", "A", null, hasher.hash("48213"), 5).id();

        assertFalse(verify(id, "48214"));
        assertFalse(verify(id + 1000, "48213"));
        assertFalse(verify(id, "4821"));
        assertFalse(verify(id, "48a13"));
        assertFalse(verify(id, null));
        store.setOrganizerEnabled(id, false);
        assertFalse(verify(id, "48213"), "a disabled organizer's right PIN");
        store.setOrganizerEnabled(id, true);
        assertTrue(verify(id, "48213"));
    }

    @Test
    void aLockedPinIsRefusedAfterAsLongAnArgon2RunAsACheckedOne() throws Exception {
        // A dear hash makes the Argon2 run dominate the database round trips it is compared with.
        PinHasher dear = new PinHasher(PinHasherTest.filled(32, 5), 32_768, 4, 1);
        PinVault dearVault = new PinVault(store, dear, workers, new PinGenerator(new SecureRandom()),
                new PinLockout(store, ConfigLoader.defaults().lockout(), Clock.systemUTC()));
        long id = store.createOrganizer("a@contoso.com", "A", null, dear.hash("48213"), 5).id();
        assertFalse(dearVault.verify(id, "11111").get(30, TimeUnit.SECONDS), "warms the dummy hash up");
        long checkedNs = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertFalse(dearVault.verify(id, "1111" + i).get(30, TimeUnit.SECONDS));
            checkedNs = Math.min(checkedNs, System.nanoTime() - start);
        }
        for (int i = 0; i < 10; i++) {
            dearVault.verify(id, "2222" + i).get(30, TimeUnit.SECONDS);
        }
        assertTrue(dearVault.lockout().status(id).locked());

        long start = System.nanoTime();
        assertFalse(dearVault.verify(id, "48213").get(30, TimeUnit.SECONDS), "refused while locked");
        long refusedNs = System.nanoTime() - start;

        assertTrue(refusedNs > checkedNs / 2, "refused in " + refusedNs / 1000 + " µs, checked in " + checkedNs / 1000 + " µs");
    }

    @Test
    void storeFailureCompletesExceptionally() {
        store.close();

        ExecutionException e = assertThrows(ExecutionException.class, () -> vault.verify(1, "48213").get(10, TimeUnit.SECONDS));

        assertInstanceOf(StoreException.class, e.getCause());
    }

    @Test
    void rightPinAtOldCostIsRehashedAtCurrentCost() throws Exception {
        PinHasher older = new PinHasher(PinHasherTest.filled(32, 5), 8192, 2, 1);
        String oldHash = older.hash("48213");
        long id = store.createOrganizer("a@contoso.com", "A", null, oldHash, 5).id();
        assertTrue(hasher.needsRehash(oldHash));

        assertTrue(verify(id, "48213"));

        String stored = store.findOrganizer(id).orElseThrow().pinHash();
        assertNotEquals(oldHash, stored);
        assertFalse(hasher.needsRehash(stored));
        assertTrue(verify(id, "48213"));
        assertEquals(List.of(oldHash), store.recentPinHashes(id, 5), "a rehash is not a new PIN");
    }

    @Test
    void aRightPinMovesAHashOfAPreviousPepperToTheCurrentOne() throws Exception {
        byte[] previous = PinHasherTest.filled(32, 11);
        String oldHash = new PinHasher(previous, 8192, 1, 1).hash("48213");
        long id = store.createOrganizer("a@contoso.com", "A", null, oldHash, 5).id();
        PinHasher rotated = new PinHasher(PinHasherTest.filled(32, 5), List.of(previous), 8192, 1, 1);
        PinVault rotatedVault = new PinVault(store, rotated, workers, new PinGenerator(new SecureRandom()),
                new PinLockout(store, ConfigLoader.defaults().lockout(), Clock.systemUTC()));

        assertTrue(rotatedVault.verify(id, "48213").get(10, TimeUnit.SECONDS));

        String stored = store.findOrganizer(id).orElseThrow().pinHash();
        assertTrue(stored.contains(",k=" + rotated.pepperId() + "$"), stored);
        assertTrue(hasher.verify("48213", stored), "the current pepper alone verifies it now");
    }

    @Test
    void wrongPinIsNotRehashed() throws Exception {
        String oldHash = new PinHasher(PinHasherTest.filled(32, 5), 8192, 2, 1).hash("48213");
        long id = store.createOrganizer("a@contoso.com", "A", null, oldHash, 5).id();

        assertFalse(verify(id, "48214"));

        assertEquals(oldHash, store.findOrganizer(id).orElseThrow().pinHash());
    }

    @Test
    void issuedPinVerifiesAndReplacesTheOldOne() throws Exception {
        long id = store.createOrganizer("a@contoso.com", "A", null, hasher.hash("48213"), 5).id();

        String pin = vault.issuePin(id, 6, List.of());

        assertEquals(6, pin.length());
        assertFalse(PinGenerator.isTrivial(pin));
        assertTrue(verify(id, pin));
        assertFalse(verify(id, "48213"));
        assertEquals(2, store.recentPinHashes(id, 5).size());
    }

    @Test
    void issuedPinAvoidsTheLastFivePins() throws Exception {
        long id = store.createOrganizer("a@contoso.com", "A", null, hasher.hash("40000"), 5).id();
        List<String> earlier = List.of("41111", "42222", "43333", "44444");
        for (String pin : earlier) {
            vault(new PinGenerator(new ScriptedRandom(pin))).issuePin(id, 5, List.of());
        }
        // History, newest first: 44444 43333 42222 41111 40000. Proposals: four of the last five, then a new one.
        ScriptedRandom random = new ScriptedRandom("44444", "42222", "41111", "40000", "58291");
        PinVault scripted = vault(new PinGenerator(random));

        assertEquals("58291", scripted.issuePin(id, 5, List.of()));
        assertTrue(random.scriptUsedUp());
        assertTrue(verify(id, "58291"));
    }

    @Test
    void aPinOlderThanTheLastFiveMayComeBack() {
        long id = store.createOrganizer("a@contoso.com", "A", null, hasher.hash("40000"), 5).id();
        for (String pin : List.of("41111", "42222", "43333", "44444", "45555")) {
            vault(new PinGenerator(new ScriptedRandom(pin))).issuePin(id, 5, List.of());
        }

        assertEquals("40000", vault(new PinGenerator(new ScriptedRandom("40000")))
                .issuePin(id, 5, List.of()));
    }

    @Test
    void issuedPinAvoidsOwnConferenceIdsAndForbiddenStrings() {
        long id = store.createOrganizer("a@contoso.com", "A", null, hasher.hash("40000"), 5).id();
        store.createMeeting("4711001", id, true);
        ScriptedRandom random = new ScriptedRandom("4711001", "4255550", "5829163");

        String pin = vault(new PinGenerator(random)).issuePin(id, 7, List.of("+1 425 555 0100"));

        assertEquals("5829163", pin);
    }

    @Test
    void newPinHashesWhatItReturnsAndHidesBoth() {
        PinVault.NewPin fresh = vault.newPin(5, List.of());

        assertTrue(hasher.verify(fresh.pin(), fresh.hash()));
        assertFalse(fresh.toString().contains(fresh.pin()));
    }

    @Test
    void issuingToUnknownOrganizerFails() {
        assertThrows(NoSuchElementException.class, () -> vault.issuePin(999, 5, List.of()));
    }

    @Test
    void defaultGeneratorIsRandom() {
        long id = store.createOrganizer("a@contoso.com", "A", null, hasher.hash("40000"), 5).id();
        PinVault real = vault(new PinGenerator(new SecureRandom()));

        assertNotEquals(real.issuePin(id, 12, List.of()), real.issuePin(id, 12, List.of()));
    }

    private boolean verify(long id, String pin) throws Exception {
        return vault.verify(id, pin).get(10, TimeUnit.SECONDS);
    }
}
