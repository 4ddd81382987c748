package io.confbridge.admin;

import io.confbridge.auth.DigestAlgorithm;
import io.confbridge.mail.MailResult;
import io.confbridge.mail.PinMail;
import io.confbridge.mail.PinMailer;
import io.confbridge.meeting.ConferenceId;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.pin.PinLockout;
import io.confbridge.pin.PinVault;
import io.confbridge.store.AuditRecord;
import io.confbridge.store.DirectoryStore;
import io.confbridge.store.MeetingListing;
import io.confbridge.store.MeetingPolicy.AdmissionMode;
import io.confbridge.store.MeetingPolicyOverrides;
import io.confbridge.store.MeetingRecord;
import io.confbridge.store.OrganizerRecord;
import io.confbridge.store.SipAccountRecord;
import io.confbridge.store.StoreException;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The dial-in conferencing administration (SPEC §4): {@link Administration} over the directory store,
 * the PIN vault, the live meetings and the PIN mailer; its {@link MeetingControl} acts on existing meetings.
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
 *       meetings ({@link MeetingAccess} decides); everything else, a PIN reset above all, is for
 *       administrators (403).</li>
 *   <li>No lobby timeout may be set above the node's {@code ivr.lobbyTimeoutMs}, which would cut it
 *       short without saying so.</li>
 *   <li>A meeting's policy values given at creation or by an update are the meeting's own; values never
 *       given follow the tenant defaults, also after those change. "Require PIN to start" is fixed at
 *       creation (from {@code anonymousCanStart} unless given).</li>
 *   <li>SIP credentials are stored as HA1 values for the configured realm only.</li>
 *   <li>The audit log gets every change with the actor; never a PIN, a PIN hash or a token.</li>
 * </ul>
 */
public final class DialInAdministration implements Administration {

    static final String MASKED_PIN = "*****";
    private static final int MAX_EMAIL = 254;
    private static final int MAX_NAME = 256;

    /** Deliberately plain: one @, no spaces, a dotted domain. The mail server is the final judge. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ().-]{2,31}");
    /** Characters every softphone puts in a digest username and that need no quoting anywhere. */
    private static final Pattern SIP_USERNAME = Pattern.compile("[A-Za-z0-9._~+@-]{1,64}");
    static final int MIN_SIP_PASSWORD = 8;
    static final int MAX_SIP_PASSWORD = 128;

    private final DirectoryStore store;
    private final PinVault vault;
    private final PinMailer mailer;
    private final SecureRandom random;
    private final Provisioning provisioning;
    private final String sipRealm;
    private final AuditTrail audit;
    private final MeetingAccess access;
    private final LiveMeetings live;
    private final PolicyInput policyInput;
    private final MeetingControl meetingControl;
    private final Clock clock;
    private final int userTokenDays;
    /**
     * The tenant setting {@code dialInNumbers} (phone numbers that reach the bridge), for PIN e-mails;
     * none until the setting is wired in.
     */
    private volatile java.util.function.Supplier<List<String>> dialInNumbers = List::of;

    /** In cluster mode: where meeting views read the counts of every node (issue 12 §5). */
    public void clusterCounts(LiveMeetings.ClusterCounts counts) {
        live.cluster(Objects.requireNonNull(counts));
    }

    /** In cluster mode: where admitting, ending and changing a meeting reach the other nodes (issue 12 §2). */
    public void clusterControl(LiveMeetings.ClusterControl control) {
        live.control(Objects.requireNonNull(control));
    }

    /** Where PIN e-mails read the tenant's {@code dialInNumbers} setting. */
    public void dialInNumbers(java.util.function.Supplier<List<String>> numbers) {
        this.dialInNumbers = Objects.requireNonNull(numbers);
    }

    /**
     * @param sipRealm           {@code sip.realm}: the realm SIP credentials are hashed for
     * @param nodeLobbyTimeoutMs {@code ivr.lobbyTimeoutMs}: this node ends every lobby wait after it, so no
     *                           meeting or tenant lobby timeout may be set longer
     *                           (conference IDs of the former 7 digits, tokens valid for 90 days)
     */
    public DialInAdministration(DirectoryStore store, PinVault vault, MeetingRegistry meetings, PinMailer mailer,
                                Clock clock, SecureRandom random, String sipRealm, long nodeLobbyTimeoutMs) {
        this(store, vault, meetings, mailer, clock, random, sipRealm, nodeLobbyTimeoutMs, Provisioning.CONFERENCE_ID_DIGITS,
                DEFAULT_USER_TOKEN_DAYS);
    }

    /** The default {@code admin.userTokenDays}. */
    public static final int DEFAULT_USER_TOKEN_DAYS = 90;

    /**
     * @param conferenceIdDigits {@code ids.conferenceIdLength}: digits of new meetings' conference IDs
     * @param userTokenDays      {@code admin.userTokenDays}: a user's token is refused this long after it was issued
     */
    public DialInAdministration(DirectoryStore store, PinVault vault, MeetingRegistry meetings, PinMailer mailer,
                                Clock clock, SecureRandom random, String sipRealm, long nodeLobbyTimeoutMs,
                                int conferenceIdDigits, int userTokenDays) {
        this.store = store;
        this.clock = clock;
        this.userTokenDays = userTokenDays;
        this.vault = vault;
        this.mailer = mailer;
        this.random = random;
        this.sipRealm = Objects.requireNonNull(sipRealm, "sipRealm");
        this.provisioning = new Provisioning(store, vault, random, conferenceIdDigits);
        this.audit = new AuditTrail(store, clock);
        this.access = new MeetingAccess(store, audit);
        this.live = new LiveMeetings(meetings);
        this.policyInput = new PolicyInput(nodeLobbyTimeoutMs);
        this.meetingControl = new MeetingControl(store, access, live, policyInput, audit);
    }

    /** Show, start, admit, change and end existing meetings, for the administrator and for organizers. */
    public MeetingControl meetingControl() {
        return meetingControl;
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
            String conferenceId = provisioning.unusedConferenceId();
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
            provisioning.createMeeting(organizer.id(), conferenceId, !tenant.anonymousCanStart());
            pin = newPin.pin();
            what = "enabled";
        }
        organizer = reload(organizer.id());
        MailOutcome mail = deliver(organizer, pin, sendEmail, mailTo, tenant.autoEmail());
        audit.record(actor, "user.enable", address, what + "; new " + tenant.pinLength() + "-digit PIN; " + describe(mail));
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
        audit.record(actor, "pin.reset", organizer.email(), "new " + tenant.pinLength() + "-digit PIN; " + describe(mail));
        return new PinIssued(view(organizer), pin, mail);
    }

    @Override
    public UserView disableUser(Actor actor, String email) {
        requireAdmin(actor, "disable users");
        OrganizerRecord organizer = organizer(email);
        if (organizer.enabled()) {
            store.setOrganizerEnabled(organizer.id(), false);
            audit.record(actor, "user.disable", organizer.email(), "disabled; their PIN no longer starts meetings");
        }
        return view(reload(organizer.id()));
    }

    @Override
    public UserView clearLockout(Actor actor, String email) {
        requireAdmin(actor, "clear PIN lockouts");
        OrganizerRecord organizer = organizer(email);
        PinLockout.Status before = vault.lockout().status(organizer.id());
        vault.lockout().clear(organizer.id());
        audit.record(actor, "pin.lockout-clear", organizer.email(), (before.locked() ? "was locked until " + before.lockedUntil()
                : "was not locked") + "; " + before.recentFailures() + " recent wrong PINs forgotten");
        Optional<SipAccountRecord> sip = store.findSipAccountOf(organizer.id());
        if (sip.isPresent()) {
            PinLockout.Status sipBefore = vault.lockout().digestStatus(sip.get().username());
            vault.lockout().clearDigest(sip.get().username());
            audit.record(actor, "sip.lockout-clear", organizer.email(), "SIP username " + sip.get().username() + " "
                    + (sipBefore.locked() ? "was locked until " + sipBefore.lockedUntil() : "was not locked") + "; "
                    + sipBefore.recentFailures() + " recent failed digest responses forgotten");
        }
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
                throw AdminException.badInput("pinLength", "pinLength must be " + io.confbridge.store.TenantSettings.MIN_PIN_LENGTH
                        + "–" + io.confbridge.store.TenantSettings.MAX_PIN_LENGTH + ", not " + pinLength);
            }
        }
        Integer lobbyTimeout = policyInput.lobbyTimeoutMinutes(change.lobbyTimeoutMinutes());
        String language = old.language();
        if (change.language() != null) {
            language = change.language().trim().toLowerCase(Locale.ROOT);
            if (!io.confbridge.store.TenantSettings.LANGUAGES.contains(language)) {
                throw AdminException.badInput("language", "language must be one of "
                        + String.join(", ", io.confbridge.store.TenantSettings.LANGUAGES));
            }
        }
        Integer maxParticipants = PolicyInput.maxParticipants(change.maxParticipants());
        AdmissionMode admission = PolicyInput.admissionMode(change.admissionMode());
        List<String> dialInNumbers = old.dialInNumbers();
        if (change.dialInNumbers() != null) {
            dialInNumbers = new ArrayList<>();
            for (String number : change.dialInNumbers()) {
                dialInNumbers.add(number == null ? "" : number.trim());
            }
            String problem = io.confbridge.store.TenantSettings.dialInNumbersProblem(dialInNumbers);
            if (problem != null) {
                throw AdminException.badInput("dialInNumbers", problem);
            }
        }
        var updated = new io.confbridge.store.TenantSettings(pinLength,
                change.autoEmail() != null ? change.autoEmail() : old.autoEmail(),
                change.anonymousCanStart() != null ? change.anonymousCanStart() : old.anonymousCanStart(),
                lobbyTimeout != null ? lobbyTimeout : old.lobbyTimeoutMinutes(), language,
                change.endOnOrganizerLeave() != null ? change.endOnOrganizerLeave() : old.endOnOrganizerLeave(),
                maxParticipants != null ? maxParticipants : old.maxParticipants(),
                change.entryExitTones() != null ? change.entryExitTones() : old.entryExitTones(),
                admission != null ? admission : old.admissionMode(), dialInNumbers);
        if (!updated.equals(old)) {
            store.updateTenantSettings(updated);
            audit.record(actor, "settings.update", "tenant", settingsDiff(old, updated));
        }
        return toView(updated);
    }

    private static String settingsDiff(io.confbridge.store.TenantSettings a, io.confbridge.store.TenantSettings b) {
        List<String> changes = new ArrayList<>();
        AuditTrail.diff(changes, "pinLength", a.pinLength(), b.pinLength());
        AuditTrail.diff(changes, "autoEmail", a.autoEmail(), b.autoEmail());
        AuditTrail.diff(changes, "anonymousCanStart", a.anonymousCanStart(), b.anonymousCanStart());
        AuditTrail.diff(changes, "lobbyTimeoutMinutes", a.lobbyTimeoutMinutes(), b.lobbyTimeoutMinutes());
        AuditTrail.diff(changes, "language", a.language(), b.language());
        AuditTrail.diff(changes, "endOnOrganizerLeave", a.endOnOrganizerLeave(), b.endOnOrganizerLeave());
        AuditTrail.diff(changes, "maxParticipants", a.maxParticipants(), b.maxParticipants());
        AuditTrail.diff(changes, "entryExitTones", a.entryExitTones(), b.entryExitTones());
        AuditTrail.diff(changes, "admissionMode", PolicyInput.admissionModeName(a.admissionMode()),
                PolicyInput.admissionModeName(b.admissionMode()));
        AuditTrail.diff(changes, "dialInNumbers", a.dialInNumbers(), b.dialInNumbers());
        return String.join("; ", changes);
    }

    private static TenantSettings toView(io.confbridge.store.TenantSettings s) {
        return new TenantSettings(s.pinLength(), s.autoEmail(), s.anonymousCanStart(), s.lobbyTimeoutMinutes(), s.language(),
                s.endOnOrganizerLeave(), s.maxParticipants(), s.entryExitTones(), PolicyInput.admissionModeName(s.admissionMode()),
                s.dialInNumbers());
    }

    // ---- meetings ---------------------------------------------------------------------------------

    @Override
    public MeetingView createMeeting(Actor actor, String organizerEmail, MeetingSettings settings) {
        access.organizer(actor, organizerEmail, "meeting.create");
        MeetingSettings given = settings != null ? settings : MeetingSettings.TENANT_DEFAULTS;
        OrganizerRecord organizer = organizer(organizerEmail);
        MeetingPolicyOverrides policy = policyInput.overrides(given.endOnOrganizerLeave(), given.lobbyTimeoutMinutes(),
                given.maxParticipants(), given.entryExitTones(), given.admissionMode());
        if (!organizer.enabled()) {
            throw AdminException.conflict(organizer.email() + " is disabled; enable the user first");
        }
        boolean requirePin = given.requirePinToStart() != null ? given.requirePinToStart()
                : !store.tenantSettings().anonymousCanStart();
        MeetingRecord meeting = provisioning.createMeeting(organizer.id(), requirePin, policy);
        audit.record(actor, "meeting.create", meeting.conferenceId(), "organizer " + organizer.email()
                + "; requirePinToStart " + requirePin + describeOwn(policy));
        return getMeeting(meeting.conferenceId());
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
            b.append("; admissionMode ").append(PolicyInput.admissionModeName(p.admissionMode()));
        }
        return b.isEmpty() ? "; tenant policy defaults" : b.toString();
    }

    @Override
    public MeetingView getMeeting(String conferenceId) {
        return live.view(listing(conferenceId));
    }

    @Override
    public List<MeetingView> listMeetings() {
        List<MeetingView> views = new ArrayList<>();
        for (MeetingListing listing : store.listMeetings()) {
            views.add(live.view(listing));
        }
        return views;
    }

    @Override
    public List<MeetingView> meetingsOf(Actor actor) {
        if (actor.role() != ActorRole.USER) {
            return listMeetings();
        }
        List<MeetingView> views = new ArrayList<>();
        for (MeetingListing listing : store.listMeetings()) {
            if (listing.organizerEmail().equalsIgnoreCase(actor.name())) {
                views.add(live.view(listing));
            }
        }
        return views;
    }

    // ---- audit and tokens -------------------------------------------------------------------------

    @Override
    public List<AuditEntry> audit(AuditQuery query) {
        if (query.limit() < 1 || query.limit() > MAX_AUDIT_LIMIT) {
            throw AdminException.badInput("limit", "limit must be 1–" + MAX_AUDIT_LIMIT + ", not " + query.limit());
        }
        List<AuditEntry> entries = new ArrayList<>();
        for (AuditRecord r : store.findAudit(query.beforeId(), query.actor(), query.action(), query.target(),
                query.limit())) {
            entries.add(new AuditEntry(r.id(), r.at(), r.actor(), r.actorRole(), r.clientAddress(), r.action(),
                    r.target(), r.detail()));
        }
        return entries;
    }

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
        String token = BearerToken.generate(random);
        store.addUserToken(organizer.id(), BearerToken.hash(token), clock.millis());
        audit.record(actor, "token.issue", organizer.email(), "user token issued");
        return token;
    }

    @Override
    public int revokeUserTokens(Actor actor, String email) {
        requireAdmin(actor, "revoke tokens");
        OrganizerRecord organizer = organizer(email);
        int revoked = store.deleteUserTokens(organizer.id());
        audit.record(actor, "token.revoke", organizer.email(), revoked + " user token(s) revoked");
        return revoked;
    }

    /** A user token is refused {@code admin.userTokenDays} after it was issued: the user needs a new one. */
    @Override
    public Optional<String> userForToken(String token) {
        if (token == null || token.isBlank() || token.length() > 128) {
            return Optional.empty();
        }
        long issuedNotBeforeMs = clock.millis() - userTokenDays * 86_400_000L;
        return store.findOrganizerByTokenHash(BearerToken.hash(token.trim()), issuedNotBeforeMs)
                .filter(OrganizerRecord::enabled)
                .map(OrganizerRecord::email);
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
            store.setSipAccount(sipAccount(organizer.id(), user, sipRealm, password));
        } catch (StoreException e) {
            if (e.conflict()) {
                throw AdminException.conflict("SIP username " + user + " belongs to another user");
            }
            throw e;
        }
        audit.record(actor, "user.sip-credentials", organizer.email(), "SIP username " + user + " set for realm " + sipRealm);
        return view(reload(organizer.id()));
    }

    /**
     * What the store keeps of a SIP password: HA1 = H(username:realm:password) (RFC 7616 §3.4.2) for each
     * algorithm the SIP side offers. The password itself goes no further.
     */
    private static SipAccountRecord sipAccount(long organizerId, String username, String realm, String password) {
        String a1 = username + ":" + realm + ":" + password;
        return new SipAccountRecord(organizerId, username, realm, DigestAlgorithm.MD5.hash(a1),
                DigestAlgorithm.SHA_256.hash(a1));
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
        if (!ConferenceId.isWellFormed(id)) {
            throw AdminException.badInput("conferenceId", "a conference ID is 4–12 digits");
        }
        return store.findMeetingListing(id).orElseThrow(() -> AdminException.notFound("no meeting " + id));
    }

    private UserView view(OrganizerRecord o) {
        PinLockout.Status lock = vault.lockout().status(o.id());
        Optional<SipAccountRecord> sip = store.findSipAccountOf(o.id());
        // HA1 binds the realm: credentials set under another sip.realm no longer authenticate anyone.
        boolean sipValid = sip.isPresent() && sip.get().realm().equals(sipRealm);
        PinLockout.Status sipLock = sip.isPresent() ? vault.lockout().digestStatus(sip.get().username())
                : new PinLockout.Status(false, null, 0);
        return new UserView(o.email(), o.displayName(), o.phone(), o.enabled(), MASKED_PIN, o.pinLength(), o.pinSetAt(),
                lock.locked(), lock.lockedUntil(), lock.recentFailures(), sipValid, conferenceIdsOf(o.id()),
                sip.map(SipAccountRecord::username).orElse(null), sipLock.locked(), sipLock.lockedUntil(),
                sipLock.recentFailures());
    }

    private List<String> conferenceIdsOf(long organizerId) {
        List<String> conferenceIds = new ArrayList<>();
        for (MeetingRecord m : store.findMeetingsByOrganizer(organizerId)) {
            conferenceIds.add(m.conferenceId());
        }
        return conferenceIds;
    }

    private static List<String> forbidden(String phone) {
        return phone == null ? List.of() : List.of(phone);
    }

    private MailOutcome deliver(OrganizerRecord organizer, String pin, boolean sendEmail, String overrideTo, boolean autoEmail) {
        if (!sendEmail && overrideTo == null && !autoEmail) {
            return new MailOutcome(false, null, null, true);
        }
        String to = overrideTo != null ? overrideTo : organizer.email();
        MailResult result;
        try {
            result = mailer.send(new PinMail(to, organizer.displayName(), pin, conferenceIdsOf(organizer.id()),
                    store.tenantSettings().language(), dialInNumbers.get()));
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

    private static void requireAdmin(Actor actor, String what) {
        Objects.requireNonNull(actor, "actor");
        if (actor.role() == ActorRole.USER) {
            throw AdminException.forbidden("only an administrator may " + what);
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
        return "DialInAdministration[" + store + "]";
    }
}
