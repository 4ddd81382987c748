package io.confbridge.admin;

import io.confbridge.auth.DigestAlgorithm;
import io.confbridge.config.BridgeConfig;
import io.confbridge.admin.Administration.Actor;
import io.confbridge.admin.Administration.ActorRole;
import io.confbridge.admin.Administration.AuditEntry;
import io.confbridge.admin.Administration.MeetingSettings;
import io.confbridge.admin.Administration.MeetingSettingsChange;
import io.confbridge.admin.Administration.MeetingView;
import io.confbridge.admin.Administration.PinIssued;
import io.confbridge.admin.Administration.SettingsChange;
import io.confbridge.admin.Administration.UserView;
import io.confbridge.admin.support.MutableClock;
import io.confbridge.admin.support.RecordingPinMailer;
import io.confbridge.meeting.support.TestMember;
import io.confbridge.mail.MailResult;
import io.confbridge.media.MediaEngine;
import io.confbridge.meeting.Meeting;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.meeting.Role;
import io.confbridge.pin.DigestLockout;
import io.confbridge.pin.PinAttemptSource;
import io.confbridge.pin.PinGenerator;
import io.confbridge.pin.PinHasher;
import io.confbridge.pin.PinLockout;
import io.confbridge.pin.PinVault;
import io.confbridge.store.JdbcDirectoryStore;
import io.confbridge.store.MeetingPolicy;
import io.confbridge.store.PinFailures;
import io.confbridge.store.MeetingRecord;
import io.confbridge.store.SipAccountRecord;
import io.confbridge.store.TenantSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link DialInAdministration} does, on a real database: SQLite always, PostgreSQL when
 * {@code BRIDGE_TEST_PG_URL} is set (see the subclasses). Mail goes to a recording fake here; the SMTP
 * path is tested against GreenMail in {@link DialInAdministrationMailTest}.
 */
abstract class DialInAdministrationContract {

    static final Actor ADMIN = new Actor("admin", ActorRole.ADMIN, "192.0.2.10");
    static final BridgeConfig.LockoutConfig LOCKOUT = new BridgeConfig.LockoutConfig(10, 60, 15, 5, 60, 900);
    static final String AMOS = "amos.marble@contoso.com";
    /** {@code ivr.lobbyTimeoutMs} at its largest, so every lobby timeout of 1–1440 minutes may be set. */
    static final long NODE_LOBBY_TIMEOUT_MS = 86_400_000;

    abstract BridgeConfig.StoreConfig freshDatabase() throws Exception;

    void dropDatabase() throws Exception {
    }

    final PinHasher hasher = new PinHasher(filled(32, 7), 8192, 1, 1);
    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T09:00:00Z"));
    final RecordingPinMailer mailer = new RecordingPinMailer();
    final List<String> issuedPins = new ArrayList<>();
    BridgeConfig.StoreConfig config;
    JdbcDirectoryStore store;
    ExecutorService workers;
    MediaEngine engine;
    MeetingRegistry meetings;
    PinVault vault;
    DialInAdministration admin;
    MeetingControl control;

    @BeforeEach
    void open() throws Exception {
        config = freshDatabase();
        store = JdbcDirectoryStore.open(config);
        workers = Executors.newFixedThreadPool(2);
        engine = new MediaEngine(1);
        meetings = new MeetingRegistry(engine, Meeting.Tones.NONE, Duration.ofMinutes(10));
        wire(LOCKOUT);
    }

    void wire(BridgeConfig.LockoutConfig lockout) {
        vault = new PinVault(store, hasher, workers, new PinGenerator(new SecureRandom()), new PinLockout(store, lockout, clock));
        administration(BridgeConfig.SipConfig.DEFAULT_REALM, NODE_LOBBY_TIMEOUT_MS);
    }

    void administration(String sipRealm, long nodeLobbyTimeoutMs) {
        admin = new DialInAdministration(store, vault, meetings, mailer, clock, new SecureRandom(), sipRealm,
                nodeLobbyTimeoutMs);
        control = admin.meetingControl();
    }

    @AfterEach
    void close() throws Exception {
        if (store == null) {
            return; // skipped
        }
        store.close();
        engine.close();
        workers.shutdown();
        assertTrue(workers.awaitTermination(10, TimeUnit.SECONDS));
        dropDatabase();
    }

    // ---- enable, get, list ------------------------------------------------------------------------

    @Test
    void enablingCreatesOrganizerWithAMeetingAndShowsThePinOnlyInTheResponse() throws Exception {
        PinIssued issued = enable(AMOS, "Amos Marble", "+1 425 555 0100");

        assertEquals(5, issued.pin().length());
        assertTrue(issued.pin().matches("[0-9]{5}"));
        assertFalse(PinGenerator.isTrivial(issued.pin()));
        assertFalse(issued.toString().contains(issued.pin()), "toString hides the PIN");
        UserView user = issued.user();
        assertEquals(AMOS, user.email());
        assertEquals("Amos Marble", user.displayName());
        assertEquals("+1 425 555 0100", user.phone());
        assertTrue(user.enabled());
        assertEquals("*****", user.pin());
        assertEquals(5, user.pinLength());
        assertNotNull(user.pinSetAt());
        assertFalse(user.locked());
        assertNull(user.lockedUntil());
        assertEquals(0, user.recentPinFailures());
        assertEquals(1, user.conferenceIds().size());
        assertTrue(user.conferenceIds().get(0).matches("[1-9][0-9]{6}"));
        assertFalse(user.conferenceIds().get(0).contains(issued.pin()));
        assertEquals(user, admin.getUser(" Amos.Marble@CONTOSO.com "));
        assertTrue(verify(AMOS, issued.pin()));
        MeetingView meeting = admin.getMeeting(user.conferenceIds().get(0));
        assertTrue(meeting.requirePinToStart(), "anonymousCanStart is off by default");
        assertEquals(AMOS, meeting.organizerEmail());
    }

    @Test
    void userViewsNeverCarryThePinOrItsHash() {
        PinIssued issued = enable(AMOS, "Amos", null);
        String hash = store.findOrganizerByEmail(AMOS).orElseThrow().pinHash();

        for (UserView user : List.of(admin.getUser(AMOS), admin.listUsers().get(0), issued.user())) {
            assertFalse(user.toString().contains(issued.pin()));
            assertFalse(user.toString().contains(hash));
            assertEquals("*****", user.pin());
        }
    }

    @Test
    void listsUsersByEmail() {
        enable("zoe@contoso.com", "Zoe", null);
        enable("adele@contoso.com", "Adele", null);

        assertEquals(List.of("adele@contoso.com", "zoe@contoso.com"), admin.listUsers().stream().map(UserView::email).toList());
    }

    @Test
    void enablingAnEnabledUserIsAConflictAndADisabledOneIsEnabledAgainWithANewPin() throws Exception {
        PinIssued first = enable(AMOS, "Amos", null);
        AdminException twice = assertThrows(AdminException.class, () -> enable(AMOS, "Amos", null));
        assertEquals(AdminException.Kind.CONFLICT, twice.kind());

        admin.disableUser(ADMIN, AMOS);
        PinIssued again = enable(AMOS, "Amos Marble", "+44 20 7946 0000");

        assertTrue(again.user().enabled());
        assertEquals("Amos Marble", again.user().displayName());
        assertEquals("+44 20 7946 0000", again.user().phone());
        assertEquals(first.user().conferenceIds(), again.user().conferenceIds(), "their meetings stay");
        assertNotEquals(first.pin(), again.pin(), "not one of the last five PINs");
        assertTrue(verify(AMOS, again.pin()));
        assertFalse(verify(AMOS, first.pin()));
    }

    @Test
    void disabledOrganizersPinNoLongerWorks() throws Exception {
        PinIssued issued = enable(AMOS, "Amos", null);

        UserView disabled = admin.disableUser(ADMIN, AMOS);

        assertFalse(disabled.enabled());
        assertFalse(verify(AMOS, issued.pin()));
        assertEquals(AdminException.Kind.CONFLICT,
                assertThrows(AdminException.class, () -> admin.resetPin(ADMIN, AMOS, false, null)).kind());
    }

    @Test
    void badInputNamesTheField() {
        assertField("email", () -> admin.enableUser(ADMIN, "not-an-address", "X", null, false, null));
        assertField("email", () -> admin.enableUser(ADMIN, " ", "X", null, false, null));
        assertField("email", () -> admin.getUser("a b@contoso.com"));
        assertField("phone", () -> admin.enableUser(ADMIN, AMOS, "X", "call me", false, null));
        assertField("displayName", () -> admin.enableUser(ADMIN, AMOS, "X\nBcc: y@z.com", null, false, null));
        assertField("sendEmailToAddress", () -> admin.enableUser(ADMIN, AMOS, "X", null, true, "nope"));
        assertField("pinLength", () -> admin.updateSettings(ADMIN, change(3, null, null, null, null)));
        assertField("pinLength", () -> admin.updateSettings(ADMIN, change(13, null, null, null, null)));
        assertField("lobbyTimeoutMinutes", () -> admin.updateSettings(ADMIN, change(null, null, null, 0, null)));
        assertField("language", () -> admin.updateSettings(ADMIN, change(null, null, null, null, "fr")));
        assertField("conferenceId", () -> admin.getMeeting("12ab"));
        assertField("limit", () -> admin.audit(0));
        assertField("limit", () -> admin.audit(1001));
        assertTrue(admin.listUsers().isEmpty(), "nothing was created by the refused requests");
    }

    @Test
    void unknownUsersAndMeetingsAreNotFound() {
        assertKind(AdminException.Kind.NOT_FOUND, () -> admin.getUser("nobody@contoso.com"));
        assertKind(AdminException.Kind.NOT_FOUND, () -> admin.resetPin(ADMIN, "nobody@contoso.com", false, null));
        assertKind(AdminException.Kind.NOT_FOUND, () -> admin.disableUser(ADMIN, "nobody@contoso.com"));
        assertKind(AdminException.Kind.NOT_FOUND, () -> admin.clearLockout(ADMIN, "nobody@contoso.com"));
        assertKind(AdminException.Kind.NOT_FOUND, () -> createMeeting(ADMIN, "nobody@contoso.com", null));
        assertKind(AdminException.Kind.NOT_FOUND, () -> admin.getMeeting("9999999"));
        assertKind(AdminException.Kind.NOT_FOUND, () -> control.end(ADMIN, "9999999"));
        assertKind(AdminException.Kind.NOT_FOUND, () -> admin.issueUserToken(ADMIN, "nobody@contoso.com"));
    }

    @Test
    void aUsersOwnTokenCannotResetAPinOrAdminister() {
        enable(AMOS, "Amos", null);
        enable("other@contoso.com", "Other", null);
        Actor amos = new Actor(AMOS, ActorRole.USER, "198.51.100.7");

        assertKind(AdminException.Kind.FORBIDDEN, () -> admin.resetPin(amos, AMOS, true, null));
        assertKind(AdminException.Kind.FORBIDDEN, () -> admin.enableUser(amos, "x@contoso.com", "X", null, false, null));
        assertKind(AdminException.Kind.FORBIDDEN, () -> admin.disableUser(amos, AMOS));
        assertKind(AdminException.Kind.FORBIDDEN, () -> admin.updateSettings(amos, change(6, null, null, null, null)));
        assertKind(AdminException.Kind.FORBIDDEN, () -> createMeeting(amos, "other@contoso.com", null));
        MeetingView own = createMeeting(amos, AMOS, null);
        assertEquals(AMOS, own.organizerEmail());
        assertEquals(5, admin.settings().pinLength());
    }

    // ---- PIN reset and mail -----------------------------------------------------------------------

    @Test
    void resetIssuesANewPinMailedToThePrimaryAddressAndTheOldOneStops() throws Exception {
        PinIssued first = enable(AMOS, "Amos", null);
        mailer.sent().clear();

        PinIssued reset = admin.resetPin(ADMIN, AMOS, false, null);
        issuedPins.add(reset.pin());

        assertNotEquals(first.pin(), reset.pin());
        assertTrue(verify(AMOS, reset.pin()));
        assertFalse(verify(AMOS, first.pin()));
        assertTrue(reset.mail().sent(), "auto e-mail is on by default");
        assertEquals(AMOS, reset.mail().to());
        assertFalse(reset.mail().deliverManually());
        assertEquals(1, mailer.sent().size());
        assertEquals(AMOS, mailer.sent().get(0).to());
        assertEquals(reset.pin(), mailer.sent().get(0).pin());
        assertEquals(reset.user().conferenceIds(), mailer.sent().get(0).conferenceIds());
    }

    @Test
    void sendEmailToAddressOverridesTheRecipient() {
        enable(AMOS, "Amos", null);
        mailer.sent().clear();

        PinIssued reset = admin.resetPin(ADMIN, AMOS, true, "Amos@Hotmail.com");

        assertEquals("amos@hotmail.com", reset.mail().to());
        assertEquals("amos@hotmail.com", mailer.sent().get(0).to());
    }

    @Test
    void withAutoEmailOffAndNoSendEmailThereIsNoMailAndTheResponseSaysDeliverByHand() {
        admin.updateSettings(ADMIN, change(null, false, null, null, null));

        PinIssued enabled = enable(AMOS, "Amos", null);
        PinIssued reset = admin.resetPin(ADMIN, AMOS, false, null);

        for (PinIssued issued : List.of(enabled, reset)) {
            assertFalse(issued.mail().sent());
            assertNull(issued.mail().to());
            assertTrue(issued.mail().deliverManually());
        }
        assertTrue(mailer.sent().isEmpty());
        PinIssued asked = admin.resetPin(ADMIN, AMOS, true, null);
        assertTrue(asked.mail().sent(), "sendEmail asks for mail even with auto e-mail off");
        assertEquals(1, mailer.sent().size());
    }

    @Test
    void aMailFailureKeepsTheResetAndIsAudited() throws Exception {
        enable(AMOS, "Amos", null);
        mailer.answerWith(MailResult.failed("Couldn't connect to host"));

        PinIssued reset = admin.resetPin(ADMIN, AMOS, false, null);
        issuedPins.add(reset.pin());

        assertFalse(reset.mail().sent());
        assertEquals("Couldn't connect to host", reset.mail().error());
        assertTrue(reset.mail().deliverManually());
        assertTrue(verify(AMOS, reset.pin()), "the new PIN is stored all the same");
        AuditEntry last = admin.audit(1).get(0);
        assertEquals("pin.reset", last.action());
        assertTrue(last.detail().contains("failed: Couldn't connect to host"), last.detail());
    }

    // ---- settings ---------------------------------------------------------------------------------

    @Test
    void settingsHaveDefaultsAndPartialUpdates() {
        assertEquals(new Administration.TenantSettings(5, true, false, 60, "en", false, 0, true, "automatic"), admin.settings());

        Administration.TenantSettings updated = admin.updateSettings(ADMIN, change(null, null, true, 30, "ZH"));

        assertEquals(new Administration.TenantSettings(5, true, true, 30, "zh", false, 0, true, "automatic"), updated);
        assertEquals(updated, admin.settings());
        AuditEntry entry = admin.audit(1).get(0);
        assertEquals("settings.update", entry.action());
        assertEquals("anonymousCanStart false → true; lobbyTimeoutMinutes 60 → 30; language en → zh", entry.detail());
    }

    @Test
    void pinLengthAppliesOnlyToPinsGeneratedAfterwards() throws Exception {
        PinIssued old = enable(AMOS, "Amos", null);

        admin.updateSettings(ADMIN, change(8, null, null, null, null));
        PinIssued newcomer = enable("new@contoso.com", "New", null);

        assertEquals(8, newcomer.pin().length());
        assertEquals(8, newcomer.user().pinLength());
        assertEquals(5, admin.getUser(AMOS).pinLength());
        assertTrue(verify(AMOS, old.pin()), "the existing 5-digit PIN keeps working");
        PinIssued reset = admin.resetPin(ADMIN, AMOS, false, null);
        assertEquals(8, reset.pin().length());
        assertEquals(8, reset.user().pinLength());
    }

    // ---- meetings ---------------------------------------------------------------------------------

    @Test
    void meetingsTakeTheTenantDefaultOrAnExplicitRequirePin() {
        enable(AMOS, "Amos", null);

        MeetingView byDefault = createMeeting(ADMIN, AMOS, null);
        admin.updateSettings(ADMIN, change(null, null, true, null, null));
        MeetingView anonymousStart = createMeeting(ADMIN, AMOS, null);
        MeetingView explicit = createMeeting(ADMIN, AMOS, true);

        assertTrue(byDefault.requirePinToStart());
        assertFalse(anonymousStart.requirePinToStart());
        assertTrue(explicit.requirePinToStart());
        assertTrue(byDefault.conferenceId().matches("[1-9][0-9]{6}"));
        assertEquals("idle", byDefault.state());
        assertNotNull(byDefault.createdAt());
        assertEquals(byDefault, admin.getMeeting(byDefault.conferenceId()));
        assertEquals(4, admin.listMeetings().size(), "the first meeting from enable and three more");
        assertEquals(4, admin.getUser(AMOS).conferenceIds().size());
    }

    @Test
    void meetingsShowLiveStateAndCanBeEnded() {
        enable(AMOS, "Amos", null);
        String conferenceId = admin.getUser(AMOS).conferenceIds().get(0);
        MeetingRecord record = store.findMeetingByConferenceId(conferenceId).orElseThrow();
        TestMember caller = new TestMember();
        TestMember organizer = new TestMember();

        meetings.enter(record, caller, Role.CALLER);
        MeetingView lobby = admin.getMeeting(conferenceId);
        assertEquals("lobby", lobby.state());
        assertEquals(1, lobby.lobbyCount());
        assertEquals(0, lobby.participantCount());

        meetings.enter(record, organizer, Role.ORGANIZER);
        MeetingView active = admin.listMeetings().get(0);
        assertEquals("active", active.state());
        assertEquals(0, active.lobbyCount());
        assertEquals(2, active.participantCount());

        MeetingView ended = control.end(ADMIN, conferenceId);
        assertEquals("idle", ended.state());
        assertTrue(caller.ended());
        assertTrue(organizer.ended());
        assertEquals("ended for everyone in it", admin.audit(1).get(0).detail());
        assertEquals("was not live", auditAfter(() -> control.end(ADMIN, conferenceId)).detail());
    }

    // ---- meeting policies -------------------------------------------------------------------------

    @Test
    void aMeetingCreatedWithSettingsShowsThemAndFollowsTheTenantForTheRest() {
        enable(AMOS, "Amos", null);

        MeetingView created = admin.createMeeting(ADMIN, AMOS,
                new MeetingSettings(false, true, null, 12, null, " Organizer "));

        assertFalse(created.requirePinToStart());
        assertTrue(created.endOnOrganizerLeave());
        assertEquals(60, created.lobbyTimeoutMinutes(), "the tenant's lobby timeout");
        assertEquals(12, created.maxParticipants());
        assertTrue(created.entryExitTones(), "the tenant's default");
        assertEquals("organizer", created.admissionMode());
        assertEquals(created, admin.getMeeting(created.conferenceId()));
        assertEquals("organizer " + AMOS + "; requirePinToStart false; endOnOrganizerLeave true; maxParticipants 12;"
                + " admissionMode organizer", admin.audit(1).get(0).detail());
        // What the call runtime reads is the same resolved policy.
        assertEquals(new MeetingPolicy(true, 60, 12, true, MeetingPolicy.AdmissionMode.ORGANIZER),
                store.findMeetingByConferenceId(created.conferenceId()).orElseThrow().policy());

        admin.updateSettings(ADMIN, new SettingsChange(null, null, null, 20, null, false, 100, false, "organizer"));

        MeetingView later = admin.getMeeting(created.conferenceId());
        assertTrue(later.endOnOrganizerLeave(), "set by the meeting");
        assertEquals(20, later.lobbyTimeoutMinutes(), "the changed tenant default reaches the meeting");
        assertEquals(12, later.maxParticipants(), "set by the meeting");
        assertFalse(later.entryExitTones(), "the changed tenant default reaches the meeting");
        MeetingView first = admin.getMeeting(admin.getUser(AMOS).conferenceIds().get(0));
        assertEquals(List.of(false, 20, 100, false, "organizer"), List.of(first.endOnOrganizerLeave(),
                first.lobbyTimeoutMinutes(), first.maxParticipants(), first.entryExitTones(), first.admissionMode()));
    }

    @Test
    void tenantPolicyDefaultsAreSettingsWithPartialUpdatesAndAnAuditedDiff() {
        Administration.TenantSettings updated = admin.updateSettings(ADMIN,
                new SettingsChange(null, null, null, null, null, true, 250, null, "ORGANIZER"));

        assertEquals(new Administration.TenantSettings(5, true, false, 60, "en", true, 250, true, "organizer"), updated);
        assertEquals(updated, admin.settings());
        assertEquals("endOnOrganizerLeave false → true; maxParticipants 0 → 250; admissionMode automatic → organizer",
                admin.audit(1).get(0).detail());
        MeetingPolicy defaults = store.tenantSettings().defaultPolicy();
        assertEquals(new MeetingPolicy(true, 60, 250, true, MeetingPolicy.AdmissionMode.ORGANIZER), defaults);

        admin.updateSettings(ADMIN, new SettingsChange(null, null, null, null, null, null, null, false, null));
        assertFalse(admin.settings().entryExitTones());
        assertEquals(250, admin.settings().maxParticipants(), "untouched by a change that did not name it");
    }

    @Test
    void policyValuesOutsideTheirRangeAreRefusedNamingTheField() {
        enable(AMOS, "Amos", null);
        String id = admin.getUser(AMOS).conferenceIds().get(0);

        assertField("maxParticipants", () -> admin.createMeeting(ADMIN, AMOS, new MeetingSettings(null, null, null, 1001, null, null)));
        assertField("maxParticipants", () -> admin.createMeeting(ADMIN, AMOS, new MeetingSettings(null, null, null, -1, null, null)));
        assertField("lobbyTimeoutMinutes", () -> admin.createMeeting(ADMIN, AMOS, new MeetingSettings(null, null, 0, null, null, null)));
        assertField("lobbyTimeoutMinutes", () -> admin.createMeeting(ADMIN, AMOS, new MeetingSettings(null, null, 1441, null, null, null)));
        assertField("admissionMode", () -> admin.createMeeting(ADMIN, AMOS, new MeetingSettings(null, null, null, null, null, "manual")));
        assertField("maxParticipants", () -> control.update(ADMIN, id, new MeetingSettingsChange(null, null, null, 1001, null, null)));
        assertField("lobbyTimeoutMinutes", () -> control.update(ADMIN, id, new MeetingSettingsChange(null, null, 1441, null, null, null)));
        assertField("admissionMode", () -> control.update(ADMIN, id, new MeetingSettingsChange(null, null, null, null, null, "")));
        assertField("settings", () -> control.update(ADMIN, id, null));
        assertField("maxParticipants", () -> admin.updateSettings(ADMIN, new SettingsChange(null, null, null, null, null, null, -1, null, null)));
        assertField("lobbyTimeoutMinutes", () -> admin.updateSettings(ADMIN, new SettingsChange(null, null, null, 1441, null, null, null, null, null)));
        assertField("admissionMode", () -> admin.updateSettings(ADMIN, new SettingsChange(null, null, null, null, null, null, null, null, "lobby")));

        assertEquals(1, admin.listMeetings().size(), "no meeting was created by the refused requests");
        assertEquals(MeetingPolicy.DEFAULT, store.findMeetingByConferenceId(id).orElseThrow().policy());
        assertEquals(TenantSettings.DEFAULTS, store.tenantSettings());
    }

    @Test
    void updatingAMeetingChangesOnlyWhatIsGivenAndIsAudited() {
        enable(AMOS, "Amos", null);
        String id = admin.getUser(AMOS).conferenceIds().get(0);
        Actor amos = new Actor(AMOS, ActorRole.USER, "198.51.100.7");

        MeetingView updated = control.update(amos, id, new MeetingSettingsChange(false, null, 5, 3, null, "organizer"));

        assertFalse(updated.requirePinToStart());
        assertFalse(updated.endOnOrganizerLeave());
        assertEquals(5, updated.lobbyTimeoutMinutes());
        assertEquals(3, updated.maxParticipants());
        assertTrue(updated.entryExitTones());
        assertEquals("organizer", updated.admissionMode());
        assertEquals(updated, admin.getMeeting(id));
        MeetingRecord record = store.findMeetingByConferenceId(id).orElseThrow();
        assertFalse(record.requirePinToStart());
        assertEquals(new MeetingPolicy(false, 5, 3, true, MeetingPolicy.AdmissionMode.ORGANIZER), record.policy());
        AuditEntry entry = admin.audit(1).get(0);
        assertEquals("meeting.update", entry.action());
        assertEquals(id, entry.target());
        assertEquals(AMOS, entry.actor());
        assertEquals("USER", entry.actorRole());
        assertEquals("requirePinToStart true → false; lobbyTimeoutMinutes 60 → 5; maxParticipants 0 → 3;"
                + " admissionMode automatic → organizer", entry.detail());

        MeetingView again = control.update(ADMIN, id, new MeetingSettingsChange(null, true, null, null, false, null));
        assertTrue(again.endOnOrganizerLeave());
        assertFalse(again.entryExitTones());
        assertEquals(3, again.maxParticipants(), "kept");
        assertEquals("admin", admin.audit(1).get(0).actor());

        long audited = admin.audit(100).size();
        assertEquals(again, control.update(ADMIN, id, new MeetingSettingsChange(null, null, null, null, null, null)));
        assertEquals(audited, admin.audit(100).size(), "an empty change changes and audits nothing");
    }

    @Test
    void onlyAnAdminOrTheOrganizerMayChangeOrControlAMeeting() {
        enable(AMOS, "Amos", null);
        enable("other@contoso.com", "Other", null);
        String amosMeeting = admin.getUser(AMOS).conferenceIds().get(0);
        Actor amos = new Actor(AMOS, ActorRole.USER, "198.51.100.7");
        Actor other = new Actor("other@contoso.com", ActorRole.USER, "198.51.100.8");

        assertEquals(amosMeeting, control.show(ADMIN, amosMeeting).meeting().conferenceId());
        assertEquals(amosMeeting, control.show(amos, amosMeeting).meeting().conferenceId());
        assertEquals(amosMeeting, control.show(new Actor(" Amos.Marble@Contoso.com ", ActorRole.USER, null), amosMeeting)
                .meeting().conferenceId());
        assertKind(AdminException.Kind.FORBIDDEN, () -> control.show(other, amosMeeting));
        assertKind(AdminException.Kind.NOT_FOUND, () -> control.show(ADMIN, "9999999"));
        assertField("conferenceId", () -> control.show(ADMIN, "12ab"));
        assertField("conferenceId", () -> control.show(amos, "12ab"));

        assertKind(AdminException.Kind.FORBIDDEN,
                () -> control.update(other, amosMeeting, new MeetingSettingsChange(false, null, null, null, null, null)));
        assertKind(AdminException.Kind.NOT_FOUND,
                () -> control.update(ADMIN, "9999999", new MeetingSettingsChange(false, null, null, null, null, null)));
        assertKind(AdminException.Kind.FORBIDDEN, () -> admin.createMeeting(other, AMOS, new MeetingSettings(null, null, null, 5, null, null)));
        assertTrue(admin.getMeeting(amosMeeting).requirePinToStart(), "the refused update changed nothing");
        assertEquals(List.of("meeting.create.denied", "meeting.update.denied", "meeting.show.denied", "user.enable", "user.enable"),
                admin.audit(100).stream().map(AuditEntry::action).toList());
    }

    @Test
    void aUserAskingAboutAnUnknownMeetingIsRefusedExactlyAsForSomeoneElses() {
        enable(AMOS, "Amos", null);
        enable("other@contoso.com", "Other", null);
        String amosMeeting = admin.getUser(AMOS).conferenceIds().get(0);
        Actor other = new Actor("other@contoso.com", ActorRole.USER, "198.51.100.8");
        List<BiConsumer<Actor, String>> actions = List.of(
                control::show,
                control::start,
                control::admit,
                (actor, id) -> control.update(actor, id, new MeetingSettingsChange(false, null, null, null, null, null)),
                control::end);

        for (BiConsumer<Actor, String> action : actions) {
            AdminException theirs = assertThrows(AdminException.class, () -> action.accept(other, amosMeeting));
            AuditEntry theirsAudit = admin.audit(1).get(0);
            AdminException unknown = assertThrows(AdminException.class, () -> action.accept(other, "9999999"));
            AuditEntry unknownAudit = admin.audit(1).get(0);

            assertEquals(AdminException.Kind.FORBIDDEN, theirs.kind());
            assertEquals(theirs.kind(), unknown.kind());
            assertEquals(theirs.getMessage(), unknown.getMessage());
            assertEquals(theirs.field(), unknown.field());
            assertTrue(theirsAudit.action().endsWith(".denied"), theirsAudit.toString());
            assertEquals(theirsAudit.action(), unknownAudit.action());
            assertEquals(theirsAudit.actor(), unknownAudit.actor());
            assertEquals(theirsAudit.detail(), unknownAudit.detail());
            assertEquals(amosMeeting, theirsAudit.target());
            assertEquals("9999999", unknownAudit.target());

            assertKind(AdminException.Kind.NOT_FOUND, () -> action.accept(ADMIN, "9999999"));
        }
        assertTrue(admin.getMeeting(amosMeeting).requirePinToStart(), "nothing was changed");
        assertEquals("idle", admin.getMeeting(amosMeeting).state(), "nothing was started");
    }

    @Test
    void theOrganizerEndsTheirOwnMeeting() {
        enable(AMOS, "Amos", null);
        String amosMeeting = admin.getUser(AMOS).conferenceIds().get(0);
        Actor amos = new Actor(AMOS, ActorRole.USER, "198.51.100.7");

        MeetingView ended = control.end(amos, amosMeeting);

        assertEquals(amosMeeting, ended.conferenceId());
        AuditEntry entry = admin.audit(1).get(0);
        assertEquals("meeting.end", entry.action());
        assertEquals(AMOS, entry.actor());
        assertEquals("USER", entry.actorRole());
        assertEquals("was not live", entry.detail());
    }

    @Test
    void aLobbyTimeoutAboveWhatTheNodeAllowsIsRefusedNamingTheMaximum() {
        administration(BridgeConfig.SipConfig.DEFAULT_REALM, 30 * 60_000 + 59_999);
        enable(AMOS, "Amos", null);
        String id = admin.getUser(AMOS).conferenceIds().get(0);

        AdminException meeting = assertThrows(AdminException.class,
                () -> control.update(ADMIN, id, new MeetingSettingsChange(null, null, 31, null, null, null)));
        assertEquals("lobbyTimeoutMinutes", meeting.field());
        assertTrue(meeting.getMessage().contains("1–30"), meeting.getMessage());
        assertField("lobbyTimeoutMinutes", () -> admin.createMeeting(ADMIN, AMOS, new MeetingSettings(null, null, 31, null, null, null)));
        assertField("lobbyTimeoutMinutes", () -> admin.updateSettings(ADMIN, change(null, null, null, 31, null)));
        assertEquals(30, control.update(ADMIN, id, new MeetingSettingsChange(null, null, 30, null, null, null)).lobbyTimeoutMinutes());
        assertEquals(30, admin.updateSettings(ADMIN, change(null, null, null, 30, null)).lobbyTimeoutMinutes());

        administration(BridgeConfig.SipConfig.DEFAULT_REALM, 59_999);
        AdminException none = assertThrows(AdminException.class, () -> admin.updateSettings(ADMIN, change(null, null, null, 1, null)));
        assertEquals("lobbyTimeoutMinutes", none.field());
        assertTrue(none.getMessage().contains("59999 ms"), none.getMessage());
    }

    // ---- SIP credentials --------------------------------------------------------------------------

    @Test
    void sipCredentialsAreStoredAsHa1ThatAnswersTheRfc7616Examples() {
        // RFC 7616 §3.9.1: user Mufasa, password "Circle of Life", realm http-auth@example.org.
        administration("http-auth@example.org", NODE_LOBBY_TIMEOUT_MS);
        enable(AMOS, "Amos", null);
        assertFalse(admin.getUser(AMOS).sipCredentialsSet());
        assertNull(admin.getUser(AMOS).sipUsername());

        UserView user = admin.setSipCredentials(ADMIN, AMOS, " Mufasa ", "Circle of Life");

        assertTrue(user.sipCredentialsSet());
        assertEquals("Mufasa", user.sipUsername());
        assertEquals(user, admin.getUser(AMOS));
        SipAccountRecord account = store.findSipAccount("Mufasa").orElseThrow();
        assertEquals(store.findOrganizerByEmail(AMOS).orElseThrow().id(), account.organizerId());
        assertEquals("http-auth@example.org", account.realm());
        assertEquals("8ca523f5e9506fed4657c9700eebdbec", rfc7616Response("MD5", account.ha1Md5()));
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
                rfc7616Response("SHA-256", account.ha1Sha256()));
        AuditEntry entry = admin.audit(1).get(0);
        assertEquals("user.sip-credentials", entry.action());
        assertEquals(AMOS, entry.target());
        assertEquals("SIP username Mufasa set for realm http-auth@example.org", entry.detail());
        for (AuditEntry e : admin.audit(100)) {
            assertFalse(e.toString().contains("Circle"), "no password in the audit log: " + e);
            assertFalse(e.toString().contains(account.ha1Md5()), "no HA1 in the audit log: " + e);
        }
        assertFalse(user.toString().contains("Circle"));
    }

    @Test
    void sipCredentialsAreForAdminsWithAUniqueUsernameAndAPasswordOfSomeLength() {
        enable(AMOS, "Amos", null);
        enable("other@contoso.com", "Other", null);
        admin.setSipCredentials(ADMIN, AMOS, "amos", "correct horse");

        assertKind(AdminException.Kind.FORBIDDEN,
                () -> admin.setSipCredentials(new Actor(AMOS, ActorRole.USER, null), AMOS, "amos2", "correct horse"));
        assertKind(AdminException.Kind.CONFLICT, () -> admin.setSipCredentials(ADMIN, "other@contoso.com", "amos", "battery staple"));
        assertKind(AdminException.Kind.NOT_FOUND, () -> admin.setSipCredentials(ADMIN, "nobody@contoso.com", "nobody", "battery staple"));
        assertField("username", () -> admin.setSipCredentials(ADMIN, AMOS, "", "battery staple"));
        assertField("username", () -> admin.setSipCredentials(ADMIN, AMOS, "amos:1", "battery staple"));
        assertField("username", () -> admin.setSipCredentials(ADMIN, AMOS, "a\"b", "battery staple"));
        assertField("password", () -> admin.setSipCredentials(ADMIN, AMOS, "amos", "short"));
        assertField("password", () -> admin.setSipCredentials(ADMIN, AMOS, "amos", null));
        assertField("password", () -> admin.setSipCredentials(ADMIN, AMOS, "amos", "line\nbreak!"));
        AdminException shortOne = assertThrows(AdminException.class, () -> admin.setSipCredentials(ADMIN, AMOS, "amos", "s3cr3t!"));
        assertFalse(shortOne.getMessage().contains("s3cr3t!"), "the password is never echoed");

        String before = store.findSipAccount("amos").orElseThrow().ha1Sha256();
        admin.setSipCredentials(ADMIN, AMOS, "amos", "another password");
        assertNotEquals(before, store.findSipAccount("amos").orElseThrow().ha1Sha256(), "a new password replaces the old");
        assertFalse(admin.getUser("other@contoso.com").sipCredentialsSet());

        admin.disableUser(ADMIN, AMOS);
        assertKind(AdminException.Kind.CONFLICT, () -> admin.setSipCredentials(ADMIN, AMOS, "amos", "third password"));
        assertTrue(store.findSipAccount("amos").isEmpty(), "a disabled user's softphone proves nothing");
    }

    @Test
    void credentialsSetUnderAnotherRealmDoNotCountAsSet() {
        enable(AMOS, "Amos", null);
        admin.setSipCredentials(ADMIN, AMOS, "amos", "correct horse");
        assertTrue(admin.getUser(AMOS).sipCredentialsSet());

        administration("bridge.contoso.com", NODE_LOBBY_TIMEOUT_MS);

        UserView user = admin.getUser(AMOS);
        assertFalse(user.sipCredentialsSet(), "HA1 of the old realm cannot verify anything in the new one");
        assertEquals("amos", user.sipUsername());
    }

    /** The RFC 7616 §3.9.1 response (qop=auth, GET /dir/index.html) computed from a stored HA1. */
    static String rfc7616Response(String algorithm, String ha1) {
        DigestAlgorithm digest = DigestAlgorithm.forToken(algorithm).orElseThrow();
        String ha2 = digest.hash("GET:/dir/index.html");
        return digest.hash(ha1 + ":7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v:00000001:"
                + "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ:auth:" + ha2);
    }

    // ---- lockout ----------------------------------------------------------------------------------

    @Test
    void tenWrongPinsLockTheOrganizerAndEvenTheRightPinIsRefused() throws Exception {
        PinIssued issued = enable(AMOS, "Amos", null);
        String wrong = wrongPin(issued.pin());

        for (int i = 0; i < 9; i++) {
            assertFalse(verify(AMOS, wrong, new PinAttemptSource("+1425555" + (1000 + i), null)));
        }
        assertFalse(admin.getUser(AMOS).locked());
        assertEquals(9, admin.getUser(AMOS).recentPinFailures());
        assertFalse(verify(AMOS, wrong, new PinAttemptSource("+14255552000", "203.0.113.9")));

        UserView locked = admin.getUser(AMOS);
        assertTrue(locked.locked());
        assertEquals(clock.instant().plus(Duration.ofMinutes(15)), locked.lockedUntil());
        assertEquals(10, locked.recentPinFailures());
        assertFalse(verify(AMOS, issued.pin()), "the right PIN is refused while locked");
        // Issue 9 §3 changed this (it was 11): an attempt refused by the lock counts against its source only.
        assertEquals(10, admin.getUser(AMOS).recentPinFailures(), "a refused attempt does not renew the organizer's lock");
        AuditEntry lockout = admin.audit(10).stream().filter(e -> e.action().equals("pin.lockout")).findFirst().orElseThrow();
        assertEquals("system", lockout.actor());
        assertEquals("SYSTEM", lockout.actorRole());
        assertEquals(AMOS, lockout.target());
        assertEquals("203.0.113.9", lockout.clientAddress());

        clock.advance(Duration.ofMinutes(15));
        assertTrue(verify(AMOS, issued.pin()), "the lock runs out");
    }

    @Test
    void failedSipDigestResponsesLockTheUsernameVisiblyUntilClearedAndRefusalsDoNotRenewIt() {
        enable(AMOS, "Amos", null);
        admin.setSipCredentials(ADMIN, AMOS, "amos", "correct horse");
        PinLockout lockout = vault.lockout();
        DigestLockout guard = new DigestLockout(lockout, Runnable::run);
        for (int i = 0; i < LOCKOUT.digestMaxFailures() - 1; i++) {
            guard.failed("amos", "198.51.100." + i, false);
        }
        assertFalse(admin.getUser(AMOS).sipLocked());
        assertEquals(9, admin.getUser(AMOS).recentSipFailures());
        assertFalse(guard.refuses("amos", "192.0.2.200"));

        guard.failed("amos", "203.0.113.9", false);

        UserView locked = admin.getUser(AMOS);
        assertTrue(locked.sipLocked());
        assertEquals(clock.instant().plus(Duration.ofMinutes(15)), locked.sipLockedUntil());
        assertEquals(10, locked.recentSipFailures());
        assertFalse(locked.locked(), "the PIN is not locked by digest failures");
        assertTrue(guard.refuses("amos", "192.0.2.200"), "locked from any source");
        assertFalse(guard.refuses("bob", "192.0.2.200"));
        AuditEntry audited = admin.audit(10).stream().filter(e -> e.action().equals("sip.lockout")).findFirst().orElseThrow();
        assertEquals("amos", audited.target());
        assertEquals("203.0.113.9", audited.clientAddress());

        for (int i = 0; i < 4; i++) {
            guard.failed("amos", "192.0.2." + i, true);
        }
        assertEquals(10, admin.getUser(AMOS).recentSipFailures(), "refused responses count against the sources only");

        UserView cleared = admin.clearLockout(ADMIN, AMOS);

        assertFalse(cleared.sipLocked());
        assertEquals(0, cleared.recentSipFailures());
        assertFalse(guard.refuses("amos", "192.0.2.200"), "cleared in memory too");
        assertTrue(admin.audit(1).get(0).action().equals("sip.lockout-clear"));
    }

    @Test
    void aSourceSendingFailedDigestResponsesBacksOffFromMemory() {
        DigestLockout guard = new DigestLockout(vault.lockout(), Runnable::run);
        for (int i = 0; i < LOCKOUT.sourceFreeFailures(); i++) {
            assertFalse(guard.refuses("user" + i, "203.0.113.66"));
            guard.failed("user" + i, "203.0.113.66", false);
        }

        assertTrue(guard.refuses("someone", "203.0.113.66"), "5 failures: 1 s of back-off");
        assertFalse(guard.refuses("someone", "203.0.113.67"));
        assertTrue(admin.audit(5).stream().anyMatch(e -> e.action().equals("sip.backoff")));
        clock.advance(Duration.ofMillis(1001));
        assertFalse(guard.refuses("someone", "203.0.113.66"), "the back-off ran out");
    }

    @Test
    void attemptsRefusedWhileLockedDoNotKeepTheOrganizerLockedOut() throws Exception {
        PinIssued issued = enable(AMOS, "Amos", null);
        String wrong = wrongPin(issued.pin());
        for (int i = 0; i < 10; i++) {
            assertFalse(verify(AMOS, wrong, new PinAttemptSource("+1425555" + (1000 + i), "203.0.113." + i)));
        }
        assertTrue(admin.getUser(AMOS).locked());

        // Four calls an hour with wrong PINs, each refused by the lock, from fresh sources.
        for (int i = 0; i < 4; i++) {
            clock.advance(Duration.ofMinutes(3));
            assertFalse(verify(AMOS, wrong, new PinAttemptSource("+1425556" + (1000 + i), "198.51.100." + i)));
        }
        assertEquals(10, admin.getUser(AMOS).recentPinFailures(), "refused attempts counted against the sources only");

        clock.advance(Duration.ofMinutes(61));
        assertFalse(admin.getUser(AMOS).locked());
        assertTrue(verify(AMOS, issued.pin(), new PinAttemptSource("+14255570000", "192.0.2.77")),
                "the lock ran out and the failures aged out, whatever was tried meanwhile");
    }

    @Test
    void clearingOrResettingLiftsALockout() throws Exception {
        PinIssued issued = enable(AMOS, "Amos", null);
        lockOut(AMOS, wrongPin(issued.pin()));
        assertFalse(verify(AMOS, issued.pin()));

        UserView cleared = admin.clearLockout(ADMIN, AMOS);

        assertFalse(cleared.locked());
        assertEquals(0, cleared.recentPinFailures());
        assertTrue(verify(AMOS, issued.pin()));
        AuditEntry clear = admin.audit(1).get(0);
        assertEquals("pin.lockout-clear", clear.action());
        assertEquals("admin", clear.actor());
        assertEquals("192.0.2.10", clear.clientAddress());
        assertTrue(clear.detail().startsWith("was locked until "), clear.detail());

        lockOut(AMOS, wrongPin(issued.pin()));
        PinIssued reset = admin.resetPin(ADMIN, AMOS, false, null);
        issuedPins.add(reset.pin());
        assertFalse(reset.user().locked());
        assertTrue(verify(AMOS, reset.pin()));
    }

    @Test
    void lockoutAndCountersSurviveReopeningTheStore() throws Exception {
        PinIssued issued = enable(AMOS, "Amos", null);
        lockOut(AMOS, wrongPin(issued.pin()));
        store.close();

        store = JdbcDirectoryStore.open(config);
        wire(LOCKOUT);

        assertTrue(admin.getUser(AMOS).locked());
        assertEquals(10, admin.getUser(AMOS).recentPinFailures());
        assertFalse(verify(AMOS, issued.pin()));
    }

    @Test
    void failuresOutsideTheWindowDoNotCount() throws Exception {
        PinIssued issued = enable(AMOS, "Amos", null);
        String wrong = wrongPin(issued.pin());
        for (int i = 0; i < 9; i++) {
            assertFalse(verify(AMOS, wrong));
        }
        clock.advance(Duration.ofMinutes(61));

        assertFalse(verify(AMOS, wrong));

        assertFalse(admin.getUser(AMOS).locked());
        assertEquals(1, admin.getUser(AMOS).recentPinFailures());
        assertTrue(verify(AMOS, issued.pin()), "a right PIN does not reset the counter but is accepted");
        assertEquals(1, admin.getUser(AMOS).recentPinFailures());
    }

    @Test
    void aSourceThatKeepsFailingMeetsAGrowingBackOffAcrossOrganizers() throws Exception {
        List<PinIssued> organizers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            organizers.add(enable("o" + i + "@contoso.com", "O" + i, null));
        }
        PinAttemptSource attacker = new PinAttemptSource("+15550001", "203.0.113.66");
        PinIssued target = organizers.get(3);
        for (int i = 0; i < 5; i++) { // the free failures, spread so no organizer is locked
            PinIssued o = organizers.get(i % 3);
            assertFalse(verify(o.user().email(), wrongPin(o.pin()), attacker));
        }
        assertTrue(admin.audit(5).stream().anyMatch(e -> e.action().equals("pin.backoff")
                && e.target().equals("caller:+15550001")));

        // 5 failures: 1 s of back-off. Within it even the right PIN is refused, and that refusal counts.
        assertFalse(verify(target.user().email(), target.pin(), attacker));
        // 6 failures, the last one now: 2 s.
        clock.advance(Duration.ofMillis(1999));
        assertFalse(verify(target.user().email(), target.pin(), attacker));
        // 7 failures: 4 s.
        clock.advance(Duration.ofMillis(3999));
        assertFalse(verify(target.user().email(), target.pin(), attacker));
        // 8 failures. The caller ID and the address are separate keys: either one alone is held back.
        assertFalse(verify(target.user().email(), target.pin(), new PinAttemptSource("+15559999", "203.0.113.66")));
        assertFalse(verify(target.user().email(), target.pin(), new PinAttemptSource("+15550001", "198.51.100.1")));
        // 9 failures of each: 16 s.
        clock.advance(Duration.ofMillis(15_999));
        assertFalse(verify(target.user().email(), target.pin(), attacker));
        // 10 failures: 32 s, then the right PIN goes through again.
        clock.advance(Duration.ofSeconds(32));
        assertTrue(verify(target.user().email(), target.pin(), attacker));
        assertTrue(verify(target.user().email(), target.pin(), new PinAttemptSource("anonymous", "198.51.100.2")),
                "an anonymous caller ID is not one shared source");
        assertFalse(admin.getUser(target.user().email()).locked(), "the organizer was not locked by the refusals");
    }

    @Test
    void backOffDoublesUpToTheCap() {
        PinLockout lockout = new PinLockout(store, LOCKOUT, clock);
        assertEquals(1_000, lockout.backoffMs(5));
        assertEquals(2_000, lockout.backoffMs(6));
        assertEquals(512_000, lockout.backoffMs(14));
        assertEquals(900_000, lockout.backoffMs(15));
        assertEquals(900_000, lockout.backoffMs(1_000));
    }

    // ---- audit and tokens -------------------------------------------------------------------------

    @Test
    void auditRecordsEveryChangeNewestFirstAndNeverAPin() throws Exception {
        enable(AMOS, "Amos", "+1 425 555 0100");
        issuedPins.add(admin.resetPin(new Actor("helpdesk", ActorRole.ADMIN, "192.0.2.11"), AMOS, true, "amos@hotmail.com").pin());
        String current = admin.resetPin(ADMIN, AMOS, false, null).pin();
        issuedPins.add(current);
        admin.updateSettings(ADMIN, change(6, false, null, null, null));
        MeetingView meeting = createMeeting(ADMIN, AMOS, false);
        control.end(ADMIN, meeting.conferenceId());
        lockOut(AMOS, wrongPin(current));
        admin.clearLockout(ADMIN, AMOS);
        admin.issueUserToken(ADMIN, AMOS);
        admin.disableUser(ADMIN, AMOS);

        List<AuditEntry> log = admin.audit(100);

        assertEquals(List.of("user.disable", "token.issue", "pin.lockout-clear", "pin.lockout", "meeting.end",
                "meeting.create", "settings.update", "pin.reset", "pin.reset", "user.enable"),
                log.stream().map(AuditEntry::action).toList());
        AuditEntry helpdesk = log.get(8);
        assertEquals("helpdesk", helpdesk.actor());
        assertEquals("ADMIN", helpdesk.actorRole());
        assertEquals("192.0.2.11", helpdesk.clientAddress());
        assertEquals(AMOS, helpdesk.target());
        assertTrue(helpdesk.detail().contains("e-mailed to amos@hotmail.com"), helpdesk.detail());
        assertEquals(clock.instant(), log.get(0).at());
        for (int i = 1; i < log.size(); i++) {
            assertTrue(log.get(i - 1).id() > log.get(i).id(), "newest first");
        }
        assertEquals(2, admin.audit(2).size());
        assertNoPinIn(log);
    }

    @Test
    void userTokensExpireAfterTheConfiguredDays() {
        enable(AMOS, "Amos", null);
        String token = admin.issueUserToken(ADMIN, AMOS);

        clock.advance(Duration.ofDays(DialInAdministration.DEFAULT_USER_TOKEN_DAYS).minusMinutes(1));
        assertEquals(AMOS, admin.userForToken(token).orElseThrow(), "valid until its last minute");
        clock.advance(Duration.ofMinutes(2));
        assertTrue(admin.userForToken(token).isEmpty(), "refused after admin.userTokenDays");

        admin = new DialInAdministration(store, vault, meetings, mailer, clock, new SecureRandom(),
                BridgeConfig.SipConfig.DEFAULT_REALM, NODE_LOBBY_TIMEOUT_MS, 9, 1);
        assertTrue(admin.getMeeting(admin.createMeeting(ADMIN, AMOS, null).conferenceId()).conferenceId().matches("[1-9][0-9]{8}"),
                "ids.conferenceIdLength 9 for new meetings");
        String daily = admin.issueUserToken(ADMIN, AMOS);
        clock.advance(Duration.ofHours(23));
        assertTrue(admin.userForToken(daily).isPresent());
        clock.advance(Duration.ofHours(2));
        assertTrue(admin.userForToken(daily).isEmpty(), "a 1-day token is refused after a day");
    }

    @Test
    void revokingAUsersTokensStopsThemAtOnceAndIsAudited() {
        enable(AMOS, "Amos", null);
        enable("berta@contoso.com", "Berta", null);
        String first = admin.issueUserToken(ADMIN, AMOS);
        String second = admin.issueUserToken(ADMIN, AMOS);
        String bertas = admin.issueUserToken(ADMIN, "berta@contoso.com");

        assertEquals(2, admin.revokeUserTokens(ADMIN, AMOS));

        assertTrue(admin.userForToken(first).isEmpty());
        assertTrue(admin.userForToken(second).isEmpty());
        assertEquals("berta@contoso.com", admin.userForToken(bertas).orElseThrow(), "another user's token is untouched");
        AuditEntry revoke = admin.audit(1).get(0);
        assertEquals("token.revoke", revoke.action());
        assertEquals(AMOS, revoke.target());
        assertEquals(0, admin.revokeUserTokens(ADMIN, AMOS));
        assertKind(AdminException.Kind.NOT_FOUND, () -> admin.revokeUserTokens(ADMIN, "nobody@contoso.com"));
    }

    @Test
    void staleFailureRowsArePurgedButCurrentOnesStay() throws Exception {
        PinIssued issued = enable(AMOS, "Amos", null);
        lockOut(AMOS, wrongPin(issued.pin()));
        long organizerId = store.findOrganizerByEmail(AMOS).orElseThrow().id();
        PinLockout lockout = vault.lockout();

        assertEquals(0, lockout.purgeStale(), "nothing is stale yet");
        assertEquals(10, admin.getUser(AMOS).recentPinFailures());

        clock.advance(Duration.ofMinutes(61));
        assertEquals(11, lockout.purgeStale(), "the 10 failures and the lock that ran out");
        assertEquals(PinFailures.NONE, store.pinFailures("organizer:" + organizerId, 0));
        assertEquals(0, store.pinLockedUntil("organizer:" + organizerId));
    }

    @Test
    void userTokensAreRandomStoredHashedAndMapToTheirUser() {
        enable(AMOS, "Amos", null);

        String token = admin.issueUserToken(ADMIN, AMOS);
        String another = admin.issueUserToken(ADMIN, AMOS);

        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), "32 bytes, base64url without padding: " + token.length());
        assertNotEquals(token, another);
        assertEquals(AMOS, admin.userForToken(token).orElseThrow());
        assertEquals(AMOS, admin.userForToken(another).orElseThrow());
        assertTrue(admin.userForToken(token + "x").isEmpty());
        assertTrue(admin.userForToken("").isEmpty());
        assertTrue(admin.userForToken(null).isEmpty());
        assertTrue(store.findOrganizerByTokenHash(token).isEmpty(), "the token itself is not what is stored");
        assertFalse(admin.audit(1).get(0).toString().contains(token));
        admin.disableUser(ADMIN, AMOS);
        assertTrue(admin.userForToken(token).isEmpty(), "a disabled user's token no longer works");
    }

    // ---- concurrency ------------------------------------------------------------------------------

    @Test
    void aConcurrentResetAndVerifyNeverSeeAHalfWrittenPin() throws Exception {
        // Wrong answers are expected here (the PIN changes under the verifier): no lockout may interfere.
        wire(new BridgeConfig.LockoutConfig(1000, 1, 1, 1000, 1, 1));
        PinIssued first = enable(AMOS, "Amos", null);
        long id = store.findOrganizerByEmail(AMOS).orElseThrow().id();
        record Issued(int generation, String pin) {
        }
        AtomicReference<Issued> current = new AtomicReference<>(new Issued(0, first.pin()));
        AtomicInteger resetsStarted = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread resetter = new Thread(() -> {
            try {
                for (int g = 1; g <= 15 && !stop.get(); g++) {
                    resetsStarted.set(g);
                    String pin = vault.issuePin(id, 5, List.of());
                    current.set(new Issued(g, pin));
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                stop.set(true);
            }
        }, "resetter");
        resetter.start();
        int verified = 0;
        int accepted = 0;
        while (!stop.get() || verified == 0) {
            Issued seen = current.get();
            boolean result = vault.verify(id, seen.pin()).get(10, TimeUnit.SECONDS); // an exception fails the test
            if (result) {
                accepted++;
            } else {
                assertTrue(resetsStarted.get() > seen.generation(),
                        "a PIN was refused although no reset began after it was issued");
            }
            verified++;
        }
        resetter.join(TimeUnit.SECONDS.toMillis(30));
        assertNull(failure.get(), () -> "reset failed: " + failure.get());
        Issued last = current.get();
        assertTrue(vault.verify(id, last.pin()).get(10, TimeUnit.SECONDS), "the last PIN issued is the one stored");
        assertTrue(accepted > 0, "some verifications ran between resets");
        String hash = store.findOrganizer(id).orElseThrow().pinHash();
        assertFalse(hasher.needsRehash(hash), "the stored hash is whole and current");
    }

    // ---- helpers ----------------------------------------------------------------------------------

    PinIssued enable(String email, String name, String phone) {
        PinIssued issued = admin.enableUser(ADMIN, email, name, phone, false, null);
        issuedPins.add(issued.pin());
        return issued;
    }

    boolean verify(String email, String pin) throws Exception {
        return verify(email, pin, PinAttemptSource.UNKNOWN);
    }

    boolean verify(String email, String pin, PinAttemptSource source) throws Exception {
        long id = store.findOrganizerByEmail(email).orElseThrow().id();
        return vault.verify(id, pin, source).get(10, TimeUnit.SECONDS);
    }

    void lockOut(String email, String wrong) throws Exception {
        for (int i = 0; i < LOCKOUT.organizerMaxFailures(); i++) {
            assertFalse(verify(email, wrong));
        }
        assertTrue(admin.getUser(email).locked());
    }

    /** The same length, one digit changed: wrong for sure. */
    static String wrongPin(String pin) {
        char last = pin.charAt(pin.length() - 1);
        return pin.substring(0, pin.length() - 1) + (char) ('0' + (last - '0' + 1) % 10);
    }

    AuditEntry auditAfter(Runnable action) {
        action.run();
        return admin.audit(1).get(0);
    }

    void assertNoPinIn(List<AuditEntry> log) {
        for (String pin : issuedPins) {
            // As a number of its own: a 5-digit PIN inside a 7-digit conference ID or a timestamp is not a PIN.
            Pattern standalone = Pattern.compile("(?<![0-9])" + pin + "(?![0-9])");
            for (AuditEntry e : log) {
                for (String field : Arrays.asList(e.actor(), e.actorRole(), e.clientAddress(), e.action(), e.target(), e.detail())) {
                    assertFalse(field != null && standalone.matcher(field).find(), "a PIN in the audit log: " + e);
                }
            }
        }
    }

    static SettingsChange change(Integer pinLength, Boolean autoEmail, Boolean anonymousCanStart,
                                 Integer lobbyTimeoutMinutes, String language) {
        return new SettingsChange(pinLength, autoEmail, anonymousCanStart, lobbyTimeoutMinutes, language,
                null, null, null, null);
    }

    /** A meeting with {@code requirePinToStart} as given (null: the tenant's) and the tenant's policy. */
    MeetingView createMeeting(Actor actor, String organizerEmail, Boolean requirePinToStart) {
        return admin.createMeeting(actor, organizerEmail, new MeetingSettings(requirePinToStart, null, null, null, null, null));
    }

    static void assertField(String field, Runnable request) {
        AdminException e = assertThrows(AdminException.class, request::run);
        assertEquals(AdminException.Kind.BAD_INPUT, e.kind(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
    }

    static void assertKind(AdminException.Kind kind, Runnable request) {
        AdminException e = assertThrows(AdminException.class, request::run);
        assertEquals(kind, e.kind(), e.getMessage());
    }

    static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
