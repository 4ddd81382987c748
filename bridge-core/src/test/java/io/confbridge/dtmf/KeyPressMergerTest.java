package io.confbridge.dtmf;

import static io.confbridge.dtmf.DtmfPath.INBAND;
import static io.confbridge.dtmf.DtmfPath.RFC4733;
import static io.confbridge.dtmf.DtmfPath.SIP_INFO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeyPressMergerTest {

    private static final long MS = 1_000_000L;
    /** An arbitrary origin: nanoTime may be negative. */
    private static final long T0 = -5_000 * MS;

    private final KeyPressMerger merger = new KeyPressMerger(KeyPressMerger.DEFAULT_WINDOW);
    private final StringBuilder keys = new StringBuilder();

    private void offer(char key, DtmfPath path, long ms) {
        char accepted = merger.accept(key, path, T0 + ms * MS);
        if (accepted != DtmfKey.NONE) {
            keys.append(accepted);
        }
    }

    @Test
    void infoFirstThenRfc4733IsOnePress() {
        offer('5', SIP_INFO, 0);
        offer('5', RFC4733, 30);
        assertEquals("5", keys.toString());
    }

    @Test
    void rfc4733FirstThenInfoIsOnePress() {
        offer('5', RFC4733, 0);
        offer('5', SIP_INFO, 40);
        assertEquals("5", keys.toString());
    }

    @Test
    void allThreePathsTogetherAreOnePress() {
        offer('#', RFC4733, 0);
        offer('#', SIP_INFO, 10);
        offer('#', INBAND, 45);
        assertEquals("#", keys.toString());
    }

    @Test
    void sameKeyTwiceOnOnePathIsTwoPresses() {
        offer('1', RFC4733, 0);
        offer('1', RFC4733, 120);
        assertEquals("11", keys.toString());
    }

    @Test
    void sameKeyTwiceOnTwoPathsIsTwoPressesInEitherInterleaving() {
        // each press on both paths, the INFO copy arriving after the next RFC 4733 one
        offer('1', RFC4733, 0);
        offer('1', RFC4733, 120);
        offer('1', SIP_INFO, 140);
        offer('1', SIP_INFO, 260);
        assertEquals("11", keys.toString());
        keys.setLength(0);
        offer('0', SIP_INFO, 1000);
        offer('0', RFC4733, 1020);
        offer('0', SIP_INFO, 1130);
        offer('0', RFC4733, 1150);
        assertEquals("00", keys.toString());
    }

    @Test
    void differentKeysOnDifferentPathsCloseTogetherBothCount() {
        offer('4', SIP_INFO, 0);
        offer('7', RFC4733, 20);
        offer('1', INBAND, 40);
        assertEquals("471", keys.toString());
    }

    @Test
    void sameKeyOnAnotherPathAfterTheWindowIsANewPress() {
        offer('9', RFC4733, 0);
        offer('9', SIP_INFO, 250);
        assertEquals("9", keys.toString(), "at the window's end still the same press");
        offer('9', INBAND, 501);
        assertEquals("99", keys.toString());
    }

    @Test
    void duplicatesDoNotExtendTheWindow() {
        offer('2', RFC4733, 0);
        offer('2', SIP_INFO, 200);
        offer('2', SIP_INFO, 400); // 400 ms after the accepted press: a new press, not INFO's second copy
        assertEquals("22", keys.toString());
    }

    @Test
    void aKeyInBetweenEndsTheRun() {
        offer('3', RFC4733, 0);
        offer('6', RFC4733, 100);
        offer('3', SIP_INFO, 150);
        assertEquals("363", keys.toString());
    }

    @Test
    void windowIsConfigurable() {
        KeyPressMerger narrow = new KeyPressMerger(Duration.ofMillis(50));
        assertEquals('8', narrow.accept('8', RFC4733, 0));
        assertEquals(DtmfKey.NONE, narrow.accept('8', SIP_INFO, 50 * MS));
        assertEquals('8', narrow.accept('8', INBAND, 101 * MS));
        assertThrows(IllegalArgumentException.class, () -> new KeyPressMerger(Duration.ofMillis(-1)));
    }

    @Test
    void noneIsIgnored() {
        assertEquals(DtmfKey.NONE, merger.accept(DtmfKey.NONE, INBAND, 0));
        assertEquals('A', merger.accept('A', INBAND, MS));
    }
}
