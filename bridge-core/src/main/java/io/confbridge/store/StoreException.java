package io.confbridge.store;

/** A database operation failed; carries what was being done so the failure is reported, never swallowed. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
