package io.confbridge.sip.logging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The SIP wire log never shows an SDES key (RFC 4568 inline key parameters). */
class Slf4jServerLoggerTest {
    @Test
    void sdesKeysAreHiddenAndOtherMessagesUntouched() {
        String key = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
        String sdp = "m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^20|1:4\r\n";
        String logged = Slf4jServerLogger.withoutSdesKeys(sdp);
        assertFalse(logged.contains(key), logged);
        assertEquals("m=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<hidden>\r\n", logged);
        String plain = "OPTIONS sip:bridge SIP/2.0\r\n";
        assertSame(plain, Slf4jServerLogger.withoutSdesKeys(plain));
    }
}
