package io.confbridge.directory;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything an administrator (or, for a few operations, a user with their own token) can do:
 * the dial-in conferencing cmdlets of SPEC §4. Blocking (database, PIN hashing, SMTP): call it from
 * worker threads. Every change is written to the audit log with its {@link Actor}; no PIN is ever
 * logged or audited. A clear PIN appears only in {@link PinIssued}, once.
 *
 * <p>Failures are {@link AdminException}s carrying the kind (bad input naming the field, not found,
 * conflict, forbidden) so the HTTP layer can map them to 400/404/409/403.
 */
public interface Administration {

    /** Who asks, from where: recorded in the audit log. */
    record Actor(String name, ActorRole role, String clientAddress) {
    }

    enum ActorRole { ADMIN, USER, SYSTEM }

    /** A user as the admin sees it: never the PIN nor its hash ({@code pin} is always "*****"). */
    record UserView(String email, String displayName, String phone, boolean enabled, String pin,
                    int pinLength, Instant pinSetAt, boolean locked, Instant lockedUntil,
                    int recentPinFailures, boolean sipCredentialsSet, List<String> conferenceIds) {
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

    /** Tenant-wide settings (SPEC §4): keys as in the API and CLI. */
    record TenantSettings(int pinLength, boolean autoEmail, boolean anonymousCanStart,
                          int lobbyTimeoutMinutes, String language) {
    }

    /** A partial update of the settings: null fields stay as they are. */
    record SettingsChange(Integer pinLength, Boolean autoEmail, Boolean anonymousCanStart,
                          Integer lobbyTimeoutMinutes, String language) {
    }

    /** A meeting with its live state. */
    record MeetingView(String conferenceId, String organizerEmail, boolean requirePinToStart,
                       String state, int lobbyCount, int participantCount, Instant createdAt) {
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

    /** Clears a PIN lockout of the organizer (and the per-organizer failure counter). */
    UserView clearLockout(Actor actor, String email);

    TenantSettings settings();

    TenantSettings updateSettings(Actor actor, SettingsChange change);

    /** Creates a meeting for the organizer; {@code requirePinToStart} null means the tenant default. */
    MeetingView createMeeting(Actor actor, String organizerEmail, Boolean requirePinToStart);

    MeetingView getMeeting(String conferenceId);

    List<MeetingView> listMeetings();

    /** Ends a live meeting for everyone in it and its lobby. */
    MeetingView endMeeting(Actor actor, String conferenceId);

    List<AuditEntry> audit(int limit);

    /** Issues a bearer token for the user's own app-side API calls; shown once. */
    String issueUserToken(Actor actor, String email);

    /** The user a bearer token belongs to, if it is a valid user token. */
    Optional<String> userForToken(String token);
}
