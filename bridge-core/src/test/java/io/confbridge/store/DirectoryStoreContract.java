package io.confbridge.store;

import io.confbridge.config.BridgeConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link JdbcDirectoryStore} database must do. Each subclass supplies an empty database per
 * test; the same tests then run on SQLite always and on PostgreSQL where one is configured.
 */
abstract class DirectoryStoreContract {

    /** A new, empty database for one test. */
    abstract BridgeConfig.StoreConfig freshDatabase() throws Exception;

    /** Called after each test, after the store is closed. */
    void dropDatabase() throws Exception {
    }

    BridgeConfig.StoreConfig config;
    JdbcDirectoryStore store;

    @BeforeEach
    void openStore() throws Exception {
        config = freshDatabase();
        store = JdbcDirectoryStore.open(config);
    }

    @AfterEach
    void closeStore() throws Exception {
        if (store != null) { // null when the subclass skipped the test
            store.close();
            dropDatabase();
        }
    }

    @Test
    void createsAndFindsOrganizerByIdAndCaseInsensitiveEmail() {
        OrganizerRecord created = store.createOrganizer(" Amos.Marble@Contoso.com ", "Amos Marble", "hash-1");

        assertEquals("amos.marble@contoso.com", created.email());
        assertTrue(created.enabled());
        assertEquals(created, store.findOrganizer(created.id()).orElseThrow());
        assertEquals(created, store.findOrganizerByEmail("AMOS.MARBLE@contoso.com").orElseThrow());
        assertEquals("hash-1", store.findOrganizer(created.id()).orElseThrow().pinHash());
        assertTrue(store.findOrganizer(created.id() + 1000).isEmpty());
        assertTrue(store.findOrganizerByEmail("nobody@contoso.com").isEmpty());
    }

    @Test
    void duplicateEmailIsAConflictNamingTheOperation() {
        store.createOrganizer("a@contoso.com", "A", "h");

        StoreException e = assertThrows(StoreException.class, () -> store.createOrganizer("A@contoso.com", "A2", "h"));

        assertTrue(e.conflict());
        assertTrue(e.getMessage().startsWith("create organizer a@contoso.com"), e.getMessage());
        assertEquals(1, store.countOrganizers(), "the failed insert left nothing behind");
    }

    @Test
    void createsAndFindsMeetings() {
        long organizerId = store.createOrganizer("a@contoso.com", "A", "h").id();

        MeetingRecord first = store.createMeeting("4711001", organizerId, true);
        MeetingRecord second = store.createMeeting("4711002", organizerId, false);

        assertNotEquals(first.id(), second.id());
        assertEquals(first, store.findMeetingByConferenceId("4711001").orElseThrow());
        assertFalse(store.findMeetingByConferenceId("4711002").orElseThrow().requirePinToStart());
        assertTrue(store.findMeetingByConferenceId("4711003").isEmpty());
        assertEquals(List.of(first, second), store.findMeetingsByOrganizer(organizerId));
        assertEquals(List.of(), store.findMeetingsByOrganizer(organizerId + 1));
    }

    @Test
    void duplicateConferenceIdIsAConflict() {
        long organizerId = store.createOrganizer("a@contoso.com", "A", "h").id();
        store.createMeeting("4711001", organizerId, true);

        StoreException e = assertThrows(StoreException.class, () -> store.createMeeting("4711001", organizerId, false));

        assertTrue(e.conflict());
        assertTrue(e.getMessage().startsWith("create meeting 4711001"), e.getMessage());
    }

    @Test
    void meetingOfUnknownOrganizerIsRefusedByForeignKey() {
        StoreException e = assertThrows(StoreException.class, () -> store.createMeeting("4711001", 999, true));

        assertFalse(e.conflict(), "a missing organizer is not a taken conference ID");
        assertTrue(store.findMeetingByConferenceId("4711001").isEmpty());
    }

    @Test
    void updatesPinHashWithoutHistory() {
        long id = store.createOrganizer("a@contoso.com", "A", "h1").id();

        store.updatePinHash(id, "h1-rehashed");

        assertEquals("h1-rehashed", store.findOrganizer(id).orElseThrow().pinHash());
        assertEquals(List.of("h1"), store.recentPinHashes(id, 5));
        assertThrows(NoSuchElementException.class, () -> store.updatePinHash(id + 1000, "x"));
    }

    @Test
    void compareAndSetOnlyReplacesTheExpectedHash() {
        long id = store.createOrganizer("a@contoso.com", "A", "old").id();
        store.replacePin(id, "reset");

        assertFalse(store.compareAndSetPinHash(id, "old", "old-rehashed"));
        assertEquals("reset", store.findOrganizer(id).orElseThrow().pinHash());
        assertTrue(store.compareAndSetPinHash(id, "reset", "reset-rehashed"));
        assertEquals("reset-rehashed", store.findOrganizer(id).orElseThrow().pinHash());
    }

    @Test
    void replacePinKeepsHistoryNewestFirst() {
        long id = store.createOrganizer("a@contoso.com", "A", "p0").id();
        long other = store.createOrganizer("b@contoso.com", "B", "q0").id();
        for (int i = 1; i <= 6; i++) {
            store.replacePin(id, "p" + i);
        }

        assertEquals("p6", store.findOrganizer(id).orElseThrow().pinHash());
        assertEquals(List.of("p6", "p5", "p4", "p3", "p2"), store.recentPinHashes(id, 5));
        assertEquals(List.of("q0"), store.recentPinHashes(other, 5));
        assertThrows(NoSuchElementException.class, () -> store.replacePin(other + 1000, "x"));
    }

    @Test
    void disablesAndEnablesOrganizer() {
        long id = store.createOrganizer("a@contoso.com", "A", "h").id();

        store.setOrganizerEnabled(id, false);
        assertFalse(store.findOrganizer(id).orElseThrow().enabled());
        store.setOrganizerEnabled(id, true);
        assertTrue(store.findOrganizer(id).orElseThrow().enabled());
        assertThrows(NoSuchElementException.class, () -> store.setOrganizerEnabled(id + 1000, false));
    }

    @Test
    void countsOrganizers() {
        assertEquals(0, store.countOrganizers());
        store.createOrganizer("a@contoso.com", "A", "h");
        store.createOrganizer("b@contoso.com", "B", "h");
        assertEquals(2, store.countOrganizers());
    }

    @Test
    void tenantSettingsStartAtDefaultsAndRoundTrip() {
        assertEquals(TenantSettings.DEFAULTS, store.tenantSettings());

        TenantSettings changed = new TenantSettings(8, false, true, 30, "zh");
        store.updateTenantSettings(changed);

        assertEquals(changed, store.tenantSettings());
    }

    @Test
    void migrationIsIdempotentOnReopen() {
        long id = store.createOrganizer("a@contoso.com", "A", "h").id();
        store.createMeeting("4711001", id, true);
        store.updateTenantSettings(new TenantSettings(6, true, false, 60, "en"));
        store.close();

        store = JdbcDirectoryStore.open(config);

        assertEquals(1, store.countOrganizers());
        assertEquals(id, store.findMeetingByConferenceId("4711001").orElseThrow().organizerId());
        assertEquals(6, store.tenantSettings().pinLength(), "reopening did not re-run V1's INSERT");
        long second = store.createOrganizer("b@contoso.com", "B", "h").id();
        assertTrue(second > id, "ids keep growing after a reopen");
    }
}
