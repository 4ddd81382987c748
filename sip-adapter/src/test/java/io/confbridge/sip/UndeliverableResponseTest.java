package io.confbridge.sip;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UndeliverableResponseTest {

    private static IllegalMonitorStateException thrownFrom(String className) {
        IllegalMonitorStateException e = new IllegalMonitorStateException();
        e.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("java.util.concurrent.locks.ReentrantLock", "unlock", "ReentrantLock.java", 494),
                new StackTraceElement(className, "removeSocket", "X.java", 188),
                new StackTraceElement("io.confbridge.sip.SipExchange", "respond", "SipExchange.java", 68)});
        return e;
    }

    @Test
    void jainSipsDoubleUnlockOnAVanishedTcpPeerIsRecognised() {
        assertTrue(UndeliverableResponse.isCause(thrownFrom("gov.nist.javax.sip.stack.NIOHandler")));
    }

    @Test
    void theSameExceptionFromAnywhereElseIsABugAndNotHidden() {
        assertFalse(UndeliverableResponse.isCause(thrownFrom("io.confbridge.sip.SipCall")));
        assertFalse(UndeliverableResponse.isCause(new IllegalStateException("NIOHandler")));
    }
}
