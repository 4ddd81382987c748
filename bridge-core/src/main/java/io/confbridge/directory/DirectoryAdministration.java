package io.confbridge.directory;

import io.confbridge.config.BridgeConfig;
import io.confbridge.mail.MailResult;
import io.confbridge.mail.PinMail;
import io.confbridge.mail.PinMailer;
import io.confbridge.meeting.Meeting;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.pin.PinLockout;
import io.confbridge.pin.PinVault;
import io.confbridge.store.AuditRecord;
import io.confbridge.store.DirectoryStore;
import io.confbridge.store.MeetingListing;
import io.confbridge.store.MeetingPolicy;
import io.confbridge.store.MeetingPolicy.AdmissionMode;
import io.confbridge.store.MeetingPolicyOverrides;
import io.confbridge.store.MeetingRecord;
import io.confbridge.store.OrganizerRecord;
import io.confbridge.store.SipAccountRecord;
import io.confbridge.store.StoreException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@link Administration} over the directory store, the PIN vault, the live meetings and the PIN mailer.
 *
 * <p>Decisions worth knowing:
 * <ul>
 *   <li>Enabling a user also creates their first meeting, so the PIN e-mail can tell them a conference ID.
 *       Enabling a disabled user enables them again with a new PIN (their meetings stay); enabling an
 *       enabled user is a conflict (use reset).</li>
 *   <li>Mail goes out when asked ({@code sendEmail}, or a {@code sendEmailToAddress}, which implies it) or
 *       when the tenant's auto e-mail is on; to the override address or else the user's e-mail. Without
 *       mail, or when mail fails, the response says to deliver the PIN by hand; the PIN is stored either way.</li>
 *   <li>A user's own token ({@link ActorRole#USER}) may only create, change, control and end their own
 *       meetings; everything else, a PIN reset above all, is for administrators (403).</li>
 *   <li>A meeting's policy values given at creation or by an update are the meeting's own; values never
 *       given follow the tenant defaults, also after those change. "Require PIN to start" is fixed at
 *       creation (from {@code anonymousCanStart} unless given).</li>
 *   <li>SIP credentials are stored as HA1 values for the configured realm only.</li>
 *   <li>The audit log gets every change with the actor; never a PIN, a PIN hash or a token.</li>
 * </ul>
 */
public final class DirectoryAdministration implements Administration {

    static final String MASKED_PIN = "*****";
    static final int MAX_AUDIT_LIMIT = 1000;
    static final int TOKEN_BYTES = 32;
    private static final int MAX_EMAIL = 254;
    private static final int MAX_NAME = 256;

    /** Deliberately plain: one @, no spaces, a dotted domain. The mail server is the final judge. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ().-]{2,31}");
    private static final Pattern CONFERENCE_ID = Pattern.compile("[0-9]{4,12}");
    /** Characters every softphone puts in a digest username and that need no quoting anywhere. */
    private static final Pattern SIP_USERNAME = Pattern.compile("[A-Za-z0-9._~+@-]{1,64}");
    static final int MIN_SIP_PASSWORD = 8;
    static final int MAX_SIP_PASSWORD = 128;

    private final DirectoryStore store;
    private final PinVault vault;
    private final MeetingRegistry meetings;
    private final PinMailer mailer;
    private final Clock clock;
    private final SecureRandom random;
    private final DirectoryProvisioning provisioning;
    private final String sipRealm;

    /** @param sipRealm {@code sip.realm}: the realm SIP credentials are hashed for */
    public DirectoryAdministration(DirectoryStore store, PinVault vault, MeetingRegistry meetings, PinMailer mailer,
                                   Clock clock, SecureRandom random, String sipRealm) {
        this.store = store;
        this.vault = vault;
        this.meetings = meetings;
        this.mailer = mailer;
        this.clock = clock;
        this.random = random;
        this.sipRealm = Objects.requireNonNull(sipRealm, "sipRealm");
        this.provisioning = new DirectoryProvisioning(store, vault, random);
    }

    /** With the default SIP realm ({@link BridgeConfig.SipConfig#DEFAULT_REALM}). */
    public DirectoryAdministration(DirectoryStore store, PinVault vault, MeetingRegistry meetings, PinMailer mailer,
                                   Clock clock, SecureRandom random) {
        this(store, vault, meetings, mailer, clock, random, BridgeConfig.SipConfig.DEFAULT_REALM);
    }

    public DirectoryAdministration(DirectoryStore store, PinVault vault, MeetingRegistry meetings, PinMailer mailer,
                                   Clock clock) {
        this(store, vault, meetings, mailer, clock, new SecureRandom(), BridgeConfig.SipConfig.DEFAULT_REALM);
    }

    // ---- users ------------------------------------------------------------------------------------

    @Override
    public PinIssued enableUser(Actor actor, String email, String displayName, String phone,
                                boolean sendEmail, String sendEmailToAddress) {
        requireAdmin(actor, "enable users");
        String address = requireEmail("email", email);
        String name = optionalName(displayName);
        String phoneNumber = optionalPhone(phone);
        String mailTo = optionalEmail("sendEmailToAddress", sendEmailToAddress);
        var tenant = store.tenantSettings();

        Optional<OrganizerRecord> existing = store.findOrganizerByEmail(address);
        OrganizerRecord organizer;
        String pin;
        String what;
        if (existing.isPresent()) {
            organizer = existing.get();
            if (organizer.enabled()) {
                throw AdminException.conflict(address + " is already enabled for audio conferencing; reset the PIN instead");
            }
            String newName = name != null ? name : organizer.displayName();
            String newPhone = phoneNumber != null ? phoneNumber : organizer.phone();
            store.updateOrganizerProfile(organizer.id(), newName, newPhone);
            // The new PIN first, then enable: the old PIN never works again, not even for a moment.
            pin = vault.issuePin(organizer.id(), tenant.pinLength(), forbidden(newPhone));
            store.setOrganizerEnabled(organizer.id(), true);
            if (store.findMeetingsByOrganizer(organizer.id()).isEmpty()) {
                provisioning.createMeeting(organizer.id(), !tenant.anonymousCanStart());
            }
            what = "enabled again";
        } else {
            String conferenceId = unusedConferenceId();
            List<String> avoid = new ArrayList<>(forbidden(phoneNumber));
            avoid.add(conferenceId);
            PinVault.NewPin newPin = vault.newPin(tenant.pinLength(), avoid);
            try {
                organizer = store.createOrganizer(address, name != null ? name : address, phoneNumber,
                        newPin.hash(), tenant.pinLength());
            } catch (StoreException e) {
                if (e.conflict()) {
                    throw AdminException.conflict(address + " is already enabled for audio conferencing");
                }
                throw e;
            }
            createFirstMeeting(organizer, conferenceId, !tenant.anonymousCanStart());
            pin = newPin.pin();
            what = "enabled";
        }
        organizer = reload(organizer.id());
        MailOutcome mail = deliver(organizer, pin, sendEmail, mailTo, tenant.autoEmail());
        audit(actor, "user.enable", address, what + "; new " + tenant.pinLength() + "-digit PIN; " + describe(mail));
        return new PinIssued(view(organizer), pin, mail);
    }

    @Override
    public UserView getUser(String email) {
        return view(organizer(email));
    }

    @Override
    public List<UserView> listUsers() {
        List<UserView> users = new ArrayList<>();
        for (OrganizerRecord organizer : store.listOrganizers()) {
            users.add(view(organizer));
        }
        return users;
    }

    @Override
    public PinIssued resetPin(Actor actor, String email, boolean sendEmail, String sendEmailToAddress) {
        requireAdmin(actor, "reset PINs (users cannot reset their own PIN)");
        OrganizerRecord organizer = organizer(email);
        String mailTo = optionalEmail("sendEmailToAddress", sendEmailToAddress);
        if (!organizer.enabled()) {
            throw AdminException.conflict(organizer.email() + " is disabled; enable the user to issue a new PIN");
        }
        var tenant = store.tenantSettings();
        // Stored (and the lockout cleared) before any mail is tried: a mail failure cannot lose the reset.
        String pin = vault.issuePin(organizer.id(), tenant.pinLength(), forbidden(organizer.phone()));
        organizer = reload(organizer.id());
        MailOutcome mail = deliver(organizer, pin, sendEmail, mailTo, tenant.autoEmail());
        audit(actor, "pin.reset", organizer.email(), "new " + tenant.pinLength() + "-digit PIN; " + describe(mail));
        return new PinIssued(view(organizer), pin, mail);
    }

    @Override
    public UserView disableUser(Actor actor, String email) {
        requireAdmin(actor, "disable users");
        OrganizerRecord organizer = organizer(email);
        if (organizer.enabled()) {
            store.setOrganizerEnabled(organizer.id(), false);
            audit(actor, "user.disable", organizer.email(), "disabled; their PIN no longer starts meetings");
        }
        return view(reload(organizer.id()));
    }

    @Override
    public UserView clearLockout(Actor actor, String email) {
        requireAdmin(actor, "clear PIN lockouts");
        OrganizerRecord organizer = organizer(email);
        PinLockout.Status before = vault.lockout().status(organizer.id());
        vault.lockout().clear(organizer.id());
        audit(actor, "pin.lockout-clear", organizer.email(), (before.locked() ? "was locked until " + before.lockedUntil()
                : "was not locked") + "; " + before.recentFailures() + " recent wrong PINs forgotten");
        return view(reload(organizer.id()));
    }

    // ---- tenant settings --------------------------------------------------------------------------

    @Override
    public TenantSettings settings() {
        return toView(store.tenantSettings());
    }

    @Override
    public TenantSettings updateSettings(Actor actor, SettingsChange change) {
        requireAdmin(actor, "change tenant settings");
        if (change == null) {
            throw AdminException.badInput("settings", "no settings given");
        }
        var old = store.tenantSettings();
        int pinLength = old.pinLength();
        if (change.pinLength() != null) {
            pinLength = change.pinLength();
            if (pinLength < io.confbridge.store.TenantSettings.MIN_PIN_LENGTH
                    || pinLength > io.confbridge.store.TenantSettings.MAX_PIN_LENGTH) {
                throw AdminException.badInput("pinLength", "pinLength must be 4–12, not " + pinLength);
            }
        }
        int lobbyTimeout = old.lobbyTimeoutMinutes();
        if (change.lobbyTimeoutMinutes() != null) {
            lobbyTimeout = change.lobbyTimeoutMinutes();
            if (lobbyTimeout < 1 || lobbyTimeout > 1440) {
                throw AdminException.badInput("lobbyTimeoutMinutes", "lobbyTimeoutMinutes must be 1–1440, not " + lobbyTimeout);
            }
        }
        String language = old.language();
        if (change.language() != null) {
            language = change.language().trim().toLowerCase(Locale.ROOT);
            if (!language.equals("en") && !language.equals("zh")) {
                throw AdminException.badInput("language", "language must be en or zh");
            }
        }
        Integer maxParticipants = optionalMaxParticipants(change.maxParticipants());
        AdmissionMode admission = optionalAdmissionMode(change.admissionMode());
        var updated = new io.confbridge.store.TenantSettings(pinLength,
                change.autoEmail() != null ? change.autoEmail() : old.autoEmail(),
                change.anonymousCanStart() != null ? change.anonymousCanStart() : old.anonymousCanStart(),
                lobbyTimeout, language,
                change.endOnOrganizerLeave() != null ? change.endOnOrganizerLeave() : old.endOnOrganizerLeave(),
                maxParticipants != null ? maxParticipants : old.maxParticipants(),
                change.entryExitTones() != null ? change.entryExitTones() : old.entryExitTones(),
                admission != null ? admission : old.admissionMode());
        if (!updated.equals(old)) {
            store.updateTenantSettings(updated);
            audit(actor, "settings.update", "tenant", settingsDiff(old, updated));
        }
        return toView(updated);
    }

    private static String settingsDiff(io.confbridge.store.TenantSettings a, io.confbridge.store.TenantSettings b) {
        List<String> changes = new ArrayList<>();
        diff(changes, "pinLength", a.pinLength(), b.pinLength());
        diff(changes, "autoEmail", a.autoEmail(), b.autoEmail());
        diff(changes, "anonymousCanStart", a.anonymousCanStart(), b.anonymousCanStart());
        diff(changes, "lobbyTimeoutMinutes", a.lobbyTimeoutMinutes(), b.lobbyTimeoutMinutes());
        diff(changes, "language", a.language(), b.language());
        diff(changes, "endOnOrganizerLeave", a.endOnOrganizerLeave(), b.endOnOrganizerLeave());
        diff(changes, "maxParticipants", a.maxParticipants(), b.maxParticipants());
        diff(changes, "entryExitTones", a.entryExitTones(), b.entryExitTones());
        diff(changes, "admissionMode", admissionModeName(a.admissionMode()), admissionModeName(b.admissionMode()));
        return String.join("; ", changes);
    }

    private static void diff(List<String> changes, String key, Object before, Object after) {
        if (!before.equals(after)) {
            changes.add(key + " " + before + " → " + after);
        }
    }

    private static TenantSettings toView(io.confbridge.store.TenantSettings s) {
        return new TenantSettings(s.pinLength(), s.autoEmail(), s.anonymousCanStart(), s.lobbyTimeoutMinutes(), s.language(),
                s.endOnOrganizerLeave(), s.maxParticipants(), s.entryExitTones(), admissionModeName(s.admissionMode()));
    }

    // ---- meetings ---------------------------------------------------------------------------------

    @Override
    public MeetingView createMeeting(Actor actor, String organizerEmail, MeetingSettings settings) {
        Objects.requireNonNull(actor, "actor");
        MeetingSettings given = settings != null ? settings : MeetingSettings.TENANT_DEFAULTS;
        OrganizerRecord organizer = organizer(organizerEmail);
        requireAdminOrSelf(actor, organizer.email(), "create meetings for others");
        MeetingPolicyOverrides policy = overrides(given.endOnOrganizerLeave(), given.lobbyTimeoutMinutes(),
                given.maxParticipants(), given.entryExitTones(), given.admissionMode());
        if (!organizer.enabled()) {
            throw AdminException.conflict(organizer.email() + " is disabled; enable the user first");
        }
        boolean requirePin = given.requirePinToStart() != null ? given.requirePinToStart()
                : !store.tenantSettings().anonymousCanStart();
        MeetingRecord meeting = provisioning.createMeeting(organizer.id(), requirePin, policy);
        audit(actor, "meeting.create", meeting.conferenceId(), "organizer " + organizer.email()
                + "; requirePinToStart " + requirePin + describeOwn(policy));
        return view(listing(meeting.conferenceId()));
    }

    @Override
    public MeetingView updateMeeting(Actor actor, String conferenceId, MeetingSettingsChange change) {
        Objects.requireNonNull(actor, "actor");
        MeetingListing before = listing(conferenceId);
        requireAdminOrSelf(actor, before.organizerEmail(), "change others' meetings");
        if (change == null) {
            throw AdminException.badInput("settings", "no settings given");
        }
        MeetingPolicyOverrides policy = overrides(change.endOnOrganizerLeave(), change.lobbyTimeoutMinutes(),
                change.maxParticipants(), change.entryExitTones(), change.admissionMode());
        if (change.requirePinToStart() == null && policy.isEmpty()) {
            return view(before);
        }
        String id = before.meeting().conferenceId();
        MeetingRecord after = store.updateMeeting(id, change.requirePinToStart(), policy)
                .orElseThrow(() -> AdminException.notFound("no meeting " + id));
        audit(actor, "meeting.update", id, meetingDiff(before.meeting(), after));
        return view(new MeetingListing(after, before.organizerEmail(), before.createdAt()));
    }

    @Override
    public void checkCanControlMeeting(Actor actor, String conferenceId) {
        Objects.requireNonNull(actor, "actor");
        MeetingListing listing = listing(conferenceId);
        requireAdminOrSelf(actor, listing.organizerEmail(), "control others' meetings");
    }

    /** Validates the policy fields of a request; the field names are those of the request records. */
    private static MeetingPolicyOverrides overrides(Boolean endOnOrganizerLeave, Integer lobbyTimeoutMinutes,
                                                    Integer maxParticipants, Boolean entryExitTones, String admissionMode) {
        return new MeetingPolicyOverrides(endOnOrganizerLeave, optionalLobbyTimeout(lobbyTimeoutMinutes),
                optionalMaxParticipants(maxParticipants), entryExitTones, optionalAdmissionMode(admissionMode));
    }

    private static String describeOwn(MeetingPolicyOverrides p) {
        StringBuilder b = new StringBuilder();
        if (p.endOnOrganizerLeave() != null) {
            b.append("; endOnOrganizerLeave ").append(p.endOnOrganizerLeave());
        }
        if (p.lobbyTimeoutMinutes() != null) {
            b.append("; lobbyTimeoutMinutes ").append(p.lobbyTimeoutMinutes());
        }
        if (p.maxParticipants() != null) {
            b.append("; maxParticipants ").append(p.maxParticipants());
        }
        if (p.entryExitTones() != null) {
            b.append("; entryExitTones ").append(p.entryExitTones());
        }
        if (p.admissionMode() != null) {
            b.append("; admissionMode ").append(admissionModeName(p.admissionMode()));
        }
        return b.isEmpty() ? "; tenant policy defaults" : b.toString();
    }

    private static String meetingDiff(MeetingRecord a, MeetingRecord b) {
        List<String> changes = new ArrayList<>();
        diff(changes, "requirePinToStart", a.requirePinToStart(), b.requirePinToStart());
        MeetingPolicy p = a.policy();
        MeetingPolicy q = b.policy();
        diff(changes, "endOnOrganizerLeave", p.endOnOrganizerLeave(), q.endOnOrganizerLeave());
        diff(changes, "lobbyTimeoutMinutes", p.lobbyTimeoutMinutes(), q.lobbyTimeoutMinutes());
        diff(changes, "maxParticipants", p.maxParticipants(), q.maxParticipants());
        diff(changes, "entryExitTones", p.entryExitTones(), q.entryExitTones());
        diff(changes, "admissionMode", admissionModeName(p.admissionMode()), admissionModeName(q.admissionMode()));
        // Setting a value equal to the tenant default changes nothing now, but pins it for this meeting.
        return changes.isEmpty() ? "values set for this meeting, equal to what applied before" : String.join("; ", changes);
    }

    @Override
    public MeetingView getMeeting(String conferenceId) {
        return view(listing(conferenceId));
    }

    @Override
    public List<MeetingView> listMeetings() {
        List<MeetingView> views = new ArrayList<>();
        for (MeetingListing listing : store.listMeetings()) {
            views.add(view(listing));
        }
        return views;
    }

    @Override
    public MeetingView endMeeting(Actor actor, String conferenceId) {
        Objects.requireNonNull(actor, "actor");
        MeetingListing listing = listing(conferenceId);
        requireAdminOrSelf(actor, listing.organizerEmail(), "end others' meetings");
        boolean wasLive = meetings.end(listing.meeting().conferenceId()).orTimeout(5, TimeUnit.SECONDS).join();
        audit(actor, "meeting.end", listing.meeting().conferenceId(), wasLive ? "ended for everyone in it" : "was not live");
        return view(listing);
    }

    // ---- audit and tokens -------------------------------------------------------------------------

    @Override
    public List<AuditEntry> audit(int limit) {
        if (limit < 1 || limit > MAX_AUDIT_LIMIT) {
            throw AdminException.badInput("limit", "limit must be 1–" + MAX_AUDIT_LIMIT + ", not " + limit);
        }
        List<AuditEntry> entries = new ArrayList<>();
        for (AuditRecord r : store.recentAudit(limit)) {
            entries.add(new AuditEntry(r.id(), r.at(), r.actor(), r.actorRole(), r.clientAddress(), r.action(),
                    r.target(), r.detail()));
        }
        return entries;
    }

    @Override
    public String issueUserToken(Actor actor, String email) {
        requireAdmin(actor, "issue tokens");
        OrganizerRecord organizer = organizer(email);
        if (!organizer.enabled()) {
            throw AdminException.conflict(organizer.email() + " is disabled");
        }
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        store.addUserToken(organizer.id(), tokenHash(token));
        audit(actor, "token.issue", organizer.email(), "user token issued");
        return token;
    }

    @Override
    public Optional<String> userForToken(String token) {
        return organizerForToken(token).map(OrganizerRecord::email);
    }

    @Override
    public Optional<Long> organizerIdForToken(String token) {
        return organizerForToken(token).map(OrganizerRecord::id);
    }

    private Optional<OrganizerRecord> organizerForToken(String token) {
        if (token == null || token.isBlank() || token.length() > 128) {
            return Optional.empty();
        }
        // Looked up by its hash: equality on a SHA-256 of a 256-bit secret leaks nothing useful by timing.
        return store.findOrganizerByTokenHash(tokenHash(token.trim())).filter(OrganizerRecord::enabled);
    }

    // ---- SIP credentials --------------------------------------------------------------------------

    @Override
    public UserView setSipCredentials(Actor actor, String email, String username, String password) {
        requireAdmin(actor, "set SIP credentials");
        OrganizerRecord organizer = organizer(email);
        if (username == null || username.isBlank()) {
            throw AdminException.badInput("username", "username is required");
        }
        String user = username.trim();
        if (!SIP_USERNAME.matcher(user).matches()) {
            throw AdminException.badInput("username", "username must be 1–64 letters, digits or . _ ~ + - @");
        }
        if (password == null || password.length() < MIN_SIP_PASSWORD || password.length() > MAX_SIP_PASSWORD
                || password.chars().anyMatch(Character::isISOControl)) {
            // Never echo the password, not even in an error message.
            throw AdminException.badInput("password", "password must be " + MIN_SIP_PASSWORD + "–" + MAX_SIP_PASSWORD
                    + " characters without control characters");
        }
        if (!organizer.enabled()) {
            throw AdminException.conflict(organizer.email() + " is disabled; enable the user first");
        }
        try {
            store.setSipAccount(SipDigestSecrets.account(organizer.id(), user, sipRealm, password));
        } catch (StoreException e) {
            if (e.conflict()) {
                throw AdminException.conflict("SIP username " + user + " belongs to another user");
            }
            throw e;
        }
        audit(actor, "user.sip-credentials", organizer.email(), "SIP username " + user + " set for realm " + sipRealm);
        return view(reload(organizer.id()));
    }

    static String tokenHash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private OrganizerRecord organizer(String email) {
        String address = requireEmail("email", email);
        return store.findOrganizerByEmail(address)
                .orElseThrow(() -> AdminException.notFound("no user " + address + " is enabled for audio conferencing"));
    }

    private OrganizerRecord reload(long organizerId) {
        return store.findOrganizer(organizerId)
                .orElseThrow(() -> new IllegalStateException("organizer " + organizerId + " vanished"));
    }

    private MeetingListing listing(String conferenceId) {
        String id = conferenceId == null ? "" : conferenceId.trim();
        if (!CONFERENCE_ID.matcher(id).matches()) {
            throw AdminException.badInput("conferenceId", "a conference ID is 4–12 digits");
        }
        return store.findMeetingListing(id).orElseThrow(() -> AdminException.notFound("no meeting " + id));
    }

    private UserView view(OrganizerRecord o) {
        PinLockout.Status lock = vault.lockout().status(o.id());
        List<String> conferenceIds = new ArrayList<>();
        for (MeetingRecord m : store.findMeetingsByOrganizer(o.id())) {
            conferenceIds.add(m.conferenceId());
        }
        Optional<SipAccountRecord> sip = store.findSipAccountOf(o.id());
        // HA1 binds the realm: credentials set under another sip.realm no longer authenticate anyone.
        boolean sipValid = sip.isPresent() && sip.get().realm().equals(sipRealm);
        return new UserView(o.email(), o.displayName(), o.phone(), o.enabled(), MASKED_PIN, o.pinLength(), o.pinSetAt(),
                lock.locked(), lock.lockedUntil(), lock.recentFailures(), sipValid, conferenceIds,
                sip.map(SipAccountRecord::username).orElse(null));
    }

    private MeetingView view(MeetingListing listing) {
        MeetingRecord m = listing.meeting();
        MeetingPolicy p = m.policy();
        Meeting.Status live = meetings.status(m.conferenceId()).orTimeout(5, TimeUnit.SECONDS).join();
        String state = live.started() ? "active" : live.lobbyCount() > 0 ? "lobby" : "idle";
        return new MeetingView(m.conferenceId(), listing.organizerEmail(), m.requirePinToStart(), state,
                live.lobbyCount(), live.participantCount(), listing.createdAt(), p.endOnOrganizerLeave(),
                p.lobbyTimeoutMinutes(), p.maxParticipants(), p.entryExitTones(), admissionModeName(p.admissionMode()));
    }

    /** The name of an admission mode in the API: {@code automatic} or {@code organizer}. */
    static String admissionModeName(AdmissionMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    private static AdmissionMode optionalAdmissionMode(String mode) {
        if (mode == null) {
            return null;
        }
        return switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "automatic" -> AdmissionMode.AUTOMATIC;
            case "organizer" -> AdmissionMode.ORGANIZER;
            default -> throw AdminException.badInput("admissionMode", "admissionMode must be automatic or organizer");
        };
    }

    private static Integer optionalMaxParticipants(Integer max) {
        if (max != null && (max < 0 || max > io.confbridge.store.TenantSettings.MAX_PARTICIPANTS_LIMIT)) {
            throw AdminException.badInput("maxParticipants", "maxParticipants must be 0–"
                    + io.confbridge.store.TenantSettings.MAX_PARTICIPANTS_LIMIT + " (0 = no limit), not " + max);
        }
        return max;
    }

    private static Integer optionalLobbyTimeout(Integer minutes) {
        if (minutes != null && (minutes < io.confbridge.store.TenantSettings.MIN_LOBBY_TIMEOUT_MINUTES
                || minutes > io.confbridge.store.TenantSettings.MAX_LOBBY_TIMEOUT_MINUTES)) {
            throw AdminException.badInput("lobbyTimeoutMinutes", "lobbyTimeoutMinutes must be 1–1440, not " + minutes);
        }
        return minutes;
    }

    private String unusedConferenceId() {
        for (int attempt = 0; attempt < DirectoryProvisioning.MAX_CONFERENCE_ID_ATTEMPTS; attempt++) {
            String id = provisioning.newConferenceId();
            if (store.findMeetingByConferenceId(id).isEmpty()) {
                return id;
            }
        }
        throw new IllegalStateException("no free conference ID in " + DirectoryProvisioning.MAX_CONFERENCE_ID_ATTEMPTS + " attempts");
    }

    private void createFirstMeeting(OrganizerRecord organizer, String conferenceId, boolean requirePin) {
        try {
            store.createMeeting(conferenceId, organizer.id(), requirePin);
        } catch (StoreException e) {
            if (!e.conflict()) {
                throw e;
            }
            // Another enable took the ID since we checked. The PIN was drawn to differ from that ID, not from
            // the next one; a clash is as likely as guessing the PIN, so drawing a fresh ID is enough.
            provisioning.createMeeting(organizer.id(), requirePin);
        }
    }

    private static List<String> forbidden(String phone) {
        return phone == null ? List.of() : List.of(phone);
    }

    private MailOutcome deliver(OrganizerRecord organizer, String pin, boolean sendEmail, String overrideTo, boolean autoEmail) {
        if (!sendEmail && overrideTo == null && !autoEmail) {
            return new MailOutcome(false, null, null, true);
        }
        String to = overrideTo != null ? overrideTo : organizer.email();
        List<String> conferenceIds = new ArrayList<>();
        for (MeetingRecord m : store.findMeetingsByOrganizer(organizer.id())) {
            conferenceIds.add(m.conferenceId());
        }
        MailResult result;
        try {
            result = mailer.send(new PinMail(to, organizer.displayName(), pin, conferenceIds));
        } catch (RuntimeException e) {
            // PinMailer promises not to throw; if one does anyway, the PIN is stored and must still be shown.
            result = MailResult.failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        return new MailOutcome(result.sent(), to, result.error(), !result.sent());
    }

    private static String describe(MailOutcome mail) {
        if (mail.sent()) {
            return "PIN e-mailed to " + mail.to();
        }
        if (mail.to() == null) {
            return "no e-mail (auto e-mail is off); deliver the PIN by hand";
        }
        return "e-mail to " + mail.to() + " failed: " + mail.error() + "; deliver the PIN by hand";
    }

    private void audit(Actor actor, String action, String target, String detail) {
        store.appendAudit(AuditRecord.of(clock.instant(), actor.name(), actor.role().name(), actor.clientAddress(),
                action, target, detail));
    }

    private static void requireAdmin(Actor actor, String what) {
        Objects.requireNonNull(actor, "actor");
        if (actor.role() == ActorRole.USER) {
            throw AdminException.forbidden("only an administrator may " + what);
        }
    }

    private static void requireAdminOrSelf(Actor actor, String organizerEmail, String what) {
        if (actor.role() == ActorRole.USER && (actor.name() == null || !actor.name().trim().equalsIgnoreCase(organizerEmail))) {
            throw AdminException.forbidden("a user may not " + what);
        }
    }

    private static String requireEmail(String field, String email) {
        if (email == null || email.isBlank()) {
            throw AdminException.badInput(field, field + " is required");
        }
        String address = email.trim().toLowerCase(Locale.ROOT);
        if (address.length() > MAX_EMAIL || !EMAIL.matcher(address).matches()) {
            throw AdminException.badInput(field, field + " is not an e-mail address");
        }
        return address;
    }

    private static String optionalEmail(String field, String email) {
        return email == null || email.isBlank() ? null : requireEmail(field, email);
    }

    private static String optionalName(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String trimmed = name.strip();
        if (trimmed.length() > MAX_NAME || trimmed.chars().anyMatch(Character::isISOControl)) {
            throw AdminException.badInput("displayName", "displayName must be at most " + MAX_NAME
                    + " characters without control characters");
        }
        return trimmed;
    }

    private static String optionalPhone(String phone) {
        if (phone == null || phone.isBlank()) {
            return null;
        }
        String trimmed = phone.trim();
        if (!PHONE.matcher(trimmed).matches()) {
            throw AdminException.badInput("phone", "phone must be digits, optionally with a leading + and spaces, dots, dashes or parentheses");
        }
        return trimmed;
    }

    @Override
    public String toString() {
        return "DirectoryAdministration[" + store + "]";
    }
}
