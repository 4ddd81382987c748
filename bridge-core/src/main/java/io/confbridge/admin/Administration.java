package io.confbridge.admin;

import io.confbridge.meeting.Talker;
import io.confbridge.store.MeetingPresenceTable;

import java.time.Instant;

import java.util.List;
import java.util.Optional;

/**
 * Everything an administrator (or, to create their own meetings, a user with their own token) can do:
 * the dial-in conferencing cmdlets of SPEC §4; what is done to an existing meeting is
 * {@link MeetingControl}'s. Blocking (database, PIN hashing, SMTP): call it from
 * worker threads. Every change is written to the audit log with its {@link Actor}; no PIN is ever
 * logged or audited. A clear PIN appears only in {@link PinIssued}, once.
 *
 * <p>Failures are {@link AdminException}s carrying the kind (bad input naming the field, not found,
 * conflict, forbidden) so the HTTP layer can map them to 400/404/409/403.
 */
public interface Administration {

    /** The most audit lines one {@link #audit} call returns. */
    int MAX_AUDIT_LIMIT = 1000;

    /** Who asks, from where: recorded in the audit log. */
    record Actor(String name, ActorRole role, String clientAddress) {
    }

    enum ActorRole { ADMIN, USER, SYSTEM }

    /**
     * A user as the admin sees it: never the PIN nor its hash ({@code pin} is always "*****"), never a SIP
     * password nor its HA1.
     *
     * @param sipCredentialsSet whether the user has SIP credentials valid in the configured realm
     * @param sipUsername       the SIP digest username, or null if none was set
     * @param sipLocked         whether the SIP username is locked after too many failed digest responses
     * @param sipLockedUntil    until when, or null
     * @param recentSipFailures failed digest responses for the SIP username within the window
     */
    record UserView(String email, String displayName, String phone, boolean enabled, String pin,
                    int pinLength, Instant pinSetAt, boolean locked, Instant lockedUntil,
                    int recentPinFailures, boolean sipCredentialsSet, List<String> conferenceIds,
                    String sipUsername, boolean sipLocked, Instant sipLockedUntil, int recentSipFailures) {
    }

    /** What happened to the PIN e-mail. */
    record MailOutcome(boolean sent, String to, String error, boolean deliverManually) {
    }

    /** A freshly generated PIN: the only place a PIN ever appears. */
    record PinIssued(UserView user, String pin, MailOutcome mail) {
        @Override
        public String toString() {
            return "PinIssued[" + user.email() + ", pin=*****, mail=" + mail + "]";
        }
    }

    /**
     * Tenant-wide settings (SPEC §4): keys as in the API and CLI. {@code anonymousCanStart} is the default
     * of new meetings' "require PIN to start" (inverted); {@code lobbyTimeoutMinutes},
     * {@code endOnOrganizerLeave}, {@code maxParticipants}, {@code entryExitTones} and {@code admissionMode}
     * are the meeting policy defaults, followed by every meeting that does not set its own value.
     *
     * @param maxParticipants 0 = no limit
     * @param admissionMode   {@code automatic} or {@code organizer}
     * @param talkers         who is heard in the meeting's mix now (caller IDs, as the lobby shows them)
     */
    record TenantSettings(int pinLength, boolean autoEmail, boolean anonymousCanStart,
                          int lobbyTimeoutMinutes, String language, boolean endOnOrganizerLeave,
                          int maxParticipants, boolean entryExitTones, String admissionMode,
                          List<String> dialInNumbers) {

        /** Settings without dial-in numbers. */
        public TenantSettings(int pinLength, boolean autoEmail, boolean anonymousCanStart,
                              int lobbyTimeoutMinutes, String language, boolean endOnOrganizerLeave,
                              int maxParticipants, boolean entryExitTones, String admissionMode) {
            this(pinLength, autoEmail, anonymousCanStart, lobbyTimeoutMinutes, language, endOnOrganizerLeave,
                    maxParticipants, entryExitTones, admissionMode, List.of());
        }
    }

    /**
     * A partial update of the settings: null fields stay as they are.
     *
     * @param dialInNumbers the whole new list (an empty list removes every number)
     */
    record SettingsChange(Integer pinLength, Boolean autoEmail, Boolean anonymousCanStart,
                          Integer lobbyTimeoutMinutes, String language, Boolean endOnOrganizerLeave,
                          Integer maxParticipants, Boolean entryExitTones, String admissionMode,
                          List<String> dialInNumbers) {

        /** A change that leaves the dial-in numbers as they are. */
        public SettingsChange(Integer pinLength, Boolean autoEmail, Boolean anonymousCanStart,
                              Integer lobbyTimeoutMinutes, String language, Boolean endOnOrganizerLeave,
                              Integer maxParticipants, Boolean entryExitTones, String admissionMode) {
            this(pinLength, autoEmail, anonymousCanStart, lobbyTimeoutMinutes, language, endOnOrganizerLeave,
                    maxParticipants, entryExitTones, admissionMode, null);
        }
    }

    /**
     * A new meeting's settings; a null field takes the tenant's default. For the policy fields that
     * means "follow the tenant default, also when it changes later"; {@code requirePinToStart} is fixed
     * from {@code anonymousCanStart} when the meeting is created.
     *
     * @param lobbyTimeoutMinutes 1–1440, and at most the node's {@code ivr.lobbyTimeoutMs} in whole minutes
     * @param maxParticipants     0–1000, 0 = no limit
     * @param admissionMode       {@code automatic} or {@code organizer} (case-insensitive)
     */
    record MeetingSettings(Boolean requirePinToStart, Boolean endOnOrganizerLeave, Integer lobbyTimeoutMinutes,
                           Integer maxParticipants, Boolean entryExitTones, String admissionMode) {

        /** Everything from the tenant's defaults. */
        public static final MeetingSettings TENANT_DEFAULTS = new MeetingSettings(null, null, null, null, null, null);
    }

    /**
     * A partial update of a meeting's settings: null fields stay as they are. Ranges as in
     * {@link MeetingSettings}; {@code lobbyTimeoutMinutes} at most what the node's {@code ivr.lobbyTimeoutMs}
     * allows.
     */
    record MeetingSettingsChange(Boolean requirePinToStart, Boolean endOnOrganizerLeave, Integer lobbyTimeoutMinutes,
                                 Integer maxParticipants, Boolean entryExitTones, String admissionMode) {
    }

    /**
     * A meeting with its live state and its resolved policy (the meeting's own values, the tenant's
     * defaults elsewhere).
     *
     * @param state           {@code idle}, {@code lobby} (callers waiting) or {@code active}
     * @param maxParticipants 0 = no limit
     * @param admissionMode   {@code automatic} or {@code organizer}
     * @param lobbyCount      in the lobby, on every node of a cluster
     * @param nodes           in cluster mode, the lobby and participants on each node holding some (this
     *                        node's live, the others' as they last wrote them); empty on a single node
     */
    record MeetingView(String conferenceId, String organizerEmail, boolean requirePinToStart,
                       String state, int lobbyCount, int participantCount, Instant createdAt,
                       boolean endOnOrganizerLeave, int lobbyTimeoutMinutes, int maxParticipants,
                       boolean entryExitTones, String admissionMode, List<Talker> talkers,
                       List<MeetingPresenceTable.NodeCount> nodes) {
    }

    /**
     * Which audit lines to read: a page of at most {@code limit} lines (1–{@link #MAX_AUDIT_LIMIT}),
     * newest first, older than line {@code beforeId} (null: from the newest), whose actor, action and
     * target contain the given texts ignoring case (null or empty: any).
     */
    record AuditQuery(Long beforeId, String actor, String action, String target, int limit) {
    }

    /** One audit log line. */
    record AuditEntry(long id, Instant at, String actor, String actorRole, String clientAddress,
                      String action, String target, String detail) {
    }

    PinIssued enableUser(Actor actor, String email, String displayName, String phone,
                         boolean sendEmail, String sendEmailToAddress);

    UserView getUser(String email);

    List<UserView> listUsers();

    /** Set-CsOnlineDialInConferencingUser -ResetLeaderPIN [-SendEmail [-SendEmailToAddress]]. */
    PinIssued resetPin(Actor actor, String email, boolean sendEmail, String sendEmailToAddress);

    UserView disableUser(Actor actor, String email);

    /**
     * Clears a PIN lockout of the organizer (and the per-organizer failure counter), and the SIP digest
     * lockout of their SIP username.
     */
    UserView clearLockout(Actor actor, String email);

    TenantSettings settings();

    TenantSettings updateSettings(Actor actor, SettingsChange change);

    /**
     * Creates a meeting for the organizer with the given settings (null: all tenant defaults). An admin
     * creates meetings for anyone, a user only for themself. Changing, starting or ending a meeting is
     * {@link MeetingControl}'s.
     */
    MeetingView createMeeting(Actor actor, String organizerEmail, MeetingSettings settings);

    /** A meeting as the administrator sees it; no access check (a user's token goes through {@link MeetingControl#show}). */
    MeetingView getMeeting(String conferenceId);

    List<MeetingView> listMeetings();

    List<AuditEntry> audit(int limit);

    /** One page of the audit log, filtered (see {@link AuditQuery}). */
    List<AuditEntry> audit(AuditQuery query);

    /**
     * The meetings the actor may see in a list: all of them for an administrator, only their own for a
     * user (a user's token never lists another user's meetings).
     */
    List<MeetingView> meetingsOf(Actor actor);

    /** Issues a bearer token for the user's own app-side API calls; shown once. */
    String issueUserToken(Actor actor, String email);

    /** Revokes every token of the user (they stop working at once); returns how many there were. */
    int revokeUserTokens(Actor actor, String email);

    /** The user a bearer token belongs to, if it is a valid user token. */
    Optional<String> userForToken(String token);

    /**
     * Sets (or replaces) the user's SIP digest credentials, with which a softphone joins their meetings
     * as organizer without a PIN (SPEC §3). Only digest HA1 values for the configured realm are stored,
     * never the password. Admins only.
     *
     * @param username case-sensitive; 1–64 characters of letters, digits and {@code . _ ~ + - @}
     * @param password 8–128 characters, no control characters
     * @throws AdminException CONFLICT if another user has the username or the user is disabled
     */
    UserView setSipCredentials(Actor actor, String email, String username, String password);
}
