package io.confbridge.store;

import java.time.Instant;

/**
 * An organizer (a user enabled for audio conferencing) as stored. {@code pinHash} is the versioned
 * hash string from {@link io.confbridge.pin.PinHasher}; it never leaves the core.
 *
 * @param phone     the user's phone number as given by the administrator, or null; new PINs avoid it
 * @param pinLength the number of digits of the current PIN (the hash does not tell)
 * @param pinSetAt  when the current PIN was issued
 */
public record OrganizerRecord(long id, String email, String displayName, String pinHash, boolean enabled,
                              String phone, int pinLength, Instant pinSetAt) {

    @Override
    public String toString() {
        // Never print the hash, even by accident in a log line.
        return "OrganizerRecord[id=" + id + ", email=" + email + ", enabled=" + enabled + "]";
    }
}
