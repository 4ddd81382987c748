package io.confbridge.admin;

import java.time.Clock;
import io.confbridge.pin.PinLockout;
import io.confbridge.pin.PinGenerator;
import io.confbridge.config.BridgeConfig;
import io.confbridge.pin.PinHasher;
import io.confbridge.pin.PinVault;
import io.confbridge.store.JdbcDirectoryStore;
import io.confbridge.store.MeetingRecord;
import io.confbridge.store.OrganizerRecord;
import io.confbridge.store.StoreException;
import io.confbridge.store.TenantSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvisioningTest {

    @TempDir
    Path dir;

    final byte[] pepper = new byte[32];
    final PinHasher hasher = new PinHasher(pepper, 8192, 1, 1);
    ExecutorService workers;
    JdbcDirectoryStore store;
    PinVault vault;
    Provisioning provisioning;

    @BeforeEach
    void open() {
        Arrays.fill(pepper, (byte) 9);
        workers = Executors.newSingleThreadExecutor();
        store = JdbcDirectoryStore.open(new BridgeConfig.StoreConfig("jdbc:sqlite:" + dir.resolve("bridge.db"), "", "", 2));
        vault = new PinVault(store, hasher, workers, new PinGenerator(new SecureRandom()),
                new PinLockout(store, DialInAdministrationContract.LOCKOUT, Clock.systemUTC()));
        provisioning = new Provisioning(store, vault, new SecureRandom());
    }

    @AfterEach
    void close() throws InterruptedException {
        store.close();
        workers.shutdown();
        assertTrue(workers.awaitTermination(10, TimeUnit.SECONDS));
    }

    @Test
    void enablesOrganizerWithAPinOfTheTenantLength() throws Exception {
        store.updateTenantSettings(new TenantSettings(8, true, false, 60, "en"));

        Provisioning.EnabledOrganizer enabled = provisioning.enableOrganizer("Amos.Marble@contoso.com", "Amos Marble");

        assertEquals(8, enabled.pin().length());
        assertTrue(enabled.pin().matches("[0-9]{8}"));
        assertFalse(enabled.toString().contains(enabled.pin()));
        OrganizerRecord stored = store.findOrganizerByEmail("amos.marble@contoso.com").orElseThrow();
        assertEquals(enabled.organizer(), stored);
        assertFalse(stored.pinHash().contains(enabled.pin()), "only the hash is stored");
        assertTrue(stored.pinHash().startsWith("$bridgepin$"));
        assertTrue(vault.verify(stored.id(), enabled.pin()).get(10, TimeUnit.SECONDS));
    }

    @Test
    void enablingTheSameEmailTwiceIsAConflict() {
        provisioning.enableOrganizer("a@contoso.com", "A");

        StoreException e = assertThrows(StoreException.class, () -> provisioning.enableOrganizer("A@Contoso.com", "A again"));

        assertTrue(e.conflict());
        assertEquals(1, store.countOrganizers());
    }

    @Test
    void createsMeetingsWithUniqueSevenDigitIds() {
        long id = provisioning.enableOrganizer("a@contoso.com", "A").organizer().id();
        Set<String> ids = new HashSet<>();

        for (int i = 0; i < 200; i++) {
            MeetingRecord meeting = provisioning.createMeeting(id, i % 2 == 0);
            assertTrue(meeting.conferenceId().matches("[1-9][0-9]{6}"), meeting.conferenceId());
            assertEquals(meeting, store.findMeetingByConferenceId(meeting.conferenceId()).orElseThrow());
            ids.add(meeting.conferenceId());
        }

        assertEquals(200, ids.size());
        assertEquals(200, store.findMeetingsByOrganizer(id).size());
    }

    @Test
    void drawsAnotherIdWhenOneIsTaken() {
        long id = provisioning.enableOrganizer("a@contoso.com", "A").organizer().id();
        store.createMeeting("4711001", id, true);
        // nextInt(9_000_000) + 1_000_000: 3_711_001 gives the taken 4711001, then 3_711_002 a free one.
        Provisioning scripted = new Provisioning(store, vault, new ScriptedInts(3_711_001, 3_711_002));

        MeetingRecord meeting = scripted.createMeeting(id, true);

        assertEquals("4711002", meeting.conferenceId());
    }

    @Test
    void extremesOfTheIdRangeHaveSevenDigits() {
        Provisioning scripted = new Provisioning(store, vault, new ScriptedInts(0, 8_999_999));

        assertEquals("1000000", scripted.newConferenceId());
        assertEquals("9999999", scripted.newConferenceId());
    }

    @Test
    void newMeetingsGetIdsOfTheConfiguredLengthWhileExistingIdsKeepWorking() {
        long id = provisioning.enableOrganizer("a@contoso.com", "A").organizer().id();
        MeetingRecord old = provisioning.createMeeting(id, true);
        assertEquals(7, old.conferenceId().length(), "drawn before ids.conferenceIdLength");

        Provisioning nine = new Provisioning(store, vault, new SecureRandom(), 9);
        Provisioning twelve = new Provisioning(store, vault, new SecureRandom(), 12);
        for (int i = 0; i < 20; i++) {
            assertTrue(nine.createMeeting(id, true).conferenceId().matches("[1-9][0-9]{8}"));
            assertTrue(twelve.newConferenceId().matches("[1-9][0-9]{11}"));
        }
        assertEquals(old, store.findMeetingByConferenceId(old.conferenceId()).orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> new Provisioning(store, vault, new SecureRandom(), 6));
        assertThrows(IllegalArgumentException.class, () -> new Provisioning(store, vault, new SecureRandom(), 13));
    }

    @Test
    void meetingOfUnknownOrganizerIsRefused() {
        assertThrows(NoSuchElementException.class, () -> provisioning.createMeeting(999, true));
    }

    @Test
    void resetPinReplacesThePinWithOneOfTheCurrentLength() throws Exception {
        Provisioning.EnabledOrganizer enabled = provisioning.enableOrganizer("a@contoso.com", "A");
        long id = enabled.organizer().id();
        store.updateTenantSettings(new TenantSettings(6, true, false, 60, "en"));

        String pin = provisioning.resetPin(id);

        assertEquals(6, pin.length());
        assertNotEquals(enabled.pin(), pin);
        assertTrue(vault.verify(id, pin).get(10, TimeUnit.SECONDS));
        assertFalse(vault.verify(id, enabled.pin()).get(10, TimeUnit.SECONDS));
        assertThrows(NoSuchElementException.class, () -> provisioning.resetPin(id + 1000));
    }

    /** Returns the given ints from nextInt(bound), in order. */
    private static final class ScriptedInts extends SecureRandom {
        private final Deque<Integer> script = new ArrayDeque<>();

        ScriptedInts(int... values) {
            for (int v : values) {
                script.add(v);
            }
        }

        @Override
        public int nextInt(int bound) {
            int next = script.remove();
            if (next >= bound) {
                throw new IllegalStateException("scripted " + next + " is not below " + bound);
            }
            return next;
        }
    }
}
