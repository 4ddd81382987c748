package io.confbridge.dtmf;

import java.time.Duration;
import java.util.Arrays;

/**
 * Makes one key press count once when the phone sends it on several paths: RFC 4733 and SIP INFO
 * together, or events and in-band tones (a gateway that both relays and passes the audio through).
 * One instance per call, used on the call's thread only (SIP INFO arrives on a SIP thread and must
 * be handed over to it first); fields only, no allocation.
 *
 * <p>Each path is trusted to have deduplicated itself ({@link Rfc4733Receiver} reports a press
 * once however many packets carry it), so "11" typed quickly on one path is two presses. Across
 * paths, the merger counts the presses of the same key that each path has reported in a run: a
 * run is a key and the presses of it reported within the window of the last accepted one. A press
 * is new when its path has now reported more presses in the run than any path had before; it is a
 * duplicate when another path already reported that many. So with INFO and RFC 4733 both carrying
 * "11", the first INFO "1" and the first RFC 4733 "1" are one press, the second of each another,
 * in whichever order they come.
 *
 * <p>A run ends at a different key or when the window has passed since the last accepted press.
 * The paths' delays differ by far less than the window (in-band detection lags by some 30 ms), and
 * people do not type the same key twice within 100 ms on one path while another path lags by more
 * than that, which is what would be needed to confuse the count.
 */
final class KeyPressMerger {

    /** The default window: longer than any path's lag behind another, shorter than two presses. */
    static final Duration DEFAULT_WINDOW = Duration.ofMillis(250);

    private final long windowNs;
    private char runKey = DtmfKey.NONE;
    private long lastAcceptedNs;
    private int accepted;
    /** Presses of runKey each path has reported in this run, by {@link DtmfPath#ordinal()}. */
    private final int[] reported = new int[DtmfPath.values().length];

    /** @param window how long after an accepted press the same key on another path is the same press */
    KeyPressMerger(Duration window) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("negative window " + window);
        }
        this.windowNs = window.toNanos();
    }

    /**
     * Offers a key press as one path reported it.
     *
     * @param key the key; {@link DtmfKey#NONE} is ignored
     * @param path where it came from
     * @param nowNs the monotonic time of arrival ({@link System#nanoTime()} scale)
     * @return the key if it is a new press, {@link DtmfKey#NONE} if it is one already counted
     */
    char accept(char key, DtmfPath path, long nowNs) {
        if (key == DtmfKey.NONE) {
            return DtmfKey.NONE;
        }
        if (key != runKey || nowNs - lastAcceptedNs > windowNs) {
            runKey = key;
            accepted = 0;
            Arrays.fill(reported, 0);
        }
        int count = ++reported[path.ordinal()];
        if (count <= accepted) {
            return DtmfKey.NONE;
        }
        accepted = count;
        lastAcceptedNs = nowNs;
        return key;
    }
}
