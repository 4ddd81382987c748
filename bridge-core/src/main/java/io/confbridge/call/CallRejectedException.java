package io.confbridge.call;

/**
 * A call the core cannot take; {@link #sipStatus()} says how the signalling side should refuse it and
 * {@link #retryAfterS()} when the caller may try again.
 */
public final class CallRejectedException extends Exception {
    private final int sipStatus;
    private final int retryAfterS;

    /** A refusal without a hint when to retry. */
    public CallRejectedException(int sipStatus, String message) {
        this(sipStatus, message, 0);
    }

    /** @param retryAfterS seconds after which the caller may try again (RFC 3261 §20.33), 0 for no hint */
    public CallRejectedException(int sipStatus, String message, int retryAfterS) {
        super(message, null, false, false);
        this.sipStatus = sipStatus;
        this.retryAfterS = retryAfterS;
    }

    public int sipStatus() {
        return sipStatus;
    }

    /** Seconds after which the caller may try again, or 0 for no hint. */
    public int retryAfterS() {
        return retryAfterS;
    }
}
