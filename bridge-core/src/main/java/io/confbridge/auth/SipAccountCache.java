package io.confbridge.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The organizers' SIP accounts in memory, keyed by username, so that challenging and verifying a
 * softphone never waits for the database on a SIP thread. Loaded once at start; each
 * {@linkplain SipAccountChanges change} re-reads that one organizer, on the thread reporting it.
 *
 * <p>Lookups are lock-free map reads from any thread. Changes are serialized among themselves; a
 * lookup running beside a change sees the account before or after it.
 */
public final class SipAccountCache implements SipCredentials, SipAccountChanges {
    private static final Logger log = LoggerFactory.getLogger(SipAccountCache.class);

    /** Where the accounts come from: the directory. Both reads may block. */
    public interface Source {
        /** Every account that proves its organizer now (the organizer is enabled). */
        List<DigestAccount> all();

        /** The organizer's account if it proves them now. */
        Optional<DigestAccount> ofOrganizer(long organizerId);
    }

    private final Source source;
    private final Map<String, DigestAccount> byUsername = new ConcurrentHashMap<>();
    /** Each organizer's username in {@link #byUsername}. Guarded by this. */
    private final Map<Long, String> usernameOf = new HashMap<>();

    private SipAccountCache(Source source) {
        this.source = source;
    }

    /** Reads every account from {@code source} (at start, before SIP listens). */
    public static SipAccountCache load(Source source) {
        SipAccountCache cache = new SipAccountCache(source);
        for (DigestAccount account : source.all()) {
            cache.put(account);
        }
        log.info("{} SIP account(s) loaded", cache.byUsername.size());
        return cache;
    }

    @Override
    public Optional<DigestAccount> find(String username) {
        return Optional.ofNullable(byUsername.get(username));
    }

    @Override
    public synchronized void sipAccountChanged(long organizerId) {
        apply(organizerId, source.ofOrganizer(organizerId));
    }

    /**
     * Re-reads every account: for a node that may have missed changes made through other nodes (its
     * notifications were cut). Accounts that no longer prove their organizer go; the others are as stored.
     */
    public synchronized void reloadAll() {
        Map<Long, DigestAccount> stored = new HashMap<>();
        for (DigestAccount account : source.all()) {
            stored.put(account.organizerId(), account);
        }
        Set<Long> organizers = new HashSet<>(usernameOf.keySet());
        organizers.addAll(stored.keySet());
        for (long organizerId : organizers) {
            apply(organizerId, Optional.ofNullable(stored.get(organizerId)));
        }
    }

    private void apply(long organizerId, Optional<DigestAccount> now) {
        String before = usernameOf.get(organizerId);
        // The new username goes in before the old one goes out: no lookup sees the organizer without either.
        now.ifPresent(this::put);
        if (before != null && !now.map(DigestAccount::username).orElse("").equals(before)) {
            DigestAccount old = byUsername.get(before);
            if (old != null && old.organizerId() == organizerId) {
                byUsername.remove(before, old);
            }
        }
        if (now.isEmpty()) {
            usernameOf.remove(organizerId);
        }
    }

    /** How many accounts are held. */
    public int size() {
        return byUsername.size();
    }

    private synchronized void put(DigestAccount account) {
        byUsername.put(account.username(), account);
        usernameOf.put(account.organizerId(), account.username());
    }
}
