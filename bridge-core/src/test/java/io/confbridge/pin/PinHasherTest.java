package io.confbridge.pin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PinHasherTest {

    static final byte[] PEPPER = filled(32, 7);
    /** The lowest cost the config allows: keeps the tests fast. */
    final PinHasher hasher = new PinHasher(PEPPER, 8192, 1, 1);

    @Test
    void hashThenVerifyRoundTrips() {
        String encoded = hasher.hash("48213");

        // Issue 9 §4 added the pepper ID (version 2; it was v=1 without k=).
        assertTrue(encoded.matches("\\$bridgepin\\$v=2\\$argon2id\\$m=8192,t=1,p=1,k=[0-9a-f]{12}\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), encoded);
        assertTrue(encoded.contains(",k=" + PinHasher.pepperId(PEPPER) + "$"), encoded);
        assertTrue(hasher.verify("48213", encoded));
        assertFalse(encoded.contains("48213"));
    }

    @Test
    void rotatedPepperKeepsOldHashesVerifyingUntilARehashMovesThem() {
        byte[] oldPepper = filled(32, 9);
        PinHasher before = new PinHasher(oldPepper, 8192, 1, 1);
        String oldHash = before.hash("48213");
        PinHasher rotated = new PinHasher(PEPPER, List.of(oldPepper), 8192, 1, 1);

        assertTrue(rotated.verify("48213", oldHash), "the previous pepper still verifies its hashes");
        assertFalse(rotated.verify("48214", oldHash));
        assertTrue(rotated.needsRehash(oldHash), "made with the previous pepper: moved at the next right PIN");
        String moved = rotated.hash("48213");
        assertFalse(rotated.needsRehash(moved));
        assertTrue(moved.contains(",k=" + rotated.pepperId() + "$"));
        assertFalse(before.verify("48213", moved), "the new hash needs the new pepper");
        assertFalse(hasher.verify("48213", oldHash), "without the previous pepper an old hash is refused");
        assertNotEquals(PinHasher.pepperId(oldPepper), PinHasher.pepperId(PEPPER));
        assertFalse(rotated.toString().contains(Base64.getEncoder().encodeToString(PEPPER)));
    }

    @Test
    void versionOneHashesWithoutAPepperIdStillVerifyAndAreRehashed() {
        String v2 = hasher.hash("48213");
        // The same Argon2 output in the version 1 format, as stored before pepper IDs.
        String v1 = v2.replace("$v=2$", "$v=1$").replaceFirst(",k=[0-9a-f]{12}", "");

        assertTrue(hasher.verify("48213", v1));
        assertFalse(hasher.verify("48214", v1));
        assertTrue(hasher.needsRehash(v1));
        assertTrue(new PinHasher(filled(32, 3), List.of(PEPPER), 8192, 1, 1).verify("48213", v1),
                "a version 1 hash is tried with the previous peppers too");
    }

    @Test
    void wrongPinDoesNotVerify() {
        String encoded = hasher.hash("48213");

        assertFalse(hasher.verify("48214", encoded));
        assertFalse(hasher.verify("482130", encoded));
    }

    @Test
    void samePinHashesDifferentlyEachTime() {
        assertNotEquals(hasher.hash("48213"), hasher.hash("48213"));
    }

    @Test
    void differentPepperDoesNotVerify() {
        String encoded = hasher.hash("48213");

        assertFalse(new PinHasher(filled(32, 8), 8192, 1, 1).verify("48213", encoded));
    }

    @Test
    void needsRehashWhenCostDiffers() {
        String cheap = hasher.hash("48213");
        PinHasher dearer = new PinHasher(PEPPER, 8192, 2, 1);

        assertFalse(hasher.needsRehash(cheap));
        assertTrue(dearer.needsRehash(cheap));
        assertTrue(new PinHasher(PEPPER, 16384, 1, 1).needsRehash(cheap));
        assertTrue(new PinHasher(PEPPER, 8192, 1, 2).needsRehash(cheap));
        assertTrue(dearer.verify("48213", cheap), "an older cost still verifies");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "garbage",
            "$bridgepin$v=2$argon2id$m=8192,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$bridgepin$v=1$argon2i$m=8192,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$bridgepin$v=1$argon2id$m=99999999,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$bridgepin$v=1$argon2id$m=8192,t=0,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$bridgepin$v=1$argon2id$m=8192,t=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$bridgepin$v=1$argon2id$m=8192,t=1,p=1$not*base64$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "$bridgepin$v=1$argon2id$m=8192,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA",
            "$bridgepin$v=1$argon2id$m=8192,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA$extra",
            "$argon2id$v=19$m=8192,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    })
    void malformedEncodingVerifiesFalseAndNeedsRehash(String encoded) {
        assertFalse(hasher.verify("48213", encoded));
        assertTrue(hasher.needsRehash(encoded));
    }

    @Test
    void tamperedHashDoesNotVerify() {
        String encoded = hasher.hash("48213");
        int cut = encoded.lastIndexOf('$') + 1;
        byte[] hash = Base64.getDecoder().decode(encoded.substring(cut));
        hash[0] ^= 1;

        assertFalse(hasher.verify("48213", encoded.substring(0, cut) + Base64.getEncoder().withoutPadding().encodeToString(hash)));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"123", "1234567890123", "12a45", "١٢٣٤٥", " 48213"})
    void malformedPinVerifiesFalseAndCannotBeHashed(String pin) {
        String encoded = hasher.hash("48213");

        assertFalse(hasher.verify(pin, encoded));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hasher.hash(pin));
        if (pin != null && !pin.isBlank()) {
            assertFalse(e.getMessage().contains(pin.trim()), "the message never quotes the PIN");
        }
    }

    @Test
    void toStringShowsNoSecret() {
        String text = hasher.toString();

        assertTrue(text.contains("m=8192"), text);
        assertFalse(text.contains(Base64.getEncoder().encodeToString(PEPPER)));
        assertFalse(text.contains(Arrays.toString(PEPPER)));
    }

    @Test
    void refusesShortPepperAndImpossibleCost() {
        assertThrows(IllegalArgumentException.class, () -> new PinHasher(new byte[16], 8192, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PinHasher(PEPPER, 8192, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new PinHasher(PEPPER, 16, 1, 4));
    }

    static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
