package io.confbridge.sip.logging;

/**
 * Recognises a jain-sip 1.3.0-91 bug around TCP peers that have gone: its NIO handler's
 * {@code removeSocket} releases a per-address lock the calling thread may not hold (after a failed connect
 * to the Via of a request whose own connection closed, or while closing a connection), which throws
 * {@link IllegalMonitorStateException} out of {@code sendResponse} or into its selector loop. An unlock
 * that throws releases nothing, and the holder still releases its own, so no lock stays held; what is lost
 * is a response that could not have been delivered anyway. The SIP fuzz test (issue 9 §5) found it.
 */
public final class NioHandlerUnlock {
    private static final String NIO_HANDLER = "gov.nist.javax.sip.stack.NIOHandler";

    private NioHandlerUnlock() {
    }

    public static boolean isCause(Throwable e) {
        if (!(e instanceof IllegalMonitorStateException)) {
            return false;
        }
        for (StackTraceElement frame : e.getStackTrace()) {
            if (NIO_HANDLER.equals(frame.getClassName())) {
                return true;
            }
        }
        return false;
    }
}
