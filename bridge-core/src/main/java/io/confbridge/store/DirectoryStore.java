package io.confbridge.store;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The directory of organizers and meetings. Implementations block (JDBC): call them from worker
 * threads, never from an event loop. Every database failure surfaces as {@link StoreException};
 * naming an organizer that does not exist where one must is a {@link NoSuchElementException}.
 *
 * <p>E-mail addresses are compared ignoring case: they are stored trimmed and lower-case.
 *
 * <p>Every {@link MeetingRecord} read carries its concrete policy: the meeting's own values where it set
 * them, the tenant's current defaults elsewhere (resolved at read time).
 */
public interface DirectoryStore extends AutoCloseable {

    Optional<MeetingRecord> findMeetingByConferenceId(String conferenceId);

    /** The organizer's meetings, oldest first. */
    List<MeetingRecord> findMeetingsByOrganizer(long organizerId);

    Optional<OrganizerRecord> findOrganizer(long organizerId);

    Optional<OrganizerRecord> findOrganizerByEmail(String email);

    /** All organizers, enabled or not, ordered by e-mail. */
    List<OrganizerRecord> listOrganizers();

    /**
     * Creates an enabled organizer with the given PIN hash, which also becomes the first entry of their
     * PIN history; fails with a {@linkplain StoreException#conflict() conflict} if the e-mail is taken.
     *
     * @param phone     the user's phone number, or null
     * @param pinLength the digits of the PIN hashed in {@code pinHash}
     */
    OrganizerRecord createOrganizer(String email, String displayName, String phone, String pinHash, int pinLength);

    /** Changes an organizer's display name and phone number. */
    void updateOrganizerProfile(long organizerId, String displayName, String phone);

    /**
     * Replaces an organizer's PIN hash atomically (a verifier sees the old or the new one, never a mix),
     * without touching the PIN history: for the same PIN hashed again, not for a new PIN.
     */
    void updatePinHash(long organizerId, String pinHash);

    /**
     * Replaces the PIN hash only if it is still {@code expectedHash}; returns whether it did. A rehash
     * after a successful verification uses this so that it cannot undo a PIN reset that happened meanwhile.
     */
    boolean compareAndSetPinHash(long organizerId, String expectedHash, String newHash);

    /**
     * Sets a newly issued PIN's hash, length and issue time and appends it to the PIN history, in one
     * transaction: a verifier sees the old PIN or the new one, never a mix.
     */
    void replacePin(long organizerId, String pinHash, int pinLength);

    /** The organizer's most recent PIN hashes, newest first, at most {@code limit}; includes the current one. */
    List<String> recentPinHashes(long organizerId, int limit);

    /** A disabled organizer keeps their data but no PIN of theirs verifies. */
    void setOrganizerEnabled(long organizerId, boolean enabled);

    /**
     * Creates a meeting that follows the tenant's policy defaults; fails with a
     * {@linkplain StoreException#conflict() conflict} if the conference ID is taken.
     */
    default MeetingRecord createMeeting(String conferenceId, long organizerId, boolean requirePinToStart) {
        return createMeeting(conferenceId, organizerId, requirePinToStart, MeetingPolicyOverrides.NONE);
    }

    /**
     * Creates a meeting with the policy values it sets for itself (null fields follow the tenant
     * defaults, now and after they change); returns it with its resolved policy. Fails with a
     * {@linkplain StoreException#conflict() conflict} if the conference ID is taken.
     */
    MeetingRecord createMeeting(String conferenceId, long organizerId, boolean requirePinToStart,
                                MeetingPolicyOverrides policy);

    /**
     * Changes a meeting's settings in one statement: {@code requirePinToStart} unless null, and each
     * non-null field of {@code change} (null fields keep their value, a tenant default included).
     * Returns the meeting as it is now, with its resolved policy, or empty if there is no such meeting.
     */
    Optional<MeetingRecord> updateMeeting(String conferenceId, Boolean requirePinToStart, MeetingPolicyOverrides change);

    /** All meetings with their organizer's e-mail, oldest first. */
    List<MeetingListing> listMeetings();

    Optional<MeetingListing> findMeetingListing(String conferenceId);

    long countOrganizers();

    TenantSettings tenantSettings();

    void updateTenantSettings(TenantSettings settings);

    /**
     * Records one wrong PIN of {@code subject} at {@code atMs}, forgets the subject's failures from before
     * {@code windowStartMs}, and returns what is left (this one included), in one transaction.
     */
    PinFailures recordPinFailure(String subject, long atMs, long windowStartMs);

    /** The subject's wrong PINs since {@code windowStartMs}. */
    PinFailures pinFailures(String subject, long windowStartMs);

    /** Until when the subject's PIN attempts are refused (epoch milliseconds); 0 if it was never locked. */
    long pinLockedUntil(String subject);

    /** Refuses the subject's PIN attempts until {@code untilMs}, replacing any earlier lock. */
    void lockPin(String subject, long untilMs);

    /** Forgets the subject's wrong PINs and lifts its lock. */
    void clearPinFailures(String subject);

    /** Appends a line to the audit log. */
    void appendAudit(AuditRecord entry);

    /** The newest {@code limit} audit lines, newest first. */
    List<AuditRecord> recentAudit(int limit);

    /**
     * One page of the audit log, newest first: at most {@code limit} lines with an id below
     * {@code beforeId} (any if null) whose actor, action and target each contain the given text,
     * ignoring case (null or empty: any).
     */
    List<AuditRecord> findAudit(Long beforeId, String actor, String action, String target, int limit);

    /** Stores a user token's hash for the organizer. */
    void addUserToken(long organizerId, String tokenHash);

    /** The organizer a token hash belongs to, if any (enabled or not: the caller decides). */
    Optional<OrganizerRecord> findOrganizerByTokenHash(String tokenHash);

    /** Stores a user token's hash for the organizer, issued at {@code issuedAtMs} (epoch milliseconds). */
    void addUserToken(long organizerId, String tokenHash, long issuedAtMs);

    /** As {@link #findOrganizerByTokenHash(String)}, for a token issued at or after {@code issuedNotBeforeMs} only. */
    Optional<OrganizerRecord> findOrganizerByTokenHash(String tokenHash, long issuedNotBeforeMs);

    /** Deletes every token of the organizer; returns how many there were. */
    int deleteUserTokens(long organizerId);

    /**
     * Deletes the wrong PINs (and digest failures) that happened before {@code beforeMs} and the locks that
     * ran out before {@code nowMs}: subjects not seen for the window leave no rows behind. Returns the
     * number of rows deleted.
     */
    int purgePinFailures(long beforeMs, long nowMs);

    /**
     * Sets the organizer's SIP digest account, replacing one they had; fails with a
     * {@linkplain StoreException#conflict() conflict} if another organizer has the username, and with
     * {@link NoSuchElementException} if there is no such organizer.
     */
    void setSipAccount(SipAccountRecord account);

    /**
     * The SIP account with exactly this username (case-sensitive), if its organizer is enabled: a disabled
     * organizer proves nothing over SIP, as their PIN proves nothing on the phone. An indexed lookup.
     */
    Optional<SipAccountRecord> findSipAccount(String username);

    /** The organizer's SIP account, enabled or not. */
    Optional<SipAccountRecord> findSipAccountOf(long organizerId);

    /** Every SIP account whose organizer is enabled: what the SIP side loads into memory at start. */
    List<SipAccountRecord> sipAccountsOfEnabledOrganizers();

    @Override
    void close();
}
