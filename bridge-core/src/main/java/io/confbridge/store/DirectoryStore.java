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
 */
public interface DirectoryStore extends AutoCloseable {

    Optional<MeetingRecord> findMeetingByConferenceId(String conferenceId);

    /** The organizer's meetings, oldest first. */
    List<MeetingRecord> findMeetingsByOrganizer(long organizerId);

    Optional<OrganizerRecord> findOrganizer(long organizerId);

    Optional<OrganizerRecord> findOrganizerByEmail(String email);

    /**
     * Creates an enabled organizer with the given PIN hash, which also becomes the first entry of their
     * PIN history; fails with a {@linkplain StoreException#conflict() conflict} if the e-mail is taken.
     */
    OrganizerRecord createOrganizer(String email, String displayName, String pinHash);

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

    /** Sets a newly issued PIN's hash and appends it to the PIN history, in one transaction. */
    void replacePin(long organizerId, String pinHash);

    /** The organizer's most recent PIN hashes, newest first, at most {@code limit}; includes the current one. */
    List<String> recentPinHashes(long organizerId, int limit);

    /** A disabled organizer keeps their data but no PIN of theirs verifies. */
    void setOrganizerEnabled(long organizerId, boolean enabled);

    /** Creates a meeting; fails with a {@linkplain StoreException#conflict() conflict} if the conference ID is taken. */
    MeetingRecord createMeeting(String conferenceId, long organizerId, boolean requirePinToStart);

    long countOrganizers();

    TenantSettings tenantSettings();

    void updateTenantSettings(TenantSettings settings);

    @Override
    void close();
}
