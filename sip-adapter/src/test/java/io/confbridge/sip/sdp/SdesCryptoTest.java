package io.confbridge.sip.sdp;

import io.confbridge.rtp.SrtpContext;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code a=crypto} lines as softphones send them (RFC 4568 §9.1 examples, baresip's form). */
class SdesCryptoTest {
    /** RFC 4568 §3's example key. */
    private static final String KEY = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";

    @Test
    void readsBothSuitesInOrderAndSkipsWhatTheBridgeDoesNotSpeak() throws Exception {
        List<SdesCrypto> offers = SdesCrypto.usable(List.of(
                "1 AEAD_AES_256_GCM inline:" + KEY,
                "2 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2^20",
                "3 AES_CM_128_HMAC_SHA1_32 inline:" + KEY,
                "4 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2^20|1:4",
                "5 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + " UNENCRYPTED_SRTP"));
        assertEquals(2, offers.size());
        assertEquals(2, offers.get(0).tag());
        assertEquals(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80, offers.get(0).suite());
        assertEquals(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_32, offers.get(1).suite());
        byte[] decoded = java.util.Base64.getDecoder().decode(KEY);
        assertEquals(HexFormat.of().formatHex(decoded, 0, 16), HexFormat.of().formatHex(offers.get(0).masterKey()));
        assertEquals(HexFormat.of().formatHex(decoded, 16, 30), HexFormat.of().formatHex(offers.get(0).masterSalt()));
    }

    @Test
    void writesItsOwnAnswerLineAndNeverShowsTheKey() throws Exception {
        SdesCrypto crypto = SdesCrypto.parse("7 AES_CM_128_HMAC_SHA1_32 inline:" + KEY);
        assertEquals("7 AES_CM_128_HMAC_SHA1_32 inline:" + KEY, crypto.attributeValue());
        assertFalse(crypto.toString().contains(KEY.substring(0, 8)), crypto.toString());
        assertNull(SdesCrypto.parse("1 F8_128_HMAC_SHA1_80 inline:" + KEY));
    }

    @Test
    void malformedLinesOfOurSuitesAreRefusedWithoutTheKeyInTheMessage() {
        for (String bad : List.of("x AES_CM_128_HMAC_SHA1_80 inline:" + KEY, "1 AES_CM_128_HMAC_SHA1_80",
                "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY.substring(0, 20),
                "1 AES_CM_128_HMAC_SHA1_80 inline:%%%not-base64%%%", "1 AES_CM_128_HMAC_SHA1_80 uri:" + KEY)) {
            SdpParseException e = assertThrows(SdpParseException.class, () -> SdesCrypto.usable(List.of(bad)), bad);
            assertFalse(e.getMessage().contains(KEY.substring(0, 12)), e.getMessage());
        }
    }
}
