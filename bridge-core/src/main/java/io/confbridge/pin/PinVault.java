package io.confbridge.pin;

import io.confbridge.metrics.BridgeMetrics;
import io.confbridge.store.DirectoryStore;
import io.confbridge.store.MeetingRecord;
import io.confbridge.store.OrganizerRecord;
import io.confbridge.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Organizer PINs as the rest of the bridge sees them: verify one typed on a phone, issue a new one.
 * Clear PINs pass through here and are never stored or logged; only {@link PinHasher} hashes reach the store.
 *
 * <p>Verification costs an Argon2 run and a database read, so {@link #verify} does both on the
 * {@code workers} pool and never on the caller's thread (an event loop must not block for it).
 */
public final class PinVault {
    private static final Logger log = LoggerFactory.getLogger(PinVault.class);

    /** A new PIN may not equal any of this many most recent PINs of the organizer (the current one included). */
    public static final int HISTORY_SIZE = 5;

    /** Generated PINs that hit the history before giving up; each costs up to {@link #HISTORY_SIZE} hash runs. */
    private static final int MAX_ISSUE_ATTEMPTS = 20;

    /** A fresh PIN and its hash, for an organizer about to be created. toString hides both. */
    public record NewPin(String pin, String hash) {
        @Override
        public String toString() {
            return "NewPin[*****]";
        }
    }

    /** Verified against {@link #dummyHash} when there is no real PIN or hash to check. */
    private static final String DUMMY_PIN = "000000";

    private final DirectoryStore store;
    private final PinHasher hasher;
    private volatile String dummyHash;
    private final ExecutorService workers;
    /** Database reads that run beside an Argon2 run; the same pool as {@link #workers} in small set-ups. */
    private final ExecutorService lookups;
    private final PinGenerator generator;
    private final PinLockout lockout;
    private volatile BridgeMetrics metrics = BridgeMetrics.disabled();

    public PinVault(DirectoryStore store, PinHasher hasher, ExecutorService workers, PinGenerator generator,
                    PinLockout lockout) {
        this(store, hasher, workers, workers, generator, lockout);
    }

    /**
     * @param workers where Argon2 runs (a bounded pool: a full queue refuses the attempt)
     * @param lookups where the database reads of a prepared check run, beside the Argon2 run
     */
    public PinVault(DirectoryStore store, PinHasher hasher, ExecutorService workers, ExecutorService lookups,
                    PinGenerator generator, PinLockout lockout) {
        this.store = store;
        this.hasher = hasher;
        this.workers = workers;
        this.lookups = lookups;
        this.generator = generator;
        this.lockout = lockout;
    }

    /** Where PIN attempts and lockouts are counted; set at start. */
    public void metrics(BridgeMetrics metrics) {
        this.metrics = metrics;
        lockout.metrics(metrics);
    }

    /** The lockout state this vault checks, for the administrator's view and clear. */
    public PinLockout lockout() {
        return lockout;
    }

    /** {@link #verify(long, String, PinAttemptSource)} from an unknown source: only the organizer's lockout applies. */
    public CompletableFuture<Boolean> verify(long organizerId, String pin) {
        return verify(organizerId, pin, PinAttemptSource.UNKNOWN);
    }

    /**
     * Checks a PIN typed for an organizer, on a worker thread. Completes with false for a wrong PIN, an
     * unknown or disabled organizer, input that is not 4–12 digits, and any PIN (the right one too) while
     * the organizer is locked or the source is backing off (see {@link PinLockout}): the caller cannot
     * tell a lock from a wrong PIN. Every false counts against the organizer and the source. Completes
     * exceptionally (with a {@link StoreException}) if the directory cannot be read. A right PIN whose
     * hash was made at an older cost is rehashed at the current cost and stored before the future completes.
     */
    public CompletableFuture<Boolean> verify(long organizerId, String pin, PinAttemptSource source) {
        PinAttemptSource from = source == null ? PinAttemptSource.UNKNOWN : source;
        try {
            return CompletableFuture.supplyAsync(() -> verifyNow(organizerId, pin, from), workers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * An organizer's record read ahead, while their PIN is being typed (issue 11 §5): at the {@code #}
     * the Argon2 run can start at once against the hash read here. Holds no clear PIN.
     */
    public static final class PreparedCheck {
        private final long organizerId;
        private final CompletableFuture<Optional<OrganizerRecord>> organizer;

        private PreparedCheck(long organizerId, CompletableFuture<Optional<OrganizerRecord>> organizer) {
            this.organizerId = organizerId;
            this.organizer = organizer;
        }

        public long organizerId() {
            return organizerId;
        }

        /** Whether the read-ahead is done (else a verification falls back to the plain check). */
        public boolean ready() {
            return organizer.isDone();
        }

        @Override
        public String toString() {
            return "PreparedCheck[organizer " + organizerId + "]";
        }
    }

    /** Starts reading the organizer's record on the lookup pool; from any thread, never blocks. */
    public PreparedCheck prepare(long organizerId) {
        CompletableFuture<Optional<OrganizerRecord>> read;
        try {
            read = CompletableFuture.supplyAsync(() -> store.findOrganizer(organizerId), lookups);
        } catch (RejectedExecutionException e) {
            read = CompletableFuture.failedFuture(e);
        }
        return new PreparedCheck(organizerId, read);
    }

    /**
     * As {@link #verify(long, String, PinAttemptSource)}, with the same answers and the same counting,
     * but faster: the Argon2 run starts at once against the hash read by {@link #prepare}, while the
     * lockout state and the organizer's record are read afresh beside it. When the fresh record's hash
     * differs (reset while the PIN was typed), the PIN is checked again against the fresh one, so a
     * replaced PIN is never accepted. Falls back to the plain check when the read-ahead is not done.
     */
    public CompletableFuture<Boolean> verify(PreparedCheck prepared, String pin, PinAttemptSource source) {
        Optional<OrganizerRecord> ahead = prepared.organizer.isDone() && !prepared.organizer.isCompletedExceptionally()
                ? prepared.organizer.join() : null;
        if (ahead == null) {
            return verify(prepared.organizerId, pin, source);
        }
        PinAttemptSource from = source == null ? PinAttemptSource.UNKNOWN : source;
        long organizerId = prepared.organizerId;
        CompletableFuture<Gate> gate;
        if (lookups == workers) {
            gate = null; // one pool: read on the hashing thread, never wait on a task queued behind ourselves
        } else {
            try {
                gate = CompletableFuture.supplyAsync(() -> readGate(organizerId, from), lookups);
            } catch (RejectedExecutionException e) {
                gate = null;
            }
        }
        CompletableFuture<Gate> beside = gate;
        try {
            return CompletableFuture.supplyAsync(() -> {
                String aheadHash = ahead.map(OrganizerRecord::pinHash).orElse(null);
                String typed = Pins.isWellFormed(pin) ? pin : DUMMY_PIN;
                boolean aheadMatches = hasher.verify(typed, aheadHash == null ? dummyHash() : aheadHash);
                Gate g = beside != null ? beside.join() : readGate(organizerId, from);
                return decide(organizerId, pin, from, g, aheadHash, aheadMatches);
            }, workers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** What is read afresh for every attempt: the organizer's record and whether a lock refuses it. */
    private record Gate(long nowMs, OrganizerRecord organizer, boolean refused) {
    }

    private Gate readGate(long organizerId, PinAttemptSource source) {
        long nowMs = lockout.nowMs();
        OrganizerRecord organizer = store.findOrganizer(organizerId).orElse(null);
        return new Gate(nowMs, organizer, lockout.refuses(organizerId, source, nowMs));
    }

    /** The verdict of a prepared check, counted as {@link #verifyNow} counts; on a worker thread. */
    private boolean decide(long organizerId, String pin, PinAttemptSource source, Gate gate, String aheadHash,
                           boolean aheadMatches) {
        if (gate.refused()) {
            // The Argon2 run already happened, so the timing still does not tell a lock from a wrong PIN.
            lockout.recordRefused(source, gate.nowMs());
            metrics.pinAttempt(BridgeMetrics.PinResult.LOCKED);
            return false;
        }
        OrganizerRecord organizer = gate.organizer();
        String encoded = organizer == null ? null : organizer.pinHash();
        boolean matches = java.util.Objects.equals(encoded, aheadHash) ? aheadMatches
                : hasher.verify(Pins.isWellFormed(pin) ? pin : DUMMY_PIN, encoded == null ? dummyHash() : encoded);
        boolean right = matches && Pins.isWellFormed(pin) && organizer != null && organizer.enabled() && encoded != null;
        if (!right) {
            lockout.recordFailure(organizer, source, gate.nowMs());
            metrics.pinAttempt(BridgeMetrics.PinResult.REJECTED);
            return false;
        }
        metrics.pinAttempt(BridgeMetrics.PinResult.ACCEPTED);
        if (hasher.needsRehash(encoded)) {
            rehash(organizerId, pin, encoded);
        }
        return true;
    }

    private boolean verifyNow(long organizerId, String pin, PinAttemptSource source) {
        long nowMs = lockout.nowMs();
        OrganizerRecord organizer = store.findOrganizer(organizerId).orElse(null);
        if (lockout.refuses(organizerId, source, nowMs)) {
            // A locked PIN is refused whatever was typed, but after an Argon2 run like a checked one, so the
            // answer's timing does not tell a lock from a wrong PIN. The attempt counts against the source
            // only: attempts refused while locked must not keep renewing the organizer's lock.
            hasher.verify(Pins.isWellFormed(pin) ? pin : DUMMY_PIN, dummyHash());
            lockout.recordRefused(source, nowMs);
            metrics.pinAttempt(BridgeMetrics.PinResult.LOCKED);
            return false;
        }
        // Read once: a concurrent reset replaces the whole row value, so this is the old hash or the new one.
        String encoded = organizer == null ? null : organizer.pinHash();
        // Unknown, disabled and malformed still cost an Argon2 run: the timing tells nothing about which it was.
        boolean right = hasher.verify(Pins.isWellFormed(pin) ? pin : DUMMY_PIN, encoded == null ? dummyHash() : encoded)
                && Pins.isWellFormed(pin) && organizer != null && organizer.enabled() && encoded != null;
        if (!right) {
            lockout.recordFailure(organizer, source, nowMs);
            metrics.pinAttempt(BridgeMetrics.PinResult.REJECTED);
            return false;
        }
        metrics.pinAttempt(BridgeMetrics.PinResult.ACCEPTED);
        if (hasher.needsRehash(encoded)) {
            rehash(organizerId, pin, encoded);
        }
        return true;
    }

    /**
     * Runs Argon2 {@code rounds} times against the dummy hash in the background, so that the JIT has
     * compiled it before the first organizer types a PIN: measured on the 2-core bench machine, a cold
     * JVM's first run at the default cost takes ~105 ms and a warm one ~30 ms, and that difference was most
     * of a fresh node's {@code #} → PIN verified (issue 11 §5, issue 12's 100 ms). The dummy hash it makes is
     * the one unknown organizers are checked against. Reads and writes nothing in the store, counts no
     * attempt, and holds no real PIN.
     *
     * <p>On a thread of its own, not on the lookup or PIN pools: callers who dial in at start-up wait for
     * their conference lookup on the former, and at a high Argon2 cost the warm-up took seconds there (a
     * caller heard nothing for 5 s with {@code security.pinWorkerThreads=1} and 128 MiB × 6).
     */
    public CompletableFuture<Void> warmUp(int rounds) {
        return CompletableFuture.runAsync(() -> {
            long started = System.nanoTime();
            String hash = dummyHash();
            for (int i = 0; i < rounds; i++) {
                hasher.verify(DUMMY_PIN, hash);
            }
            log.debug("PIN check warmed up: {} Argon2 runs in {} ms", rounds + 1,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }, task -> {
            Thread warmer = new Thread(task, "pin-warm-up");
            warmer.setDaemon(true);
            warmer.start();
        });
    }

    /** A hash at the current cost of no organizer's PIN, made once (racing workers may each make one). */
    private String dummyHash() {
        String hash = dummyHash;
        if (hash == null) {
            hash = hasher.hash(DUMMY_PIN);
            dummyHash = hash;
        }
        return hash;
    }

    private void rehash(long organizerId, String pin, String oldHash) {
        try {
            // Compare-and-set: if an administrator reset the PIN while we verified, keep their new PIN.
            store.compareAndSetPinHash(organizerId, oldHash, hasher.hash(pin));
        } catch (StoreException e) {
            // The caller typed the right PIN; failing the call because an upgrade could not be saved would
            // punish them for our database. The old hash still works and the next right PIN tries again.
            log.warn("Could not store the upgraded PIN hash of organizer {}; will retry at the next verification",
                    organizerId, e);
        }
    }

    /**
     * A fresh PIN and its hash for an organizer not yet created (so with no history), on the caller's thread.
     *
     * @param forbidden strings the PIN must not resemble, see {@link PinGenerator#generate}
     */
    public NewPin newPin(int length, Collection<String> forbidden) {
        String pin = generator.generate(length, forbidden);
        return new NewPin(pin, hasher.hash(pin));
    }

    /**
     * Issues a new PIN to an existing organizer (a reset), blocking on the caller's thread: generates one
     * that avoids {@code forbidden}, the organizer's own conference IDs and their last {@link #HISTORY_SIZE}
     * PINs, stores its hash (appending it to the history) and returns it in clear, the only time it exists.
     * The organizer's lockout is cleared: the failures were guesses at a PIN that no longer exists.
     *
     * @throws NoSuchElementException   if there is no such organizer
     * @throws IllegalArgumentException if {@code length} is outside 4–12
     * @throws StoreException           if the directory cannot be read or written
     */
    public String issuePin(long organizerId, int length, Collection<String> forbidden) {
        OrganizerRecord organizer = store.findOrganizer(organizerId)
                .orElseThrow(() -> new NoSuchElementException("no organizer with id " + organizerId));
        List<String> avoid = new ArrayList<>(forbidden);
        for (MeetingRecord meeting : store.findMeetingsByOrganizer(organizerId)) {
            avoid.add(meeting.conferenceId());
        }
        Set<String> recentHashes = new LinkedHashSet<>();
        recentHashes.add(organizer.pinHash());
        recentHashes.addAll(store.recentPinHashes(organizerId, HISTORY_SIZE));
        for (int attempt = 0; attempt < MAX_ISSUE_ATTEMPTS; attempt++) {
            String pin = generator.generate(length, avoid);
            if (!matchesAny(pin, recentHashes)) {
                store.replacePin(organizerId, hasher.hash(pin), length);
                lockout.clear(organizerId);
                return pin;
            }
        }
        throw new IllegalStateException("every generated PIN matched one of the last " + HISTORY_SIZE
                + " PINs of organizer " + organizerId + " in " + MAX_ISSUE_ATTEMPTS + " attempts");
    }

    private boolean matchesAny(String pin, Collection<String> hashes) {
        for (String hash : hashes) {
            if (hasher.verify(pin, hash)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "PinVault[" + hasher + "]";
    }
}
