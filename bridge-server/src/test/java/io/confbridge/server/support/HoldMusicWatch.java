package io.confbridge.server.support;

import java.time.Duration;
import java.util.List;

/**
 * What a listening phone received between two instants: the longest silence between consecutive audio
 * packets (from the last packet before the window on), that gap less the time the whole JVM was stalled
 * meanwhile ({@link StallCanary}), and how many packets arrived. Fuzz tests check after each batch that
 * hostile traffic cost a call none of its 20 ms cadence.
 *
 * @param longestGap       the longest gap between audio packets
 * @param longestBridgeGap the longest gap less the JVM-wide stall within it: what the bridge itself caused
 */
public record HoldMusicWatch(Duration longestGap, Duration longestBridgeGap, int audioPackets) {

    /** The audio packets {@code phone} received from {@code startNs} to {@code endNs} ({@link System#nanoTime()}). */
    public static HoldMusicWatch of(TestPhone phone, long startNs, long endNs) {
        return of(phone, startNs, endNs, null);
    }

    /** As {@link #of(TestPhone, long, long)}, with each gap also net of what {@code canary} saw stalled. */
    public static HoldMusicWatch of(TestPhone phone, long startNs, long endNs, StallCanary canary) {
        List<ReceivedRtp> received = phone.receivedSince(startNs - Duration.ofMillis(200).toNanos());
        long previous = Long.MIN_VALUE;
        long longest = 0;
        long longestNet = 0;
        int count = 0;
        for (ReceivedRtp p : received) {
            if (!p.isAudio() || p.arrivalNs() > endNs) {
                continue;
            }
            if (previous != Long.MIN_VALUE && p.arrivalNs() >= startNs) {
                long gap = p.arrivalNs() - previous;
                longest = Math.max(longest, gap);
                longestNet = Math.max(longestNet, gap - stalled(canary, previous, p.arrivalNs()));
            }
            if (p.arrivalNs() >= startNs) {
                count++;
            }
            previous = p.arrivalNs();
        }
        if (previous == Long.MIN_VALUE) {
            Duration all = Duration.ofNanos(endNs - startNs);
            return new HoldMusicWatch(all, all, 0);
        }
        long tail = endNs - previous;
        longest = Math.max(longest, tail);
        longestNet = Math.max(longestNet, tail - stalled(canary, previous, endNs));
        return new HoldMusicWatch(Duration.ofNanos(longest), Duration.ofNanos(longestNet), count);
    }

    private static long stalled(StallCanary canary, long fromNs, long toNs) {
        return canary == null ? 0 : canary.stalledNsWithin(fromNs, toNs);
    }
}
