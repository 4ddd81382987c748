package io.confbridge.sip;

/**
 * Recognises jain-sip 1.3.0-91's way of failing to send over TCP to a peer that has gone: when its NIO
 * handler cannot open a connection to the Via of a request whose own connection closed, it releases its
 * per-address lock twice and throws {@link IllegalMonitorStateException} out of {@code sendResponse}
 * (the first release frees the lock, so nothing stays held). The SIP fuzz test (issue 9 §5) found it. The
 * response cannot be delivered by any means, so the request is dropped quietly, as for any vanished peer.
 */
final class UndeliverableResponse {
    private static final String NIO_HANDLER = "gov.nist.javax.sip.stack.NIOHandler";

    private UndeliverableResponse() {
    }

    static boolean isCause(Throwable e) {
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
