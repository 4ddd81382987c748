package io.confbridge.store;

/** A database operation failed; carries what was being done so the failure is reported, never swallowed. */
public final class StoreException extends RuntimeException {
    private final boolean conflict;

    public StoreException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /** @param conflict true when a uniqueness constraint refused the change */
    public StoreException(String message, Throwable cause, boolean conflict) {
        super(message, cause);
        this.conflict = conflict;
    }

    /**
     * True when the change was refused because a unique value is taken (an organizer's e-mail, a
     * conference ID): the caller's request clashes with existing data, the database itself is fine.
     * An admin API answers 409 for these and 500 for the rest.
     */
    public boolean conflict() {
        return conflict;
    }
}
