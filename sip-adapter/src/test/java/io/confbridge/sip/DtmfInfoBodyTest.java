package io.confbridge.sip;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DtmfInfoBodyTest {

    @Test
    void readsSignalFromDtmfRelay() {
        assertEquals('5', DtmfInfoBody.parseDtmfRelay("Signal=5\r\nDuration=160\r\n"));
        assertEquals('#', DtmfInfoBody.parseDtmfRelay("Signal= #\nDuration= 250"));
        assertEquals('*', DtmfInfoBody.parseDtmfRelay("Duration=160\r\nSignal=10\r\n"));
        assertEquals('A', DtmfInfoBody.parseDtmfRelay("signal=a"));
    }

    @Test
    void readsKeyFromPlainDtmf() {
        assertEquals('0', DtmfInfoBody.parseDtmf("0"));
        assertEquals('#', DtmfInfoBody.parseDtmf("11\r\n"));
        assertEquals('*', DtmfInfoBody.parseDtmf("*"));
    }

    @Test
    void rejectsBodiesWithoutAKey() {
        assertThrows(IllegalArgumentException.class, () -> DtmfInfoBody.parseDtmfRelay("Duration=160"));
        assertThrows(IllegalArgumentException.class, () -> DtmfInfoBody.parseDtmfRelay("Signal=Z"));
        assertThrows(IllegalArgumentException.class, () -> DtmfInfoBody.parseDtmf(""));
        assertThrows(IllegalArgumentException.class, () -> DtmfInfoBody.parseDtmf("16"));
        assertThrows(IllegalArgumentException.class, () -> DtmfInfoBody.parseDtmf("55"));
    }
}
