package io.confbridge.sip;

import io.confbridge.config.BridgeConfig;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The flood limits with explicit times (issue 9 §2). */
class RequestAdmissionTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long T0 = 1_000 * SECOND;

    private static BridgeConfig.LimitsConfig limits(int perSource, int burst, int global, int calls, int registers, int confIds) {
        return new BridgeConfig.LimitsConfig(perSource, burst, global, calls, registers, confIds, 64, List.of());
    }

    private static CallerSource source(String literal) throws Exception {
        InetAddress address = InetAddress.getByName(literal);
        return new CallerSource(address.getHostAddress(), address);
    }

    @Test
    void aSourceGetsItsBurstThenItsRate() throws Exception {
        RequestAdmission admission = new RequestAdmission(limits(20, 40, 1000, 200, 5, 10));
        CallerSource flooder = source("192.0.2.1");
        for (int i = 0; i < 40; i++) {
            assertNull(admission.admitInvite(flooder, T0), "burst INVITE " + i);
        }
        RequestAdmission.Refusal refusal = admission.admitInvite(flooder, T0);
        assertNotNull(refusal);
        assertEquals(1, refusal.retryAfterS());
        assertTrue(refusal.reason().contains("limits.invitesPerSecondPerSource"), refusal.reason());
        // 50 ms later one token (20 a second) is back, and only one.
        assertNull(admission.admitInvite(flooder, T0 + SECOND / 20));
        assertNotNull(admission.admitInvite(flooder, T0 + SECOND / 20));
        // Another source is not slowed down by the first.
        assertNull(admission.admitInvite(source("192.0.2.2"), T0));
        assertEquals(2, admission.refusedCount());
    }

    @Test
    void aSourceGetsAFew503sASecondAndThenNoAnswer() throws Exception {
        RequestAdmission admission = new RequestAdmission(limits(1, 1, 1000, 200, 5, 10));
        CallerSource flooder = source("192.0.2.1");
        assertNull(admission.admitInvite(flooder, T0));
        int answered = 0;
        int silent = 0;
        for (int i = 0; i < 1000; i++) {
            RequestAdmission.Refusal refusal = admission.admitInvite(flooder, T0);
            if (refusal.silent()) {
                silent++;
            } else {
                answered++;
            }
        }
        assertEquals(2 * RequestAdmission.REFUSALS_PER_SECOND, answered, "the 503s' burst");
        assertEquals(1000 - answered, silent);
        assertFalse(admission.admitInvite(flooder, T0 + SECOND / 10).silent(), "a tenth of a second later, 503s again");
        assertEquals(1000 + 1, admission.refusedCount());
    }

    @Test
    void beforeParsingOnlyNewInvitesAndRegistersCountAndAFloodIsDroppedUnread() throws Exception {
        RequestAdmission admission = new RequestAdmission(limits(20, 40, 1000, 200, 5, 10));
        InetAddress flooder = InetAddress.getByName("192.0.2.1");
        byte[] invite = "INVITE sip:1@bridge SIP/2.0\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] options = "OPTIONS sip:1@bridge SIP/2.0\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int passed = 0;
        for (int i = 0; i < 5000; i++) {
            if (admission.admitsDatagram(flooder, invite, 0, invite.length, T0)) {
                passed++;
            }
        }
        // Twice the INVITE burst plus twice two seconds of REGISTERs: 2 * (40 + 10).
        assertEquals(100, passed);
        assertEquals(4900, admission.droppedDatagrams());
        assertTrue(admission.admitsDatagram(flooder, options, 0, options.length, T0), "OPTIONS are never counted");
        assertTrue(admission.admitsDatagram(InetAddress.getByName("192.0.2.2"), invite, 0, invite.length, T0));
        RequestAdmission trusting = new RequestAdmission(new BridgeConfig.LimitsConfig(20, 40, 1000, 200, 5, 10, 64,
                io.confbridge.config.AddressBlock.parseList("k", "192.0.2.0/24")));
        for (int i = 0; i < 500; i++) {
            assertTrue(trusting.admitsDatagram(flooder, invite, 0, invite.length, T0), "a trusted proxy is keyed per caller later");
        }
    }

    @Test
    void theGlobalBucketCapsAllSourcesTogether() throws Exception {
        RequestAdmission admission = new RequestAdmission(limits(100, 100, 10, 200, 5, 10));
        int admitted = 0;
        for (int i = 0; i < 30; i++) {
            if (admission.admitInvite(source("192.0.2." + (i + 1)), T0) == null) {
                admitted++;
            }
        }
        assertEquals(10, admitted);
        RequestAdmission.Refusal refusal = admission.admitInvite(source("192.0.2.99"), T0);
        assertTrue(refusal.reason().contains("limits.invitesPerSecond"), refusal.reason());
        assertNull(admission.admitInvite(source("192.0.2.99"), T0 + SECOND));
    }

    @Test
    void registersHaveTheirOwnBucket() throws Exception {
        RequestAdmission admission = new RequestAdmission(limits(20, 40, 1000, 200, 5, 10));
        CallerSource phone = source("192.0.2.1");
        for (int i = 0; i < 10; i++) {
            assertNull(admission.admitRegister(phone, T0), "REGISTER " + i);
        }
        assertNotNull(admission.admitRegister(phone, T0));
        assertNull(admission.admitInvite(phone, T0), "INVITEs are counted apart");
        assertNull(admission.admitRegister(phone, T0 + SECOND / 5));
    }

    @Test
    void callsInProgressPerSourceAreCapped() throws Exception {
        RequestAdmission admission = new RequestAdmission(limits(20, 40, 1000, 2, 5, 10));
        CallerSource trunk = source("192.0.2.1");
        assertTrue(admission.callStarted(trunk, T0));
        assertTrue(admission.callStarted(trunk, T0));
        assertFalse(admission.callStarted(trunk, T0));
        assertTrue(admission.callStarted(source("192.0.2.2"), T0));
        admission.callEnded(trunk.key());
        assertEquals(1, admission.callsInProgress(trunk.key()));
        assertTrue(admission.callStarted(trunk, T0));
        admission.callEnded(trunk.key());
        admission.callEnded(trunk.key());
        admission.callEnded(trunk.key());
        assertEquals(0, admission.callsInProgress(trunk.key()), "never below zero");
    }

    @Test
    void wrongConferenceIdsPastTheLimitBanTheSourceForAGrowingTime() throws Exception {
        RequestAdmission admission = new RequestAdmission(limits(1000, 1000, 10000, 200, 5, 3));
        CallerSource scanner = source("192.0.2.1");
        for (int i = 0; i < 3; i++) {
            assertFalse(admission.conferenceIdFailed(scanner, T0 + i));
        }
        assertTrue(admission.conferenceIdFailed(scanner, T0 + 3));
        RequestAdmission.Refusal banned = admission.admitInvite(scanner, T0 + SECOND);
        assertNotNull(banned);
        assertEquals(60, banned.retryAfterS(), "59 s and 3 ns, rounded up");
        assertNull(admission.admitInvite(source("192.0.2.2"), T0 + SECOND), "others are not banned");
        assertNull(admission.admitInvite(scanner, T0 + 61 * SECOND), "the first ban lasts a minute");

        long again = T0 + 120 * SECOND;
        for (int i = 0; i < 3; i++) {
            assertFalse(admission.conferenceIdFailed(scanner, again + i));
        }
        assertTrue(admission.conferenceIdFailed(scanner, again + 3));
        assertNotNull(admission.admitInvite(scanner, again + 119 * SECOND), "the second lasts two minutes");
        assertNull(admission.admitInvite(scanner, again + 121 * SECOND));
        assertEquals(TimeUnit.HOURS.toNanos(1), RequestAdmission.banNs(30), "capped at an hour");
    }

    @Test
    void failuresSpreadOverMinutesDoNotBan() throws Exception {
        RequestAdmission admission = new RequestAdmission(limits(1000, 1000, 10000, 200, 5, 3));
        CallerSource caller = source("192.0.2.1");
        for (int i = 0; i < 20; i++) {
            assertFalse(admission.conferenceIdFailed(caller, T0 + i * 30 * SECOND), "failure " + i);
        }
    }

    @Test
    void sourceStateStaysBoundedWhenAnAttackerRotatesAddresses() throws Exception {
        RequestAdmission admission = new RequestAdmission(limits(20, 40, 1_000_000, 200, 5, 10));
        int rotated = RequestAdmission.MAX_SOURCES + 20_000;
        byte[] v4 = new byte[4];
        v4[0] = 10;
        for (int i = 0; i < rotated; i++) {
            v4[1] = (byte) (i >> 16);
            v4[2] = (byte) (i >> 8);
            v4[3] = (byte) i;
            InetAddress address = InetAddress.getByAddress(v4);
            admission.admitInvite(new CallerSource(address.getHostAddress(), address), T0 + i);
        }
        assertTrue(admission.trackedSources() <= RequestAdmission.MAX_SOURCES,
                "tracked " + admission.trackedSources() + " of " + rotated);
    }
}
