package io.confbridge.rtp;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SRTP and SRTCP on the media path allocate nothing per packet (the JDK's Mac would: HMAC-SHA1 is ours,
 * checked here against RFC 2202), and every packet round-trips.
 */
class SrtpAllocationTest {
    private static final int ROUNDS = 20_000;

    @Test
    void hmacSha1MatchesRfc2202() {
        HmacSha1 mac = new HmacSha1("Jefe".getBytes(StandardCharsets.US_ASCII));
        byte[] data = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[20];
        mac.update(data, 0, data.length);
        mac.doFinal(out, 0);
        assertEquals("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", HexFormat.of().formatHex(out));
        mac.update(data, 0, 4);
        mac.update(data, 4, data.length - 4);
        mac.doFinal(out, 0);
        assertEquals("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", HexFormat.of().formatHex(out), "reusable");

        HmacSha1 longKey = new HmacSha1(HexFormat.of().parseHex("aa".repeat(80)));
        byte[] text = "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(StandardCharsets.US_ASCII);
        longKey.update(text, 0, text.length);
        longKey.doFinal(out, 0);
        assertEquals("aa4ae5e15272d00e95705637ce8a3b55ed402112", HexFormat.of().formatHex(out));
    }

    @Test
    void protectAndUnprotectAllocateNothingPerPacket() {
        byte[] key = new byte[16];
        byte[] salt = new byte[14];
        key[3] = 9;
        SrtpContext sender = new SrtpContext(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80, key, salt);
        SrtpContext receiver = new SrtpContext(SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80, key, salt);
        SrtcpContext rtcpSender = new SrtcpContext(key, salt);
        SrtcpContext rtcpReceiver = new SrtcpContext(key, salt);
        byte[] packet = new byte[12 + 160 + 10];
        byte[] report = new byte[52 + SrtcpContext.OVERHEAD];
        packet[0] = (byte) 0x80;
        report[0] = (byte) 0x81;
        report[1] = (byte) 200;
        int[] ok = {0};
        run(sender, receiver, rtcpSender, rtcpReceiver, packet, report, 0, ROUNDS, ok); // warm-up: JIT
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        run(sender, receiver, rtcpSender, rtcpReceiver, packet, report, ROUNDS, ROUNDS, ok);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertEquals(2 * 2 * ROUNDS, ok[0], "every packet round-tripped");
        assertTrue(allocated < 16L * ROUNDS / 100, allocated + " bytes for " + ROUNDS + " rounds");
    }

    private static void run(SrtpContext sender, SrtpContext receiver, SrtcpContext rtcpSender,
                            SrtcpContext rtcpReceiver, byte[] packet, byte[] report, int from, int rounds, int[] ok) {
        for (int i = from; i < from + rounds; i++) {
            packet[2] = (byte) (i >>> 8);
            packet[3] = (byte) i;
            int length = sender.protect(packet, 0, 12 + 160);
            if (receiver.unprotect(packet, 0, length) == 12 + 160) {
                ok[0]++;
            }
            int rtcpLength = rtcpSender.protect(report, 0, 52);
            if (rtcpReceiver.unprotect(report, 0, rtcpLength) == 52) {
                ok[0]++;
            }
        }
    }
}
