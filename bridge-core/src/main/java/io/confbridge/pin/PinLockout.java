package io.confbridge.pin;

import io.confbridge.metrics.BridgeMetrics;
import io.confbridge.config.BridgeConfig;
import io.confbridge.store.AuditRecord;
import io.confbridge.store.DirectoryStore;
import io.confbridge.store.OrganizerRecord;
import io.confbridge.store.PinFailures;
import io.confbridge.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * PIN brute-force protection across calls (SPEC §5), with its counters in the database so that neither
 * a restart nor redialling resets them.
 * <ol>
 *   <li>Per organizer: {@code organizerMaxFailures} wrong PINs within {@code organizerWindowMinutes} lock
 *       the organizer's PIN for {@code organizerLockMinutes}; while locked even the right PIN is refused.</li>
 *   <li>Per source, the caller ID and the source address each on their own: after
 *       {@code sourceFreeFailures} wrong PINs within {@code sourceWindowMinutes}, an attempt within
 *       2<sup>n−free</sup> seconds of the source's last failure (n failures so far) is refused, at most
 *       {@code sourceMaxBackoffSeconds}. A source that keeps failing across organizers and conference IDs
 *       thus slows down exponentially.</li>
 * </ol>
 * A refused attempt is not checked against the hash (a dummy Argon2 run keeps its timing that of a checked
 * one) and counts against the source only, so hammering a lock prolongs the source's back-off but never
 * renews the organizer's lock. A right PIN does not reset a counter (as in Teams): failures age out of
 * the window; an administrator's clear or a PIN reset wipes an organizer's. So when a lock runs out while
 * its failures are still inside the window, the next wrong PIN locks again at once; the right one works.
 * Locks and back-offs are audited ({@code pin.lockout}, {@code pin.backoff}, actor {@code system}).
 */
public final class PinLockout {
    private static final Logger log = LoggerFactory.getLogger(PinLockout.class);

    /**
     * Caller IDs that many unrelated callers share; counting them as one source would let one attacker
     * slow down every caller who withholds their number. Such callers are still counted by address.
     */
    private static final Set<String> SHARED_CALLER_IDS = Set.of("anonymous", "unknown", "restricted", "unavailable", "private");

    /** 2^30 s is far beyond any cap; shifting further would overflow. */
    private static final int MAX_SHIFT = 30;

    /** What the administrator sees of an organizer's lockout. */
    public record Status(boolean locked, Instant lockedUntil, int recentFailures) {
    }

    private final DirectoryStore store;
    private final BridgeConfig.LockoutConfig config;
    private final Clock clock;

    private volatile BridgeMetrics metrics = BridgeMetrics.disabled();

    void metrics(BridgeMetrics metrics) {
        this.metrics = metrics;
    }

    public PinLockout(DirectoryStore store, BridgeConfig.LockoutConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    long nowMs() {
        return clock.millis();
    }

    /** Whether an attempt for the organizer from the source is refused now, without looking at the PIN. */
    boolean refuses(long organizerId, PinAttemptSource source, long nowMs) {
        if (store.pinLockedUntil(organizerSubject(organizerId)) > nowMs) {
            return true;
        }
        long sourceWindowStart = nowMs - minutesMs(config.sourceWindowMinutes());
        for (String subject : sourceSubjects(source)) {
            PinFailures failures = store.pinFailures(subject, sourceWindowStart);
            if (failures.count() >= config.sourceFreeFailures()
                    && nowMs < failures.lastAtMs() + backoffMs(failures.count())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Counts an attempt refused by a lock or back-off, against the source only: an organizer's lock is not
     * renewed by attempts it refused, so a few calls an hour cannot keep an organizer locked out for ever.
     */
    void recordRefused(PinAttemptSource source, long nowMs) {
        recordFailure(null, source, nowMs);
    }

    /** Counts a wrong attempt; locks the organizer and audits when a limit is reached. */
    void recordFailure(OrganizerRecord organizerOrNull, PinAttemptSource source, long nowMs) {
        if (organizerOrNull != null) {
            String subject = organizerSubject(organizerOrNull.id());
            PinFailures failures = store.recordPinFailure(subject, nowMs, nowMs - minutesMs(config.organizerWindowMinutes()));
            if (failures.count() >= config.organizerMaxFailures() && store.pinLockedUntil(subject) <= nowMs) {
                long until = nowMs + minutesMs(config.organizerLockMinutes());
                store.lockPin(subject, until);
                metrics.lockout(BridgeMetrics.LockoutKind.ORGANIZER);
                log.warn("PIN of organizer {} locked until {} after {} wrong PINs within {} min",
                        organizerOrNull.id(), Instant.ofEpochMilli(until), failures.count(), config.organizerWindowMinutes());
                audit(nowMs, source, "pin.lockout", organizerOrNull.email(), failures.count() + " wrong PINs within "
                        + config.organizerWindowMinutes() + " min; PIN locked until " + Instant.ofEpochMilli(until)
                        + describe(source));
            }
        }
        long sourceWindowStart = nowMs - minutesMs(config.sourceWindowMinutes());
        for (String subject : sourceSubjects(source)) {
            PinFailures failures = store.recordPinFailure(subject, nowMs, sourceWindowStart);
            if (failures.count() == config.sourceFreeFailures()) {
                // Audited once, when the back-off begins; every further failure would flood the log.
                log.warn("PIN attempts from {} now meet a growing back-off", shown(subject));
                metrics.lockout(BridgeMetrics.LockoutKind.SOURCE);
                audit(nowMs, source, "pin.backoff", subject, failures.count() + " wrong PINs within "
                        + config.sourceWindowMinutes() + " min; further attempts meet a growing back-off");
            }
        }
    }

    // ---- SIP digest (issue 9 §3) ------------------------------------------------------------------

    /** Longest username kept in a subject; a longer one is cut (it is still one subject per prefix). */
    private static final int MAX_SUBJECT_USERNAME = 128;
    /** Refusals remembered in memory at most; expired ones go first, past the cap new ones are not cached. */
    private static final int MAX_DIGEST_REFUSALS = 65_536;

    /**
     * Subjects (SIP usernames, source addresses) whose digest responses are refused until the value (epoch
     * ms), so the SIP thread can ask without the database. Filled from the database whenever a failure is
     * counted; a lock set by another node is seen here after this node counts a failure of that subject.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Long> digestRefusals = new java.util.concurrent.ConcurrentHashMap<>();

    static String digestSubject(String username) {
        String name = username == null ? "" : username;
        return "sip:" + (name.length() > MAX_SUBJECT_USERNAME ? name.substring(0, MAX_SUBJECT_USERNAME) : name);
    }

    static String addressSubject(String address) {
        return "address:" + address.trim();
    }

    /** A username as logged: printable and short. */
    static String shown(String username) {
        return io.confbridge.store.UntrustedText.printable(username, MAX_SUBJECT_USERNAME);
    }

    /** From memory only: whether the username is locked or the source is backing off. */
    boolean digestRefused(String username, String address, long nowMs) {
        if (username != null && refusedInMemory(digestSubject(username), nowMs)) {
            return true;
        }
        return address != null && !address.isBlank() && refusedInMemory(addressSubject(address), nowMs);
    }

    private boolean refusedInMemory(String subject, long nowMs) {
        Long until = digestRefusals.get(subject);
        if (until == null) {
            return false;
        }
        if (until > nowMs) {
            return true;
        }
        digestRefusals.remove(subject, until);
        return false;
    }

    private void rememberRefusal(String subject, long untilMs, long nowMs) {
        if (untilMs <= nowMs) {
            digestRefusals.remove(subject);
            return;
        }
        if (digestRefusals.size() >= MAX_DIGEST_REFUSALS) {
            digestRefusals.values().removeIf(until -> until <= nowMs);
            if (digestRefusals.size() >= MAX_DIGEST_REFUSALS) {
                log.warn("{} SIP digest refusals in memory: {} is counted but not refused from memory",
                        MAX_DIGEST_REFUSALS, subject);
                return;
            }
        }
        digestRefusals.put(subject, untilMs);
    }

    /**
     * Counts a failed SIP digest response, blocking on the database: against the username
     * ({@code digestMaxFailures} within {@code organizerWindowMinutes} lock it for {@code organizerLockMinutes})
     * unless {@code refused}, and against the source address with the PIN back-off (the same counter as
     * wrong PINs from that address). Locks and back-offs are audited ({@code sip.lockout}, {@code sip.backoff}).
     */
    public void recordDigestFailure(String username, String address, boolean refused, long nowMs) {
        String from = address == null || address.isBlank() ? null : address.trim();
        if (!refused && username != null && !username.isEmpty()) {
            String subject = digestSubject(username);
            PinFailures failures = store.recordPinFailure(subject, nowMs, nowMs - minutesMs(config.organizerWindowMinutes()));
            long lockedUntil = store.pinLockedUntil(subject);
            if (failures.count() >= config.digestMaxFailures() && lockedUntil <= nowMs) {
                lockedUntil = nowMs + minutesMs(config.organizerLockMinutes());
                store.lockPin(subject, lockedUntil);
                metrics.lockout(BridgeMetrics.LockoutKind.DIGEST);
                log.warn("SIP username '{}' locked until {} after {} failed digest responses within {} min",
                        shown(username), Instant.ofEpochMilli(lockedUntil), failures.count(), config.organizerWindowMinutes());
                audit(nowMs, new PinAttemptSource(null, from), "sip.lockout", username, failures.count()
                        + " failed SIP digest responses within " + config.organizerWindowMinutes()
                        + " min; username locked until " + Instant.ofEpochMilli(lockedUntil));
            }
            rememberRefusal(subject, lockedUntil, nowMs);
        }
        if (from != null) {
            String subject = addressSubject(from);
            PinFailures failures = store.recordPinFailure(subject, nowMs, nowMs - minutesMs(config.sourceWindowMinutes()));
            if (failures.count() == config.sourceFreeFailures()) {
                log.warn("SIP digest responses from {} now meet a growing back-off", shown(subject));
                audit(nowMs, new PinAttemptSource(null, from), "sip.backoff", subject, failures.count()
                        + " failed PINs or SIP digest responses within " + config.sourceWindowMinutes()
                        + " min; further attempts meet a growing back-off");
            }
            if (failures.count() >= config.sourceFreeFailures()) {
                rememberRefusal(subject, failures.lastAtMs() + backoffMs(failures.count()), nowMs);
            }
        }
    }

    /** The SIP username's digest lock and recent failures, for the administrator. */
    public Status digestStatus(String username) {
        long now = clock.millis();
        String subject = digestSubject(username);
        long until = store.pinLockedUntil(subject);
        int failures = store.pinFailures(subject, now - minutesMs(config.organizerWindowMinutes())).count();
        boolean locked = until > now;
        return new Status(locked, locked ? Instant.ofEpochMilli(until) : null, failures);
    }

    /** Lifts the SIP username's digest lock and forgets its failures (the per-source counters stay). */
    public void clearDigest(String username) {
        String subject = digestSubject(username);
        store.clearPinFailures(subject);
        digestRefusals.remove(subject);
    }

    /** The organizer's lock and recent wrong PINs, for the administrator. */
    public Status status(long organizerId) {
        long now = clock.millis();
        String subject = organizerSubject(organizerId);
        long until = store.pinLockedUntil(subject);
        int failures = store.pinFailures(subject, now - minutesMs(config.organizerWindowMinutes())).count();
        boolean locked = until > now;
        return new Status(locked, locked ? Instant.ofEpochMilli(until) : null, failures);
    }

    /** Lifts the organizer's lock and forgets their wrong PINs (the per-source counters stay). */
    public void clear(long organizerId) {
        store.clearPinFailures(organizerSubject(organizerId));
    }

    /**
     * Deletes the failures older than every counting window and the locks that ran out, so subjects not seen
     * for the window leave no rows behind (a database of every address that ever guessed would only grow).
     * Blocking: call it from a worker. Returns the rows deleted.
     */
    public int purgeStale() {
        long now = clock.millis();
        int windowMinutes = Math.max(config.organizerWindowMinutes(), config.sourceWindowMinutes());
        int deleted = store.purgePinFailures(now - minutesMs(windowMinutes), now);
        if (deleted > 0) {
            log.debug("purged {} stale wrong-PIN and lock rows", deleted);
        }
        return deleted;
    }

    /** The back-off after {@code failures} wrong PINs from one source: doubling from 1 s, capped. */
    public long backoffMs(int failures) {
        int shift = Math.min(MAX_SHIFT, Math.max(0, failures - config.sourceFreeFailures()));
        return Math.min(1000L << shift, config.sourceMaxBackoffSeconds() * 1000L);
    }

    static String organizerSubject(long organizerId) {
        return "organizer:" + organizerId;
    }

    static List<String> sourceSubjects(PinAttemptSource source) {
        List<String> subjects = new ArrayList<>(2);
        String caller = source.callerId() == null ? "" : source.callerId().trim();
        if (!caller.isEmpty() && !SHARED_CALLER_IDS.contains(caller.toLowerCase(Locale.ROOT))) {
            subjects.add("caller:" + caller);
        }
        String address = source.address() == null ? "" : source.address().trim();
        if (!address.isEmpty()) {
            subjects.add("address:" + address);
        }
        return subjects;
    }

    private void audit(long nowMs, PinAttemptSource source, String action, String target, String detail) {
        try {
            store.appendAudit(AuditRecord.of(Instant.ofEpochMilli(nowMs), "system", "SYSTEM", source.address(),
                    action, target, detail));
        } catch (StoreException e) {
            // The lock itself is stored; losing its audit line must not turn a refused PIN into an error.
            log.error("could not audit {} of {}", action, target, e);
        }
    }

    private static String describe(PinAttemptSource source) {
        return source.callerId() == null || source.callerId().isBlank() ? "" : " (last from caller " + shown(source.callerId()) + ")";
    }

    private static long minutesMs(int minutes) {
        return minutes * 60_000L;
    }

    @Override
    public String toString() {
        return "PinLockout[" + config + "]";
    }
}
