package io.confbridge.meeting;

import io.confbridge.metrics.BridgeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The timing of one lobby let in at a meeting's start (issue 11 §5), split where the causes differ:
 * the organizer's {@code #} → PIN verified (Argon2 and what surrounds it), and verified → the last
 * admitted caller's first meeting packet (the admission pass and the first send). Each admitted call
 * reports its first meeting packet from its own loop; when the last has, one log line and the metrics.
 *
 * <p>Thread-safe: the calls report from several media loops. Nothing here is on the per-tick path:
 * each call reports once.
 */
public final class LobbyAdmission {
    private static final Logger log = LoggerFactory.getLogger(LobbyAdmission.class);

    /** No {@code #} was typed: the meeting started without a PIN (no-PIN meeting, app, digest organizer). */
    public static final long NO_PIN = -1;

    /**
     * When the organizer's PIN was typed and when it was found right ({@link System#nanoTime()} scale),
     * carried from the organizer's call to the meeting it starts.
     */
    public record PinTiming(long poundNs, long verifiedNs) {
    }

    private final String conferenceId;
    private final long poundNs;
    /** The PIN verdict, or the meeting's start when there was no PIN: what "verified →" counts from. */
    private final long verifiedNs;
    private final BridgeMetrics metrics;
    private final int callers;
    private final AtomicInteger pending;
    private final AtomicLong firstPacketNs = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastPacketNs = new AtomicLong(Long.MIN_VALUE);

    LobbyAdmission(String conferenceId, PinTiming pin, long startedNs, int callers, BridgeMetrics metrics) {
        this.conferenceId = conferenceId;
        this.poundNs = pin == null ? NO_PIN : pin.poundNs();
        this.verifiedNs = pin == null ? startedNs : pin.verifiedNs();
        this.callers = callers;
        this.pending = new AtomicInteger(callers);
        this.metrics = metrics;
    }

    /** An admitted call sent its first meeting packet now; from the call's loop, once per call. */
    public void firstPacketSent(long nowNs) {
        firstPacketNs.accumulateAndGet(nowNs, Math::min);
        lastPacketNs.accumulateAndGet(nowNs, Math::max);
        countDown();
    }

    /** An admitted call ended (or never connected) before sending a meeting packet: not waited for. */
    public void gone() {
        countDown();
    }

    private void countDown() {
        if (pending.decrementAndGet() == 0) {
            report();
        }
    }

    private void report() {
        long last = lastPacketNs.get();
        if (last == Long.MIN_VALUE) {
            return; // every admitted call ended first: nothing was measured
        }
        long lobbyNs = Math.max(0, last - verifiedNs);
        long firstNs = Math.max(0, firstPacketNs.get() - verifiedNs);
        long pinNs = poundNs == NO_PIN ? NO_PIN : Math.max(0, verifiedNs - poundNs);
        metrics.lobbyAdmitted(pinNs, lobbyNs);
        // The bench reads this line ("# -> PIN verified", "verified -> last caller"): keep its wording.
        log.info("meeting {}: lobby of {} admitted; # -> PIN verified {} ms; verified -> first caller {} ms, "
                        + "verified -> last caller {} ms (first meeting packet)", conferenceId, callers,
                pinNs == NO_PIN ? "n/a" : ms(pinNs), ms(firstNs), ms(lobbyNs));
    }

    private static String ms(long ns) {
        return String.format(Locale.ROOT, "%.1f", ns / 1e6);
    }
}
