package io.confbridge.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The bridge's own Prometheus metrics (issue 10 §4), every meter created once with all its label values
 * so that a scrape shows them at zero before anything happened. Callers hold this object and call its
 * methods; the names are those scripts rely on and must not change.
 *
 * <p>Nothing on the media hot path allocates: RTP packet, drop and loss counts are plain fields of each
 * live call ({@link RtpCounts}), summed at scrape time over the live calls plus a retired total of the
 * calls that ended. Histograms are recorded into prebuilt meters.
 */
public final class BridgeMetrics {

    /** How a call ended, for {@code confbridge_calls_total{outcome}}. */
    public enum CallOutcome { COMPLETED, REJECTED, FAILED }

    /** The stage a live call is in, for {@code confbridge_calls_active{stage}}. */
    public enum Stage { IVR, LOBBY, MEETING }

    /** The result of one PIN attempt, for {@code confbridge_pin_attempts_total{result}}. */
    public enum PinResult { ACCEPTED, REJECTED, LOCKED }

    /** What was locked, for {@code confbridge_lockouts_total{kind}}. */
    public enum LockoutKind { ORGANIZER, SOURCE, DIGEST }

    /** Why an RTP packet was dropped, for {@code confbridge_rtp_dropped_total{reason}}. */
    public enum DropReason { FOREIGN_SOURCE, MALFORMED, SRTP_AUTH, REPLAY }

    /**
     * One live call's RTP counters, read at scrape time from another thread (a stale value is fine; each
     * only grows). Implementations return plain fields: no allocation, no locks.
     */
    public interface RtpCounts {
        long packetsIn();

        long packetsOut();

        /** Dropped packets for the reason, 0 for a reason this call does not count. */
        long dropped(DropReason reason);

        /** Packets lost, from sequence gaps. */
        long lost();

        /** Packets the jitter buffer dropped because they came after their frame was played. */
        default long jitterBufferLate() {
            return 0;
        }

        /** The jitter buffer's depth now in milliseconds, or -1 when the call is not in a meeting. */
        default int jitterBufferDepthMs() {
            return -1;
        }
    }

    /** SIP methods counted by name; anything else is {@code other}, so a scanner cannot add labels. */
    private static final Set<String> SIP_METHODS = Set.of("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "INFO",
            "UPDATE", "PRACK", "REGISTER", "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH");

    private final MeterRegistry registry;
    private final Counter[] calls = new Counter[CallOutcome.values().length];
    private final AtomicInteger[] activeByStage = new AtomicInteger[Stage.values().length];
    private final Counter[] pinAttempts = new Counter[PinResult.values().length];
    private final Counter[] lockouts = new Counter[LockoutKind.values().length];
    private final ConcurrentHashMap<String, Counter> sipRequests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Counter> sipResponses = new ConcurrentHashMap<>();
    private final Set<RtpCounts> liveRtp = ConcurrentHashMap.newKeySet();
    /** Totals of ended calls: in, out, lost, then one per drop reason. Guarded by {@code this}. */
    private final long[] retired = new long[3 + DropReason.values().length];
    /** Jitter buffer late packets of ended calls. Guarded by {@code this}. */
    private long retiredLate;
    private final DistributionSummary jitter;
    private final Timer tickLateness;
    private final Timer admissionPin;
    private final Timer admissionLobby;
    private volatile IntSupplier meetingsActive = () -> 0;

    public BridgeMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (CallOutcome o : CallOutcome.values()) {
            calls[o.ordinal()] = Counter.builder("confbridge_calls").description("Calls that ended, by outcome")
                    .tag("outcome", label(o)).register(registry);
        }
        for (Stage s : Stage.values()) {
            AtomicInteger n = new AtomicInteger();
            activeByStage[s.ordinal()] = n;
            Gauge.builder("confbridge_calls_active", n, AtomicInteger::get).description("Calls in progress, by stage")
                    .tag("stage", label(s)).register(registry);
        }
        Gauge.builder("confbridge_meetings_active", this, m -> m.meetingsActive.getAsInt())
                .description("Meetings live on this node").register(registry);
        for (PinResult r : PinResult.values()) {
            pinAttempts[r.ordinal()] = Counter.builder("confbridge_pin_attempts").description("PIN attempts, by result")
                    .tag("result", label(r)).register(registry);
        }
        for (LockoutKind k : LockoutKind.values()) {
            lockouts[k.ordinal()] = Counter.builder("confbridge_lockouts").description("Lockouts begun, by kind")
                    .tag("kind", label(k)).register(registry);
        }
        for (String method : new String[] {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS"}) {
            sipRequest(method, 0);
        }
        FunctionCounter.builder("confbridge_rtp_packets", this, m -> m.rtpTotal(0, null))
                .description("RTP packets, by direction").tag("direction", "in").register(registry);
        FunctionCounter.builder("confbridge_rtp_packets", this, m -> m.rtpTotal(1, null))
                .description("RTP packets, by direction").tag("direction", "out").register(registry);
        FunctionCounter.builder("confbridge_rtp_lost", this, m -> m.rtpTotal(2, null))
                .description("RTP packets lost, from sequence gaps").register(registry);
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("confbridge_rtp_dropped", this, m -> m.rtpTotal(3 + reason.ordinal(), reason))
                    .description("RTP packets dropped, by reason").tag("reason", label(reason)).register(registry);
        }
        FunctionCounter.builder("confbridge_jitter_buffer_late", this, BridgeMetrics::jitterBufferLate)
                .description("Packets the jitter buffers dropped because they came after their frame was played")
                .register(registry);
        Gauge.builder("confbridge_jitter_buffer_depth_seconds", this, m -> m.jitterBufferDepthMs(false) / 1000.0)
                .description("Adaptive jitter buffer depth of the calls in a meeting, by statistic")
                .tag("stat", "mean").register(registry);
        Gauge.builder("confbridge_jitter_buffer_depth_seconds", this, m -> m.jitterBufferDepthMs(true) / 1000.0)
                .description("Adaptive jitter buffer depth of the calls in a meeting, by statistic")
                .tag("stat", "max").register(registry);
        jitter = DistributionSummary.builder("confbridge_rtp_jitter_seconds")
                .description("Interarrival jitter of each call's received RTP (RFC 3550 A.8), at hang-up")
                .serviceLevelObjectives(0.001, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32)
                .register(registry);
        tickLateness = Timer.builder("confbridge_media_tick_lateness")
                .description("How late each 20 ms media tick ran")
                .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofMillis(1), Duration.ofMillis(2),
                        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(50))
                .register(registry);
        admissionPin = Timer.builder("confbridge_admission_pin")
                .description("From the organizer's # to the PIN verified (Argon2 and what surrounds it)")
                .serviceLevelObjectives(Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(200), Duration.ofMillis(500))
                .register(registry);
        admissionLobby = Timer.builder("confbridge_admission_lobby")
                .description("From the PIN verified (or the start) to the last lobby caller's first meeting packet")
                .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
                        Duration.ofMillis(50), Duration.ofMillis(100))
                .register(registry);
    }

    /** Metrics that go nowhere: for tests and tools that run parts of the bridge without a registry. */
    public static BridgeMetrics disabled() {
        return new BridgeMetrics(new CompositeMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    // ---- calls ----

    public void callEnded(CallOutcome outcome) {
        calls[outcome.ordinal()].increment();
    }

    /** A live call moved between stages; null for "not counted" (answering, ended). Allocation-free. */
    public void stageChanged(Stage from, Stage to) {
        if (from == to) {
            return;
        }
        if (from != null) {
            activeByStage[from.ordinal()].decrementAndGet();
        }
        if (to != null) {
            activeByStage[to.ordinal()].incrementAndGet();
        }
    }

    public int callsActive(Stage stage) {
        return activeByStage[stage.ordinal()].get();
    }

    /** Where {@code confbridge_meetings_active} reads the live meeting count. */
    public void meetingsActive(IntSupplier count) {
        this.meetingsActive = count;
    }

    // ---- PINs and lockouts ----

    public void pinAttempt(PinResult result) {
        pinAttempts[result.ordinal()].increment();
    }

    public void lockout(LockoutKind kind) {
        lockouts[kind.ordinal()].increment();
    }

    // ---- SIP (signalling threads; a map look-up per message, never on the media path) ----

    public void sipRequest(String method) {
        sipRequest(method, 1);
    }

    private void sipRequest(String method, int n) {
        String m = method != null && SIP_METHODS.contains(method) ? method : "other";
        sipRequests.computeIfAbsent(m, k -> Counter.builder("confbridge_sip_requests")
                .description("SIP requests received, by method").tag("method", k).register(registry)).increment(n);
    }

    public void sipResponse(int code) {
        int c = code >= 100 && code <= 699 ? code : 0;
        sipResponses.computeIfAbsent(c, k -> Counter.builder("confbridge_sip_responses")
                .description("SIP responses sent, by code").tag("code", Integer.toString(k)).register(registry))
                .increment();
    }

    // ---- RTP ----

    /** A call's counters start being summed. */
    public void rtpStarted(RtpCounts call) {
        liveRtp.add(call);
    }

    /** A call ended: its final counts move to the retired totals, so the sums never go down. */
    public synchronized void rtpEnded(RtpCounts call) {
        if (!liveRtp.remove(call)) {
            return;
        }
        retired[0] += call.packetsIn();
        retired[1] += call.packetsOut();
        retired[2] += call.lost();
        for (DropReason r : DropReason.values()) {
            retired[3 + r.ordinal()] += call.dropped(r);
        }
        retiredLate += call.jitterBufferLate();
    }

    private synchronized double jitterBufferLate() {
        long sum = retiredLate;
        for (RtpCounts c : liveRtp) {
            sum += c.jitterBufferLate();
        }
        return sum;
    }

    /** The mean or the greatest depth over the calls in a meeting, in ms; 0 when none is. */
    private double jitterBufferDepthMs(boolean max) {
        long sum = 0;
        int count = 0;
        int greatest = 0;
        for (RtpCounts c : liveRtp) {
            int depth = c.jitterBufferDepthMs();
            if (depth >= 0) {
                sum += depth;
                count++;
                greatest = Math.max(greatest, depth);
            }
        }
        return max ? greatest : count == 0 ? 0 : (double) sum / count;
    }

    /** A call's RFC 3550 interarrival jitter, recorded once at hang-up. */
    public void jitter(double seconds) {
        jitter.record(seconds);
    }

    /** How late one media tick ran. Called every 20 ms on each media loop: allocation-free. */
    public void tickLate(long lateNs) {
        tickLateness.record(Math.max(0, lateNs), TimeUnit.NANOSECONDS);
    }

    /**
     * A lobby let in at a meeting's start: {@code pinNs} from the organizer's # to the PIN verified
     * (negative when no PIN was typed), {@code lobbyNs} from then to the last caller's first meeting packet.
     */
    public void lobbyAdmitted(long pinNs, long lobbyNs) {
        if (pinNs >= 0) {
            admissionPin.record(pinNs, TimeUnit.NANOSECONDS);
        }
        admissionLobby.record(lobbyNs, TimeUnit.NANOSECONDS);
    }

    private synchronized double rtpTotal(int index, DropReason reason) {
        long sum = retired[index];
        for (RtpCounts c : liveRtp) {
            sum += switch (index) {
                case 0 -> c.packetsIn();
                case 1 -> c.packetsOut();
                case 2 -> c.lost();
                default -> c.dropped(reason);
            };
        }
        return sum;
    }

    private static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
