package io.confbridge.sip.stream;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionCountTest {
    private static final InetAddress A = address("192.0.2.1");
    private static final InetAddress B = address("192.0.2.2");
    private static final InetAddress C = address("192.0.2.3");

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void oneAddressGetsItsShareAndNoMore() {
        ConnectionCount count = new ConnectionCount(10, 2);
        assertTrue(count.tryOpen(A));
        assertTrue(count.tryOpen(A));
        assertFalse(count.tryOpen(A), "a third from one address");
        assertTrue(count.tryOpen(B), "another address is not affected");
        assertEquals(3, count.total());
        count.closed(A);
        assertTrue(count.tryOpen(A), "a closed connection frees its place");
    }

    @Test
    void theTotalIsCappedAndRefusalsCountNothing() {
        ConnectionCount count = new ConnectionCount(2, 5);
        assertTrue(count.tryOpen(A));
        assertTrue(count.tryOpen(B));
        assertFalse(count.tryOpen(C));
        assertEquals(2, count.total());
        assertEquals(0, count.from(C));
        count.closed(B);
        assertEquals(0, count.from(B), "the address is forgotten when its last connection closes");
        assertTrue(count.tryOpen(C));
    }
}
