package io.confbridge.server.admin;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-source budget of failed admin authentications, with time moved by hand. */
class AuthFailureBudgetTest {
    private final AtomicLong nowNs = new AtomicLong(1_000_000_000L);
    private final AuthFailureBudget budget = new AuthFailureBudget(3, nowNs::get);

    @Test
    void aSourceIsRefusedOnceItSpentItsMinutesFailuresAndServedAgainAsTheyRefill() throws Exception {
        InetAddress guesser = InetAddress.getByName("192.0.2.7");
        InetAddress neighbour = InetAddress.getByName("192.0.2.8");
        for (int i = 0; i < 2; i++) {
            budget.failed(guesser);
            assertEquals(0, budget.retryAfterS(guesser), "within the budget after " + (i + 1) + " failure(s)");
        }
        budget.failed(guesser);
        assertEquals(20, budget.retryAfterS(guesser), "3 a minute: one comes back every 20 s");
        assertEquals(0, budget.retryAfterS(neighbour), "another address is not charged");

        advanceSeconds(19);
        assertEquals(1, budget.retryAfterS(guesser));
        advanceSeconds(1);
        assertEquals(0, budget.retryAfterS(guesser), "one failure's worth back after 20 s");
        budget.failed(guesser);
        assertEquals(20, budget.retryAfterS(guesser), "and spent again by the next failure");

        advanceSeconds(60);
        for (int i = 0; i < 2; i++) {
            budget.failed(guesser);
        }
        assertEquals(0, budget.retryAfterS(guesser), "a quiet minute refills the whole budget");
    }

    @Test
    void anIpv6SourceIsItsSlash64() throws Exception {
        for (int i = 1; i <= 3; i++) {
            budget.failed(InetAddress.getByName("2001:db8:1:2::" + i));
        }
        assertTrue(budget.retryAfterS(InetAddress.getByName("2001:db8:1:2:ffff::9")) > 0,
                "another address of the same /64 is the same source");
        assertEquals(0, budget.retryAfterS(InetAddress.getByName("2001:db8:1:3::1")), "the next /64 is not");
        assertEquals("2001:db8:1:2:0:0:0:0/64", AuthFailureBudget.key(InetAddress.getByName("2001:db8:1:2::5")));
    }

    @Test
    void rotatingSourceAddressesCannotGrowTheStateWithoutBound() throws Exception {
        for (int i = 0; i < AuthFailureBudget.MAX_SOURCES + 5_000; i++) {
            budget.failed(InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
        }
        assertTrue(budget.trackedSources() <= AuthFailureBudget.MAX_SOURCES, "tracked: " + budget.trackedSources());
    }

    private void advanceSeconds(long seconds) {
        nowNs.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }
}
