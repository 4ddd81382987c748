package io.confbridge.admin;

import io.confbridge.meeting.ConferenceId;
import io.confbridge.pin.PinVault;
import io.confbridge.store.DirectoryStore;
import io.confbridge.store.MeetingPolicyOverrides;
import io.confbridge.store.MeetingRecord;
import io.confbridge.store.OrganizerRecord;
import io.confbridge.store.StoreException;

import java.security.SecureRandom;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Creates organizers and meetings over the directory store and the PIN vault: the one place that draws
 * conference IDs. A new organizer's PIN is hashed before the organizer is written, so the organizer row
 * and its first PIN appear together or not at all, and a clear PIN never touches the database.
 * Blocking (database and PIN hashing): never call it from an event loop.
 */
public final class Provisioning {

    /** The length of conference IDs drawn before {@code ids.conferenceIdLength}; meetings made then keep theirs. */
    static final int CONFERENCE_ID_DIGITS = 7;

    /**
     * Random 7-digit IDs collide rarely until the directory holds millions of meetings; a handful of
     * retries covers chance collisions, and running out means the ID space is nearly full.
     */
    static final int MAX_CONFERENCE_ID_ATTEMPTS = 20;

    /** An organizer just enabled, with the PIN generated for them: the only time the PIN exists in clear. */
    public record EnabledOrganizer(OrganizerRecord organizer, String pin) {
        @Override
        public String toString() {
            return "EnabledOrganizer[" + organizer + ", pin=*****]";
        }
    }

    private final DirectoryStore store;
    private final PinVault vault;
    private final SecureRandom random;
    private final int conferenceIdDigits;

    /** Draws conference IDs of the former {@link #CONFERENCE_ID_DIGITS} digits. */
    public Provisioning(DirectoryStore store, PinVault vault, SecureRandom random) {
        this(store, vault, random, CONFERENCE_ID_DIGITS);
    }

    /**
     * @param conferenceIdDigits digits of the conference IDs of new meetings ({@code ids.conferenceIdLength},
     *                           7–12); existing meetings keep the IDs they have
     */
    public Provisioning(DirectoryStore store, PinVault vault, SecureRandom random, int conferenceIdDigits) {
        if (conferenceIdDigits < CONFERENCE_ID_DIGITS || conferenceIdDigits > ConferenceId.MAX_DIGITS) {
            throw new IllegalArgumentException("conferenceIdDigits " + conferenceIdDigits + " is outside "
                    + CONFERENCE_ID_DIGITS + "–" + ConferenceId.MAX_DIGITS);
        }
        this.store = store;
        this.vault = vault;
        this.random = random;
        this.conferenceIdDigits = conferenceIdDigits;
    }

    /**
     * Enables a user for audio conferencing with a fresh CSPRNG PIN of the current PIN length.
     *
     * @throws StoreException with {@code conflict()} true if the e-mail is already enabled
     */
    public EnabledOrganizer enableOrganizer(String email, String displayName) {
        int pinLength = store.tenantSettings().pinLength();
        PinVault.NewPin newPin = vault.newPin(pinLength, List.of());
        OrganizerRecord organizer = store.createOrganizer(email, displayName, null, newPin.hash(), pinLength);
        return new EnabledOrganizer(organizer, newPin.pin());
    }

    /**
     * Creates a meeting with a fresh unique conference ID (7 digits, no leading zero) that follows the
     * tenant defaults.
     *
     * @throws NoSuchElementException if there is no such organizer
     */
    public MeetingRecord createMeeting(long organizerId, boolean requirePinToStart) {
        return createMeeting(organizerId, requirePinToStart, MeetingPolicyOverrides.NONE);
    }

    /**
     * Creates a meeting with a fresh unique conference ID and the policy values it sets for itself (null
     * fields follow the tenant defaults).
     *
     * @throws NoSuchElementException if there is no such organizer
     */
    public MeetingRecord createMeeting(long organizerId, boolean requirePinToStart, MeetingPolicyOverrides policy) {
        if (store.findOrganizer(organizerId).isEmpty()) {
            throw new NoSuchElementException("no organizer with id " + organizerId);
        }
        StoreException lastConflict = null;
        for (int attempt = 0; attempt < MAX_CONFERENCE_ID_ATTEMPTS; attempt++) {
            try {
                return store.createMeeting(newConferenceId(), organizerId, requirePinToStart, policy);
            } catch (StoreException e) {
                if (!e.conflict()) {
                    throw e;
                }
                lastConflict = e; // the ID is taken: draw another
            }
        }
        throw new IllegalStateException("no free conference ID in " + MAX_CONFERENCE_ID_ATTEMPTS + " attempts", lastConflict);
    }

    /**
     * Creates a meeting with a conference ID drawn earlier by {@link #unusedConferenceId}, or a fresh one if
     * another meeting took that ID since. The PIN drawn to differ from the first ID is not drawn again: a
     * clash with the second is as likely as guessing the PIN.
     */
    MeetingRecord createMeeting(long organizerId, String conferenceId, boolean requirePinToStart) {
        try {
            return store.createMeeting(conferenceId, organizerId, requirePinToStart);
        } catch (StoreException e) {
            if (!e.conflict()) {
                throw e;
            }
            return createMeeting(organizerId, requirePinToStart);
        }
    }

    /**
     * Gives an organizer a new PIN of the current PIN length, unlike their last five and their conference
     * IDs, and returns it: the only time it exists in clear.
     *
     * @throws NoSuchElementException if there is no such organizer
     */
    String resetPin(long organizerId) {
        return vault.issuePin(organizerId, store.tenantSettings().pinLength(), List.of());
    }

    /** A conference ID no meeting has now, for a PIN that must differ from it before the meeting exists. */
    String unusedConferenceId() {
        for (int attempt = 0; attempt < MAX_CONFERENCE_ID_ATTEMPTS; attempt++) {
            String id = newConferenceId();
            if (store.findMeetingByConferenceId(id).isEmpty()) {
                return id;
            }
        }
        throw new IllegalStateException("no free conference ID in " + MAX_CONFERENCE_ID_ATTEMPTS + " attempts");
    }

    /**
     * A random ID of the configured digits (1000000–9999999 for seven), the first never 0, so no phone keypad
     * or trunk strips a leading zero.
     */
    String newConferenceId() {
        long lowest = 1;
        for (int i = 1; i < conferenceIdDigits; i++) {
            lowest *= 10;
        }
        long offset = 9 * lowest <= Integer.MAX_VALUE ? random.nextInt((int) (9 * lowest)) : random.nextLong(9 * lowest);
        return Long.toString(lowest + offset);
    }
}
