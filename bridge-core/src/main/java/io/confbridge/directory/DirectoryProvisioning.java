package io.confbridge.directory;

import io.confbridge.pin.PinVault;
import io.confbridge.store.DirectoryStore;
import io.confbridge.store.MeetingRecord;
import io.confbridge.store.OrganizerRecord;
import io.confbridge.store.StoreException;

import java.security.SecureRandom;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * {@link Provisioning} over the directory store and the PIN vault. A new organizer's PIN is hashed before
 * the organizer is written, so the organizer row and its first PIN appear together or not at all, and a
 * clear PIN never touches the database.
 */
public final class DirectoryProvisioning implements Provisioning {

    static final int CONFERENCE_ID_DIGITS = 7;

    /**
     * Random 7-digit IDs collide rarely until the directory holds millions of meetings; a handful of
     * retries covers chance collisions, and running out means the ID space is nearly full.
     */
    static final int MAX_CONFERENCE_ID_ATTEMPTS = 20;

    private final DirectoryStore store;
    private final PinVault vault;
    private final SecureRandom random;

    public DirectoryProvisioning(DirectoryStore store, PinVault vault, SecureRandom random) {
        this.store = store;
        this.vault = vault;
        this.random = random;
    }

    @Override
    public EnabledOrganizer enableOrganizer(String email, String displayName) {
        int pinLength = store.tenantSettings().pinLength();
        PinVault.NewPin newPin = vault.newPin(pinLength, List.of());
        OrganizerRecord organizer = store.createOrganizer(email, displayName, null, newPin.hash(), pinLength);
        return new EnabledOrganizer(organizer, newPin.pin());
    }

    @Override
    public MeetingRecord createMeeting(long organizerId, boolean requirePinToStart) {
        if (store.findOrganizer(organizerId).isEmpty()) {
            throw new NoSuchElementException("no organizer with id " + organizerId);
        }
        StoreException lastConflict = null;
        for (int attempt = 0; attempt < MAX_CONFERENCE_ID_ATTEMPTS; attempt++) {
            try {
                return store.createMeeting(newConferenceId(), organizerId, requirePinToStart);
            } catch (StoreException e) {
                if (!e.conflict()) {
                    throw e;
                }
                lastConflict = e; // the ID is taken: draw another
            }
        }
        throw new IllegalStateException("no free conference ID in " + MAX_CONFERENCE_ID_ATTEMPTS + " attempts", lastConflict);
    }

    @Override
    public String resetPin(long organizerId) {
        return vault.issuePin(organizerId, store.tenantSettings().pinLength(), List.of());
    }

    /** 1000000–9999999: seven digits, the first never 0, so no phone keypad or trunk strips a leading zero. */
    String newConferenceId() {
        int lowest = 1;
        for (int i = 1; i < CONFERENCE_ID_DIGITS; i++) {
            lowest *= 10;
        }
        return Integer.toString(lowest + random.nextInt(9 * lowest));
    }
}
