package io.confbridge.dtmf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DtmfKeyTest {

    @Test
    void mapsTheSixteenEventCodesBothWays() {
        String keys = "0123456789*#ABCD";
        for (int event = 0; event < 16; event++) {
            char key = keys.charAt(event);
            assertEquals(key, DtmfKey.fromEvent(event));
            assertEquals(event, DtmfKey.toEvent(key));
            assertTrue(DtmfKey.isKey(key));
        }
        assertEquals(12, DtmfKey.toEvent('a'));
        assertEquals(15, DtmfKey.toEvent('d'));
    }

    @Test
    void eventsThatAreNotKeysMapToNone() {
        assertEquals(DtmfKey.NONE, DtmfKey.fromEvent(16)); // flash
        assertEquals(DtmfKey.NONE, DtmfKey.fromEvent(-1));
        assertEquals(DtmfKey.NONE, DtmfKey.fromEvent(255));
        assertEquals(-1, DtmfKey.toEvent('E'));
        assertEquals(-1, DtmfKey.toEvent(DtmfKey.NONE));
        assertFalse(DtmfKey.isKey('x'));
    }
}
