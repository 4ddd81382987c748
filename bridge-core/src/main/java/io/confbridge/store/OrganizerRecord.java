package io.confbridge.store;

/**
 * An organizer (a user enabled for audio conferencing) as stored. {@code pinHash} is the versioned
 * hash string from {@link io.confbridge.pin.PinHasher}; it never leaves the core.
 */
public record OrganizerRecord(long id, String email, String displayName, String pinHash, boolean enabled) {

    @Override
    public String toString() {
        // Never print the hash, even by accident in a log line.
        return "OrganizerRecord[id=" + id + ", email=" + email + ", enabled=" + enabled + "]";
    }
}
