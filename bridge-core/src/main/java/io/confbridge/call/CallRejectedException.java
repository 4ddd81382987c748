package io.confbridge.call;

/** A call the core cannot take; {@link #sipStatus()} says how the signalling side should refuse it. */
public final class CallRejectedException extends Exception {
    private final int sipStatus;

    public CallRejectedException(int sipStatus, String message) {
        super(message);
        this.sipStatus = sipStatus;
    }

    public int sipStatus() {
        return sipStatus;
    }
}
