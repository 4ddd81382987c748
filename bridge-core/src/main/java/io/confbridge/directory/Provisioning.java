package io.confbridge.directory;

import io.confbridge.store.MeetingRecord;
import io.confbridge.store.OrganizerRecord;

/**
 * Creates organizers and meetings: the administrator's side of the directory. Blocking (database and
 * PIN hashing): never call it from an event loop.
 */
public interface Provisioning {

    /** An organizer just enabled, with the PIN generated for them: the only time the PIN exists in clear. */
    record EnabledOrganizer(OrganizerRecord organizer, String pin) {
        @Override
        public String toString() {
            return "EnabledOrganizer[" + organizer + ", pin=*****]";
        }
    }

    /**
     * Enables a user for audio conferencing with a fresh CSPRNG PIN of the current PIN length.
     *
     * @throws io.confbridge.store.StoreException with {@code conflict()} true if the e-mail is already enabled
     */
    EnabledOrganizer enableOrganizer(String email, String displayName);

    /**
     * Creates a meeting with a fresh unique conference ID (7 digits, no leading zero).
     *
     * @throws java.util.NoSuchElementException if there is no such organizer
     */
    MeetingRecord createMeeting(long organizerId, boolean requirePinToStart);

    /**
     * Gives an organizer a new PIN of the current PIN length, unlike their last five and their conference
     * IDs, and returns it: the only time it exists in clear.
     *
     * @throws java.util.NoSuchElementException if there is no such organizer
     */
    String resetPin(long organizerId);
}
