package io.confbridge.server.support;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestPhoneTest {

    @Test
    void findsWhereRequestsForAUriGo() {
        assertEquals(5062, TestPhone.destinationOf("sip:bridge@127.0.0.1:5062;transport=udp").getPort());
        assertEquals(5060, TestPhone.destinationOf("sip:127.0.0.1").getPort());
        assertEquals("127.0.0.1", TestPhone.destinationOf("sip:127.0.0.1:5099").getHostString());
    }
}
