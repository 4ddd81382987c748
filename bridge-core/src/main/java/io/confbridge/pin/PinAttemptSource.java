package io.confbridge.pin;

/**
 * Where a PIN attempt came from: the caller ID (the user part of the SIP From) and the address the call's
 * signalling came from. Each is counted separately for the per-source back-off; either may be null.
 */
public record PinAttemptSource(String callerId, String address) {

    /** For callers that cannot tell: only the per-organizer counter applies. */
    public static final PinAttemptSource UNKNOWN = new PinAttemptSource(null, null);
}
