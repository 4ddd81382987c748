package io.confbridge.call;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaWatchdogTest {
    private static final long MS = 1_000_000;

    private final AtomicLong heard = new AtomicLong();
    private final List<Long> silences = new ArrayList<>();
    private final MediaWatchdog watchdog = new MediaWatchdog(1_000, heard::get, silences::add);

    @Test
    void silentCallerIsEndedOnceAtTheFirstCheckPastTheTimeout() {
        watchdog.arm(0);
        assertFalse(watchdog.check(250 * MS));
        assertFalse(watchdog.check(999 * MS));
        assertTrue(watchdog.check(1_000 * MS));
        assertEquals(List.of(1_000L), silences);
        assertFalse(watchdog.check(5_000 * MS), "told once");
        assertEquals(1, silences.size());
    }

    @Test
    void anyPacketHeardRestartsTheSilence() {
        watchdog.arm(0);
        heard.addAndGet(3);
        assertFalse(watchdog.check(750 * MS));
        assertFalse(watchdog.check(1_500 * MS), "heard at the 750 ms check: silent only 750 ms");
        heard.incrementAndGet(); // one RTCP report is enough
        assertFalse(watchdog.check(1_750 * MS));
        assertFalse(watchdog.check(2_500 * MS));
        assertTrue(watchdog.check(2_750 * MS));
        assertEquals(List.of(1_000L), silences);
    }

    @Test
    void packetsBeforeTheAnswerDoNotCountAsSilenceOrLife() {
        heard.set(40);
        watchdog.arm(10_000 * MS);
        assertFalse(watchdog.check(10_900 * MS));
        assertTrue(watchdog.check(11_000 * MS));
    }

    @Test
    void zeroOrNegativeTimeoutIsNoWatchdog() {
        assertThrows(IllegalArgumentException.class, () -> new MediaWatchdog(0, heard::get, silences::add));
    }
}
