package io.confbridge.store;

import java.util.Optional;

/**
 * The directory of organizers and meetings. Implementations block (JDBC): call them from worker
 * threads, never from an event loop. Every failure surfaces as {@link StoreException}.
 */
public interface DirectoryStore extends AutoCloseable {

    Optional<MeetingRecord> findMeetingByConferenceId(String conferenceId);

    Optional<OrganizerRecord> findOrganizer(long organizerId);

    Optional<OrganizerRecord> findOrganizerByEmail(String email);

    /** Creates an organizer with the given PIN hash; fails if the e-mail is taken. */
    OrganizerRecord createOrganizer(String email, String displayName, String pinHash);

    /** Replaces an organizer's PIN hash atomically (a verifier sees the old or the new one, never a mix). */
    void updatePinHash(long organizerId, String pinHash);

    /** Creates a meeting; fails if the conference ID is taken. */
    MeetingRecord createMeeting(String conferenceId, long organizerId, boolean requirePinToStart);

    long countOrganizers();

    @Override
    void close();
}
