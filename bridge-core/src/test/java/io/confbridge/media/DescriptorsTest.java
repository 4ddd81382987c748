package io.confbridge.media;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.BindException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DescriptorsTest {

    @Test
    void findsTheProcessOrTheMachineOutOfDescriptorsAnywhereInTheCauseChain() {
        assertEquals("accept(..) failed: Too many open files",
                Descriptors.exhaustion(new IOException("accept(..) failed: Too many open files")));
        Exception wrapped = new IllegalStateException("bind failed",
                new IOException("socket: Too many open files in system"));
        assertEquals("socket: Too many open files in system", Descriptors.exhaustion(wrapped),
                "the cause's words, not the wrapper's");
    }

    @Test
    void aTakenPortOrNoMessageIsNoExhaustion() {
        assertNull(Descriptors.exhaustion(new BindException("bind(..) failed: Address already in use")));
        assertNull(Descriptors.exhaustion(new IOException((String) null)));
        assertNull(Descriptors.exhaustion(null));
    }

    @Test
    void aThrowableThatIsItsOwnCauseEndsTheWalk() {
        Exception selfCaused = new Exception("odd") {
            @Override
            public synchronized Throwable getCause() {
                return this;
            }
        };
        assertNull(Descriptors.exhaustion(selfCaused));
    }
}
