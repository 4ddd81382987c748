package io.confbridge.directory;

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
import io.confbridge.store.MeetingRecord;
import io.confbridge.store.OrganizerRecord;
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
 *   <li>A user's own token ({@link ActorRole#USER}) may only create and end their own meetings; everything
 *       else, a PIN reset above all, is for administrators (403).</li>
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

    private final DirectoryStore store;
    private final PinVault vault;
    private final MeetingRegistry meetings;
    private final PinMailer mailer;
    private final Clock clock;
    private final SecureRandom random;
    private final DirectoryProvisioning provisioning;

    public DirectoryAdministration(DirectoryStore store, PinVault vault, MeetingRegistry meetings, PinMailer mailer,
                                   Clock clock, SecureRandom random) {
        this.store = store;
        this.vault = vault;
        this.meetings = meetings;
        this.mailer = mailer;
        this.clock = clock;
        this.random = random;
        this.provisioning = new DirectoryProvisioning(store, vault, random);
    }

    public DirectoryAdministration(DirectoryStore store, PinVault vault, MeetingRegistry meetings, PinMailer mailer,
                                   Clock clock) {
        this(store, vault, meetings, mailer, clock, new SecureRandom());
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
        var updated = new io.confbridge.store.TenantSettings(pinLength,
                change.autoEmail() != null ? change.autoEmail() : old.autoEmail(),
                change.anonymousCanStart() != null ? change.anonymousCanStart() : old.anonymousCanStart(),
                lobbyTimeout, language);
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
        return String.join("; ", changes);
    }

    private static void diff(List<String> changes, String key, Object before, Object after) {
        if (!before.equals(after)) {
            changes.add(key + " " + before + " → " + after);
        }
    }

    private static TenantSettings toView(io.confbridge.store.TenantSettings s) {
        return new TenantSettings(s.pinLength(), s.autoEmail(), s.anonymousCanStart(), s.lobbyTimeoutMinutes(), s.language());
    }

    // ---- meetings ---------------------------------------------------------------------------------

    @Override
    public MeetingView createMeeting(Actor actor, String organizerEmail, Boolean requirePinToStart) {
        Objects.requireNonNull(actor, "actor");
        OrganizerRecord organizer = organizer(organizerEmail);
        requireAdminOrSelf(actor, organizer.email(), "create meetings for others");
        if (!organizer.enabled()) {
            throw AdminException.conflict(organizer.email() + " is disabled; enable the user first");
        }
        boolean requirePin = requirePinToStart != null ? requirePinToStart : !store.tenantSettings().anonymousCanStart();
        MeetingRecord meeting = provisioning.createMeeting(organizer.id(), requirePin);
        audit(actor, "meeting.create", meeting.conferenceId(), "organizer " + organizer.email()
                + "; requirePinToStart " + requirePin);
        return view(listing(meeting.conferenceId()));
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
        boolean wasLive = meetings.end(listing.meeting().conferenceId());
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
        if (token == null || token.isBlank() || token.length() > 128) {
            return Optional.empty();
        }
        // Looked up by its hash: equality on a SHA-256 of a 256-bit secret leaks nothing useful by timing.
        return store.findOrganizerByTokenHash(tokenHash(token.trim()))
                .filter(OrganizerRecord::enabled)
                .map(OrganizerRecord::email);
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
        return new UserView(o.email(), o.displayName(), o.phone(), o.enabled(), MASKED_PIN, o.pinLength(), o.pinSetAt(),
                lock.locked(), lock.lockedUntil(), lock.recentFailures(), false, conferenceIds);
    }

    private MeetingView view(MeetingListing listing) {
        MeetingRecord m = listing.meeting();
        Meeting.Status live = meetings.status(m.conferenceId());
        String state = live.started() ? "active" : live.lobbyCount() > 0 ? "lobby" : "idle";
        return new MeetingView(m.conferenceId(), listing.organizerEmail(), m.requirePinToStart(), state,
                live.lobbyCount(), live.participantCount(), listing.createdAt());
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
