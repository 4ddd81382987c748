package io.confbridge.sip.logging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NioHandlerUnlockTest {

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
        assertTrue(NioHandlerUnlock.isCause(thrownFrom("gov.nist.javax.sip.stack.NIOHandler")));
    }

    @Test
    void theSameExceptionFromAnywhereElseIsABugAndNotHidden() {
        assertFalse(NioHandlerUnlock.isCause(thrownFrom("io.confbridge.sip.SipCall")));
        assertFalse(NioHandlerUnlock.isCause(new IllegalStateException("NIOHandler")));
    }
}
