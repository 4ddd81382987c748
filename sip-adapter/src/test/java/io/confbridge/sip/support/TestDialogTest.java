package io.confbridge.sip.support;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestDialogTest {

    @Test
    void findsWhereRequestsForAUriGo() {
        assertEquals(5062, TestDialog.destinationOf("sip:bridge@127.0.0.1:5062;transport=udp").getPort());
        assertEquals(5060, TestDialog.destinationOf("sip:127.0.0.1").getPort());
        assertEquals("127.0.0.1", TestDialog.destinationOf("sip:127.0.0.1:5099").getHostString());
    }
}
