package io.confbridge.sip;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.confbridge.config.AddressBlock;
import io.confbridge.config.BridgeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sheds floods before they cost anything (issue 9 §2): token buckets for new INVITEs (per source and
 * global) and REGISTERs (per source), a cap on one source's calls in progress, and a growing ban for a
 * source that keeps dialling wrong conference IDs. Each refusal is a 503 with Retry-After; it is logged
 * once per source per minute, not per request.
 *
 * <p>Runs on jain-sip's threads before any other work: every check is O(1), touches one source's state
 * under that state's own monitor (never across I/O) and allocates nothing but a new source's entry.
 * Per-source state lives in a size-bounded cache whose idle entries expire, so an attacker rotating
 * source addresses cannot grow it without bound: the oldest, least used sources go first.
 * {@link CallerSource} decides what a source is.
 */
final class RequestAdmission {

    private static final Logger log = LoggerFactory.getLogger(RequestAdmission.class);

    /** Sources tracked at once; about 200 bytes each. */
    static final int MAX_SOURCES = 65_536;
    /** A source not heard from this long is forgotten (bans last longer: see {@link #banNs}). */
    static final Duration IDLE_EXPIRY = Duration.ofMinutes(10);
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long MINUTE_NS = TimeUnit.MINUTES.toNanos(1);
    /** The conference-ID ban starts at a minute and doubles with each offence, up to this. */
    private static final long MAX_BAN_NS = TimeUnit.HOURS.toNanos(1);

    /**
     * Why a request was refused, and when the sender may try again; {@code silent} when the source has
     * had its share of 503s this second ({@link #REFUSALS_PER_SECOND}) and this one gets no answer.
     */
    record Refusal(String reason, int retryAfterS, boolean silent) {
        Refusal(String reason, int retryAfterS) {
            this(reason, retryAfterS, false);
        }

        Refusal silenced() {
            return new Refusal(reason, retryAfterS, true);
        }
    }

    /**
     * 503s one source gets a second (burst twice that); past it its refused requests are dropped
     * unanswered. A flood then costs us no response and no ACK back, and a spoofed flood cannot turn
     * the bridge into a reflector of 503s either.
     */
    static final int REFUSALS_PER_SECOND = 20;

    private final BridgeConfig.LimitsConfig limits;
    private final Cache<String, SourceState> sources;
    private final ConcurrentHashMap<String, Integer> callsInProgress = new ConcurrentHashMap<>();
    private final TokenBucket globalInvites;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private static final byte[] INVITE_LINE = "INVITE ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REGISTER_LINE = "REGISTER ".getBytes(StandardCharsets.US_ASCII);
    private volatile long globalLoggedNs = Long.MIN_VALUE;

    RequestAdmission(BridgeConfig.LimitsConfig limits) {
        this.limits = limits;
        this.sources = Caffeine.newBuilder()
                .maximumSize(MAX_SOURCES)
                .expireAfterAccess(IDLE_EXPIRY.plusNanos(MAX_BAN_NS))
                .executor(Runnable::run)
                .build();
        this.globalInvites = new TokenBucket(limits.invitesPerSecond(), limits.invitesPerSecond());
    }

    BridgeConfig.LimitsConfig limits() {
        return limits;
    }

    /** A new INVITE (no To tag) from {@code source}: null to go on, else the 503's reason and Retry-After. */
    Refusal admitInvite(CallerSource source, long nowNs) {
        SourceState state = state(source.key());
        Refusal refusal;
        synchronized (state) {
            refusal = state.admitInvite(limits, nowNs);
        }
        if (refusal == null && !globalInvites.take(nowNs)) {
            refusal = new Refusal("INVITEs from all sources above limits.invitesPerSecond", globalInvites.retryAfterS(nowNs));
            refused.incrementAndGet();
            logGlobal(nowNs);
            return refusal;
        }
        return refused(source, state, refusal, nowNs);
    }

    /**
     * Before parsing (see {@link FloodGuardNetworkLayer}): whether a UDP datagram may go on to the stack.
     * Only new-request lines {@code INVITE} and {@code REGISTER} from sources that are not trusted
     * proxies are counted, against a bucket of twice their rates together (so retransmissions and
     * re-INVITEs fit, and the per-request limits still answer 503 to the excess they see); past it the
     * datagram is dropped unread and unanswered.
     */
    boolean admitsDatagram(InetAddress from, byte[] data, int offset, int length, long nowNs) {
        return admitsDatagram(from, data, offset, length, nowNs, null);
    }

    /**
     * The same, for one socket's reader thread: {@code gate} remembers the last source's state, so a flood
     * from one address costs neither a string nor a cache lookup per datagram.
     */
    boolean admitsDatagram(InetAddress from, byte[] data, int offset, int length, long nowNs, DatagramGate gate) {
        if (!startsWith(data, offset, length, INVITE_LINE) && !startsWith(data, offset, length, REGISTER_LINE)) {
            return true;
        }
        if (!limits.trustedProxies().isEmpty() && AddressBlock.anyContains(limits.trustedProxies(), from)) {
            return true;
        }
        SourceState state;
        if (gate != null && from.equals(gate.lastFrom) && nowNs - gate.lastAtNs < SECOND_NS) {
            state = gate.lastState;
        } else {
            state = state(from.getHostAddress());
            if (gate != null) {
                gate.lastFrom = from;
                gate.lastState = state;
            }
        }
        if (gate != null) {
            gate.lastAtNs = nowNs;
        }
        synchronized (state) {
            if (state.datagrams.take(nowNs)) {
                return true;
            }
            state.droppedDatagrams++;
        }
        dropped.incrementAndGet();
        return false;
    }

    /** One reader thread's memory of the last source it saw (see {@link #admitsDatagram}); not thread-safe. */
    static final class DatagramGate {
        private InetAddress lastFrom;
        private SourceState lastState;
        private long lastAtNs;
    }

    /** Datagrams dropped before parsing so far (diagnostics, tests). */
    long droppedDatagrams() {
        return dropped.get();
    }

    private static boolean startsWith(byte[] data, int offset, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** A REGISTER from {@code source}: null to go on, else the 503's reason and Retry-After. */
    Refusal admitRegister(CallerSource source, long nowNs) {
        SourceState state = state(source.key());
        Refusal refusal;
        synchronized (state) {
            refusal = state.admitRegister(limits, nowNs);
        }
        return refused(source, state, refusal, nowNs);
    }

    /**
     * One more call in progress from {@code source}, if it has fewer than {@code limits.callsPerSource};
     * each true is matched by one {@link #callEnded}.
     */
    boolean callStarted(CallerSource source, long nowNs) {
        boolean[] admitted = {false};
        callsInProgress.compute(source.key(), (key, n) -> {
            int calls = n == null ? 0 : n;
            if (calls >= limits.callsPerSource()) {
                return n;
            }
            admitted[0] = true;
            return calls + 1;
        });
        if (!admitted[0]) {
            refused(source, state(source.key()),
                    new Refusal("calls in progress at limits.callsPerSource (" + limits.callsPerSource() + ")", 5), nowNs);
        }
        return admitted[0];
    }

    void callEnded(String sourceKey) {
        callsInProgress.computeIfPresent(sourceKey, (key, n) -> n <= 1 ? null : n - 1);
    }

    int callsInProgress(String sourceKey) {
        return callsInProgress.getOrDefault(sourceKey, 0);
    }

    /**
     * A caller from {@code source} dialled a conference ID that does not exist. True when that takes the
     * source past {@code limits.conferenceIdFailuresPerSource} in a minute: it is then banned (its new
     * INVITEs get 503 for a minute, doubling with each offence up to an hour) and its calls should end.
     */
    boolean conferenceIdFailed(CallerSource source, long nowNs) {
        SourceState state = state(source.key());
        long banUntilNs;
        synchronized (state) {
            if (!state.conferenceIdFailed(limits, nowNs)) {
                return false;
            }
            banUntilNs = state.bannedUntilNs;
        }
        log.warn("source {}: more than {} wrong conference IDs in a minute: its calls end and its INVITEs get 503 for {} s",
                source.key(), limits.conferenceIdFailuresPerSource(), TimeUnit.NANOSECONDS.toSeconds(banUntilNs - nowNs));
        return true;
    }

    /** Requests refused so far (diagnostics, tests). */
    long refusedCount() {
        return refused.get();
    }

    /** Sources tracked now (tests: the state stays bounded). */
    long trackedSources() {
        sources.cleanUp();
        return sources.estimatedSize();
    }

    private SourceState state(String key) {
        return sources.get(key, k -> new SourceState(limits));
    }

    private Refusal refused(CallerSource source, SourceState state, Refusal refusal, long nowNs) {
        if (refusal == null) {
            return null;
        }
        refused.incrementAndGet();
        long suppressed;
        synchronized (state) {
            if (!state.refusals.take(nowNs)) {
                refusal = refusal.silenced();
            }
            if (nowNs - state.loggedNs < MINUTE_NS && state.loggedNs != Long.MIN_VALUE) {
                state.suppressed++;
                return refusal;
            }
            suppressed = state.suppressed;
            state.suppressed = 0;
            state.loggedNs = nowNs;
        }
        log.warn("source {}: 503 ({}){}; logged once a minute per source", source.key(), refusal.reason(),
                suppressed > 0 ? ", " + suppressed + " more refused since the last report" : "");
        return refusal;
    }

    private void logGlobal(long nowNs) {
        long last = globalLoggedNs;
        if (last == Long.MIN_VALUE || nowNs - last >= MINUTE_NS) {
            globalLoggedNs = nowNs;
            log.warn("503 to new INVITEs: above limits.invitesPerSecond ({}); logged once a minute", limits.invitesPerSecond());
        }
    }

    /** A ban's length after {@code offences} offences: a minute, doubling, at most an hour. */
    static long banNs(int offences) {
        return Math.min(MINUTE_NS << Math.min(offences - 1, 10), MAX_BAN_NS);
    }

    /** One source's buckets and counters; guarded by its own monitor. */
    private static final class SourceState {
        final TokenBucket invites;
        final TokenBucket registers;
        final TokenBucket refusals = new TokenBucket(REFUSALS_PER_SECOND, 2L * REFUSALS_PER_SECOND);
        final TokenBucket datagrams;
        long droppedDatagrams;
        long windowStartNs = Long.MIN_VALUE;
        int conferenceIdFailures;
        int offences;
        long bannedUntilNs = Long.MIN_VALUE;
        long loggedNs = Long.MIN_VALUE;
        long suppressed;

        SourceState(BridgeConfig.LimitsConfig limits) {
            invites = new TokenBucket(limits.invitesPerSecondPerSource(), limits.inviteBurstPerSource());
            registers = new TokenBucket(limits.registersPerSecondPerSource(), 2L * limits.registersPerSecondPerSource());
            datagrams = new TokenBucket(2L * (limits.invitesPerSecondPerSource() + limits.registersPerSecondPerSource()),
                    2L * (limits.inviteBurstPerSource() + 2L * limits.registersPerSecondPerSource()));
        }

        Refusal admitInvite(BridgeConfig.LimitsConfig limits, long nowNs) {
            if (bannedUntilNs != Long.MIN_VALUE && nowNs - bannedUntilNs < 0) {
                return new Refusal("banned after too many wrong conference IDs (limits.conferenceIdFailuresPerSource)",
                        (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(bannedUntilNs - nowNs + SECOND_NS - 1)));
            }
            if (!invites.take(nowNs)) {
                return new Refusal("INVITEs above limits.invitesPerSecondPerSource (" + limits.invitesPerSecondPerSource() + ")",
                        invites.retryAfterS(nowNs));
            }
            return null;
        }

        Refusal admitRegister(BridgeConfig.LimitsConfig limits, long nowNs) {
            if (!registers.take(nowNs)) {
                return new Refusal("REGISTERs above limits.registersPerSecondPerSource ("
                        + limits.registersPerSecondPerSource() + ")", registers.retryAfterS(nowNs));
            }
            return null;
        }

        boolean conferenceIdFailed(BridgeConfig.LimitsConfig limits, long nowNs) {
            if (windowStartNs == Long.MIN_VALUE || nowNs - windowStartNs >= MINUTE_NS) {
                windowStartNs = nowNs;
                conferenceIdFailures = 0;
            }
            conferenceIdFailures++;
            if (conferenceIdFailures <= limits.conferenceIdFailuresPerSource()) {
                return false;
            }
            // Every further failure within the window is the same offence: the ban is set once.
            if (conferenceIdFailures == limits.conferenceIdFailuresPerSource() + 1) {
                offences++;
                bannedUntilNs = nowNs + banNs(offences);
            }
            return true;
        }
    }
}
