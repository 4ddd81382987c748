package io.confbridge.media;

/**
 * Whether a failure is the operating system saying the process (EMFILE) or the machine (ENFILE) has no
 * file descriptor left. Such a failure is not about the port or the peer at hand: retrying at once fails
 * the same way. Shared by the RTP port binder and SIP's listening sockets.
 */
public final class Descriptors {
    private Descriptors() {
    }

    /** Whether {@code failure}, or a cause of it, is EMFILE or ENFILE. */
    public static boolean exhausted(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("Too many open files")) {
                return true; // strerror of both: "Too many open files" and "... in system"
            }
        }
        return false;
    }
}
