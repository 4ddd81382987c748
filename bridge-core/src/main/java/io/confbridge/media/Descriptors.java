package io.confbridge.media;

/**
 * Whether a failure is the operating system saying the process (EMFILE) or the machine (ENFILE) has no
 * file descriptor left. Such a failure is not about the port or the peer at hand: retrying at once fails
 * the same way. Shared by the RTP port binder and SIP's listening sockets.
 */
public final class Descriptors {
    private Descriptors() {
    }

    /**
     * The message of {@code failure}, or of the cause of it, that says EMFILE or ENFILE; null when none
     * does. The message is returned rather than a yes, so that whoever reports it needs no second walk.
     */
    public static String exhaustion(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("Too many open files")) {
                return message; // strerror of both: "Too many open files" and "... in system"
            }
        }
        return null;
    }
}
