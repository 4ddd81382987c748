package io.confbridge.store;

import io.confbridge.config.BridgeConfig;
import io.confbridge.store.MeetingPolicy.AdmissionMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

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
        OrganizerRecord created = store.createOrganizer(" Amos.Marble@Contoso.com ", "Amos Marble", null, "hash-1", 5);

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
        store.createOrganizer("a@contoso.com", "A", null, "h", 5);

        StoreException e = assertThrows(StoreException.class, () -> store.createOrganizer("A@contoso.com", "A2", null, "h", 5));

        assertTrue(e.conflict());
        assertTrue(e.getMessage().startsWith("create organizer a@contoso.com"), e.getMessage());
        assertEquals(1, store.countOrganizers(), "the failed insert left nothing behind");
    }

    @Test
    void createsAndFindsMeetings() {
        long organizerId = store.createOrganizer("a@contoso.com", "A", null, "h", 5).id();

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
        long organizerId = store.createOrganizer("a@contoso.com", "A", null, "h", 5).id();
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
        long id = store.createOrganizer("a@contoso.com", "A", null, "h1", 5).id();

        store.updatePinHash(id, "h1-rehashed");

        assertEquals("h1-rehashed", store.findOrganizer(id).orElseThrow().pinHash());
        assertEquals(List.of("h1"), store.recentPinHashes(id, 5));
        assertThrows(NoSuchElementException.class, () -> store.updatePinHash(id + 1000, "x"));
    }

    @Test
    void compareAndSetOnlyReplacesTheExpectedHash() {
        long id = store.createOrganizer("a@contoso.com", "A", null, "old", 5).id();
        store.replacePin(id, "reset", 5);

        assertFalse(store.compareAndSetPinHash(id, "old", "old-rehashed"));
        assertEquals("reset", store.findOrganizer(id).orElseThrow().pinHash());
        assertTrue(store.compareAndSetPinHash(id, "reset", "reset-rehashed"));
        assertEquals("reset-rehashed", store.findOrganizer(id).orElseThrow().pinHash());
    }

    @Test
    void replacePinKeepsHistoryNewestFirst() {
        long id = store.createOrganizer("a@contoso.com", "A", null, "p0", 5).id();
        long other = store.createOrganizer("b@contoso.com", "B", null, "q0", 5).id();
        for (int i = 1; i <= 6; i++) {
            store.replacePin(id, "p" + i, 5);
        }

        assertEquals("p6", store.findOrganizer(id).orElseThrow().pinHash());
        assertEquals(List.of("p6", "p5", "p4", "p3", "p2"), store.recentPinHashes(id, 5));
        assertEquals(List.of("q0"), store.recentPinHashes(other, 5));
        assertThrows(NoSuchElementException.class, () -> store.replacePin(other + 1000, "x", 5));
    }

    @Test
    void disablesAndEnablesOrganizer() {
        long id = store.createOrganizer("a@contoso.com", "A", null, "h", 5).id();

        store.setOrganizerEnabled(id, false);
        assertFalse(store.findOrganizer(id).orElseThrow().enabled());
        store.setOrganizerEnabled(id, true);
        assertTrue(store.findOrganizer(id).orElseThrow().enabled());
        assertThrows(NoSuchElementException.class, () -> store.setOrganizerEnabled(id + 1000, false));
    }

    @Test
    void countsOrganizers() {
        assertEquals(0, store.countOrganizers());
        store.createOrganizer("a@contoso.com", "A", null, "h", 5);
        store.createOrganizer("b@contoso.com", "B", null, "h", 5);
        assertEquals(2, store.countOrganizers());
    }

    @Test
    void tenantSettingsStartAtDefaultsAndRoundTrip() {
        assertEquals(TenantSettings.DEFAULTS, store.tenantSettings());

        TenantSettings changed = new TenantSettings(8, false, true, 30, "zh", true, 25, false, AdmissionMode.ORGANIZER);
        store.updateTenantSettings(changed);

        assertEquals(changed, store.tenantSettings());
    }

    @Test
    void meetingsFollowTheTenantPolicyDefaultsUnlessTheySetTheirOwnEvenAfterTheDefaultsChange() {
        long organizerId = store.createOrganizer("a@contoso.com", "A", null, "h", 5).id();
        MeetingRecord plain = store.createMeeting("4711001", organizerId, true);
        MeetingRecord own = store.createMeeting("4711002", organizerId, false,
                new MeetingPolicyOverrides(null, null, 10, null, AdmissionMode.ORGANIZER));

        assertEquals(MeetingPolicy.DEFAULT, plain.policy());
        assertEquals(new MeetingPolicy(false, 60, 10, true, AdmissionMode.ORGANIZER), own.policy());
        assertFalse(own.requirePinToStart());

        store.updateTenantSettings(new TenantSettings(5, true, false, 30, "en", true, 50, false, AdmissionMode.AUTOMATIC));

        MeetingPolicy tenant = new MeetingPolicy(true, 30, 50, false, AdmissionMode.AUTOMATIC);
        MeetingPolicy ownNow = new MeetingPolicy(true, 30, 10, false, AdmissionMode.ORGANIZER);
        // Every read path resolves the same way.
        assertEquals(tenant, store.findMeetingByConferenceId("4711001").orElseThrow().policy());
        assertEquals(ownNow, store.findMeetingByConferenceId("4711002").orElseThrow().policy());
        assertEquals(List.of(tenant, ownNow), store.findMeetingsByOrganizer(organizerId).stream()
                .map(MeetingRecord::policy).toList());
        assertEquals(List.of(tenant, ownNow), store.listMeetings().stream().map(l -> l.meeting().policy()).toList());
        assertEquals(ownNow, store.findMeetingListing("4711002").orElseThrow().meeting().policy());
        assertEquals("a@contoso.com", store.findMeetingListing("4711002").orElseThrow().organizerEmail());
    }

    @Test
    void updatingAMeetingChangesOnlyTheGivenValues() {
        long organizerId = store.createOrganizer("a@contoso.com", "A", null, "h", 5).id();
        store.createMeeting("4711001", organizerId, true, new MeetingPolicyOverrides(true, 15, null, null, null));

        MeetingRecord updated = store.updateMeeting("4711001", false,
                new MeetingPolicyOverrides(null, null, 3, false, AdmissionMode.ORGANIZER)).orElseThrow();

        assertFalse(updated.requirePinToStart());
        assertEquals(new MeetingPolicy(true, 15, 3, false, AdmissionMode.ORGANIZER), updated.policy());
        assertEquals(updated, store.findMeetingByConferenceId("4711001").orElseThrow());

        MeetingRecord untouched = store.updateMeeting("4711001", null, MeetingPolicyOverrides.NONE).orElseThrow();
        assertEquals(updated, untouched);
        // A value never set still follows the tenant after an update of the others.
        store.updateTenantSettings(new TenantSettings(5, true, false, 20, "en", false, 0, true, AdmissionMode.AUTOMATIC));
        assertEquals(new MeetingPolicy(true, 15, 3, false, AdmissionMode.ORGANIZER),
                store.findMeetingByConferenceId("4711001").orElseThrow().policy(), "own lobby timeout kept");
        store.updateMeeting("4711001", null, new MeetingPolicyOverrides(null, null, 4, null, null));
        store.updateTenantSettings(new TenantSettings(5, true, false, 20, "en", false, 0, false, AdmissionMode.AUTOMATIC));
        assertEquals(new MeetingPolicy(true, 15, 4, false, AdmissionMode.ORGANIZER),
                store.findMeetingByConferenceId("4711001").orElseThrow().policy());

        assertEquals(Optional.empty(), store.updateMeeting("4711999", true, MeetingPolicyOverrides.NONE));
    }

    @Test
    void overridesOutsideTheirRangeAreRefusedBeforeTheDatabase() {
        assertThrows(IllegalArgumentException.class, () -> new MeetingPolicyOverrides(null, 0, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new MeetingPolicyOverrides(null, null, 1001, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new TenantSettings(5, true, false, 60, "en", false, -1, true, AdmissionMode.AUTOMATIC));
    }

    @Test
    void sipAccountsOfEnabledOrganizersAreListedAndEveryChangeIsReported() {
        long a = store.createOrganizer("a@contoso.com", "A", null, "h", 5).id();
        long b = store.createOrganizer("b@contoso.com", "B", null, "h", 5).id();
        List<Long> changed = new java.util.concurrent.CopyOnWriteArrayList<>();
        store.onSipAccountChange(changed::add);
        SipAccountRecord alice = new SipAccountRecord(a, "alice", "confbridge", "0".repeat(32), "1".repeat(64));
        SipAccountRecord bob = new SipAccountRecord(b, "bob", "confbridge", "2".repeat(32), "3".repeat(64));

        store.setSipAccount(alice);
        store.setSipAccount(bob);
        store.setOrganizerEnabled(b, false);

        assertEquals(List.of(alice), store.sipAccountsOfEnabledOrganizers());
        assertEquals(List.of(a, b, b), changed);
        store.setOrganizerEnabled(b, true);
        assertEquals(2, store.sipAccountsOfEnabledOrganizers().size());
        assertEquals(List.of(a, b, b, b), changed);
    }

    @Test
    void sipAccountsAreFoundByExactUsernameOnlyForEnabledOrganizers() {
        long a = store.createOrganizer("a@contoso.com", "A", null, "h", 5).id();
        long b = store.createOrganizer("b@contoso.com", "B", null, "h", 5).id();
        SipAccountRecord alice = new SipAccountRecord(a, "Alice", "confbridge", "0".repeat(32), "1".repeat(64));

        store.setSipAccount(alice);

        assertEquals(Optional.of(alice), store.findSipAccount("Alice"));
        assertEquals(Optional.empty(), store.findSipAccount("alice"), "usernames are case-sensitive");
        assertEquals(Optional.of(alice), store.findSipAccountOf(a));
        assertEquals(Optional.empty(), store.findSipAccountOf(b));
        assertFalse(alice.toString().contains("0000"), "toString hides the HA1 values");

        StoreException taken = assertThrows(StoreException.class,
                () -> store.setSipAccount(new SipAccountRecord(b, "Alice", "confbridge", "2".repeat(32), "3".repeat(64))));
        assertTrue(taken.conflict());
        assertEquals(Optional.empty(), store.findSipAccountOf(b));

        SipAccountRecord renamed = new SipAccountRecord(a, "alice2", "other", "4".repeat(32), "5".repeat(64));
        store.setSipAccount(renamed);
        assertEquals(Optional.empty(), store.findSipAccount("Alice"), "the old username is gone");
        assertEquals(Optional.of(renamed), store.findSipAccount("alice2"));
        store.setSipAccount(new SipAccountRecord(b, "Alice", "confbridge", "2".repeat(32), "3".repeat(64)));
        assertEquals(b, store.findSipAccount("Alice").orElseThrow().organizerId(), "a freed username can be taken");

        store.setOrganizerEnabled(a, false);
        assertEquals(Optional.empty(), store.findSipAccount("alice2"), "a disabled organizer proves nothing over SIP");
        assertEquals(Optional.of(renamed), store.findSipAccountOf(a));

        assertThrows(NoSuchElementException.class,
                () -> store.setSipAccount(new SipAccountRecord(b + 1000, "ghost", "confbridge", "6".repeat(32), "7".repeat(64))));
    }

    @Test
    void migrationIsIdempotentOnReopen() {
        long id = store.createOrganizer("a@contoso.com", "A", null, "h", 5).id();
        store.createMeeting("4711001", id, true);
        store.updateTenantSettings(new TenantSettings(6, true, false, 60, "en"));
        store.close();

        store = JdbcDirectoryStore.open(config);

        assertEquals(1, store.countOrganizers());
        assertEquals(id, store.findMeetingByConferenceId("4711001").orElseThrow().organizerId());
        assertEquals(6, store.tenantSettings().pinLength(), "reopening did not re-run V1's INSERT");
        long second = store.createOrganizer("b@contoso.com", "B", null, "h", 5).id();
        assertTrue(second > id, "ids keep growing after a reopen");
    }

    @Test
    void organizerCarriesPhonePinLengthAndPinTime() {
        long before = System.currentTimeMillis();
        OrganizerRecord created = store.createOrganizer("a@contoso.com", "A", "+1 425 555 0100", "h1", 6);

        OrganizerRecord found = store.findOrganizer(created.id()).orElseThrow();
        assertEquals(created, found);
        assertEquals("+1 425 555 0100", found.phone());
        assertEquals(6, found.pinLength());
        assertFalse(found.pinSetAt().isBefore(Instant.ofEpochMilli(before)));
        assertFalse(found.toString().contains("h1"), "toString hides the hash");

        store.replacePin(created.id(), "h2", 8);
        OrganizerRecord reset = store.findOrganizer(created.id()).orElseThrow();
        assertEquals(8, reset.pinLength());
        assertEquals("h2", reset.pinHash());
        assertEquals("+1 425 555 0100", reset.phone());
        assertFalse(reset.pinSetAt().isBefore(found.pinSetAt()));
    }

    @Test
    void updatesProfileAndListsOrganizersByEmail() {
        long zed = store.createOrganizer("zed@contoso.com", "Zed", null, "h", 5).id();
        store.createOrganizer("ann@contoso.com", "Ann", null, "h", 5);

        store.updateOrganizerProfile(zed, "Zed Z", "+49 30 1234567");

        assertEquals(List.of("ann@contoso.com", "zed@contoso.com"), store.listOrganizers().stream().map(OrganizerRecord::email).toList());
        OrganizerRecord updated = store.findOrganizer(zed).orElseThrow();
        assertEquals("Zed Z", updated.displayName());
        assertEquals("+49 30 1234567", updated.phone());
        assertThrows(NoSuchElementException.class, () -> store.updateOrganizerProfile(zed + 1000, "x", null));
    }

    @Test
    void listsMeetingsWithOrganizerEmailAndCreationTime() {
        long a = store.createOrganizer("a@contoso.com", "A", null, "h", 5).id();
        long b = store.createOrganizer("b@contoso.com", "B", null, "h", 5).id();
        MeetingRecord first = store.createMeeting("4711001", a, true);
        MeetingRecord second = store.createMeeting("4711002", b, false);

        List<MeetingListing> all = store.listMeetings();

        assertEquals(List.of(first, second), all.stream().map(MeetingListing::meeting).toList());
        assertEquals(List.of("a@contoso.com", "b@contoso.com"), all.stream().map(MeetingListing::organizerEmail).toList());
        assertTrue(all.get(0).createdAt().isAfter(Instant.parse("2020-01-01T00:00:00Z")));
        assertEquals(all.get(1), store.findMeetingListing("4711002").orElseThrow());
        assertEquals(Optional.empty(), store.findMeetingListing("4711003"));
    }

    @Test
    void pinFailuresAreCountedPerSubjectWithinTheWindow() {
        assertEquals(PinFailures.NONE, store.pinFailures("organizer:1", 0));

        store.recordPinFailure("organizer:1", 1_000, 0);
        store.recordPinFailure("organizer:1", 2_000, 0);
        store.recordPinFailure("caller:+1555", 2_500, 0);
        PinFailures third = store.recordPinFailure("organizer:1", 3_000, 0);

        assertEquals(new PinFailures(3, 3_000), third);
        assertEquals(new PinFailures(2, 3_000), store.pinFailures("organizer:1", 1_500));
        assertEquals(new PinFailures(1, 2_500), store.pinFailures("caller:+1555", 0));
        // A failure whose window starts after the first two forgets them for good.
        assertEquals(new PinFailures(2, 4_000), store.recordPinFailure("organizer:1", 4_000, 2_500));
        assertEquals(new PinFailures(2, 4_000), store.pinFailures("organizer:1", 0));
    }

    @Test
    void locksAreReplacedAndClearedWithTheFailures() {
        assertEquals(0, store.pinLockedUntil("organizer:1"));
        store.lockPin("organizer:1", 10_000);
        store.lockPin("organizer:1", 20_000);
        store.lockPin("organizer:2", 30_000);
        store.recordPinFailure("organizer:1", 1_000, 0);
        store.recordPinFailure("organizer:2", 1_000, 0);

        assertEquals(20_000, store.pinLockedUntil("organizer:1"));
        store.clearPinFailures("organizer:1");

        assertEquals(0, store.pinLockedUntil("organizer:1"));
        assertEquals(PinFailures.NONE, store.pinFailures("organizer:1", 0));
        assertEquals(30_000, store.pinLockedUntil("organizer:2"), "other subjects are untouched");
        assertEquals(1, store.pinFailures("organizer:2", 0).count());
    }

    @Test
    void auditLogIsReadNewestFirst() {
        Instant t = Instant.parse("2026-03-01T09:00:00Z");
        store.appendAudit(AuditRecord.of(t, "admin", "ADMIN", "192.0.2.1", "user.enable", "a@contoso.com", "enabled"));
        store.appendAudit(AuditRecord.of(t.plusSeconds(1), "system", "SYSTEM", null, "pin.lockout", "a@contoso.com", null));

        List<AuditRecord> log = store.recentAudit(10);

        assertEquals(2, log.size());
        assertEquals("pin.lockout", log.get(0).action());
        assertEquals(t.plusSeconds(1), log.get(0).at());
        assertEquals(null, log.get(0).clientAddress());
        AuditRecord enable = log.get(1);
        assertEquals(new AuditRecord(enable.id(), t, "admin", "ADMIN", "192.0.2.1", "user.enable", "a@contoso.com", "enabled"), enable);
        assertTrue(log.get(0).id() > enable.id());
        assertEquals(List.of(log.get(0)), store.recentAudit(1));
    }

    @Test
    void userTokensFindTheirOrganizer() {
        long id = store.createOrganizer("a@contoso.com", "A", null, "h", 5).id();
        store.addUserToken(id, "token-hash-1");

        assertEquals(id, store.findOrganizerByTokenHash("token-hash-1").orElseThrow().id());
        assertTrue(store.findOrganizerByTokenHash("token-hash-2").isEmpty());
        StoreException twice = assertThrows(StoreException.class, () -> store.addUserToken(id, "token-hash-1"));
        assertTrue(twice.conflict());
    }

    @Test
    void lockoutStateSurvivesReopening() {
        store.recordPinFailure("organizer:1", 1_000, 0);
        store.lockPin("organizer:1", 20_000);
        store.close();

        store = JdbcDirectoryStore.open(config);

        assertEquals(20_000, store.pinLockedUntil("organizer:1"));
        assertEquals(1, store.pinFailures("organizer:1", 0).count());
    }

    @Test
    void dialInNumbersRoundTripInOrderAndAreRefusedWhenMalformed() {
        TenantSettings numbers = new TenantSettings(5, true, false, 60, "en", false, 0, true, AdmissionMode.AUTOMATIC,
                List.of("+1 425 555 0100 (US)", "+86 10 5555 0100"));
        store.updateTenantSettings(numbers);
        assertEquals(numbers, store.tenantSettings());
        assertEquals(List.of("+1 425 555 0100 (US)", "+86 10 5555 0100"), store.tenantSettings().dialInNumbers());

        store.updateTenantSettings(new TenantSettings(5, true, false, 60, "en"));
        assertEquals(List.of(), store.tenantSettings().dialInNumbers());
        assertThrows(IllegalArgumentException.class, () -> new TenantSettings(5, true, false, 60, "en", false, 0, true,
                AdmissionMode.AUTOMATIC, List.of("+1\n555")));
        assertThrows(IllegalArgumentException.class, () -> new TenantSettings(5, true, false, 60, "en", false, 0, true,
                AdmissionMode.AUTOMATIC, List.of("")));
    }

    @Test
    void theAuditLogPagesBackwardsAndFiltersByContainedTextIgnoringCase() {
        Instant t = Instant.parse("2026-12-04T10:00:00Z");
        for (int i = 0; i < 5; i++) {
            store.appendAudit(AuditRecord.of(t.plusSeconds(i), "admin", "ADMIN", "192.0.2.1",
                    i % 2 == 0 ? "user.enable" : "pin.reset", "u" + i + "@contoso.com", "d"));
        }
        store.appendAudit(AuditRecord.of(t.plusSeconds(9), "system", "SYSTEM", null, "pin.lockout", null, null));
        List<AuditRecord> all = store.recentAudit(10);

        assertEquals(all.subList(0, 2), store.findAudit(null, null, null, null, 2));
        assertEquals(all.subList(2, 4), store.findAudit(all.get(1).id(), null, null, null, 2));
        List<AuditRecord> enables = store.findAudit(null, "ADM", "User.Enable", "", 10);
        assertEquals(3, enables.size());
        enables.forEach(e -> assertEquals("user.enable", e.action()));
        assertEquals(1, store.findAudit(null, null, null, "U3@", 10).size());
        assertEquals(List.of(), store.findAudit(null, null, null, "%", 10), "% is literal");
        assertEquals(List.of(), store.findAudit(null, null, "user_enable", null, 10), "_ is literal");
        assertEquals(1, store.findAudit(null, "system", null, null, 10).size());
    }
}
