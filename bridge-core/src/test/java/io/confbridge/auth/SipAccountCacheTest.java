package io.confbridge.auth;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SipAccountCacheTest {
    private static final String REALM = "confbridge";

    /** The directory as the cache reads it, counting reads: lookups must not read it. */
    private static final class Directory implements SipAccountCache.Source {
        final Map<Long, DigestAccount> accounts = new ConcurrentHashMap<>();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public List<DigestAccount> all() {
            reads.incrementAndGet();
            return new ArrayList<>(accounts.values());
        }

        @Override
        public Optional<DigestAccount> ofOrganizer(long organizerId) {
            reads.incrementAndGet();
            return Optional.ofNullable(accounts.get(organizerId));
        }
    }

    private final Directory directory = new Directory();

    @Test
    void accountsLoadedAtStartAreFoundWithoutReadingTheDirectoryAgain() {
        DigestAccount alice = DigestAccount.of(1, "alice", REALM, "pw-alice");
        directory.accounts.put(1L, alice);
        SipAccountCache cache = SipAccountCache.load(directory);

        assertEquals(Optional.of(alice), cache.find("alice"));
        assertEquals(Optional.empty(), cache.find("Alice"), "usernames are case-sensitive");
        assertEquals(Optional.empty(), cache.find("nobody"));
        assertEquals(1, directory.reads.get());
    }

    @Test
    void aChangedAccountReplacesTheOldOneAndAnOldUsernameStopsWorking() {
        directory.accounts.put(1L, DigestAccount.of(1, "alice", REALM, "old"));
        SipAccountCache cache = SipAccountCache.load(directory);
        DigestAccount renamed = DigestAccount.of(1, "alice2", REALM, "new");

        directory.accounts.put(1L, renamed);
        cache.sipAccountChanged(1);

        assertEquals(Optional.of(renamed), cache.find("alice2"));
        assertEquals(Optional.empty(), cache.find("alice"));
        assertEquals(1, cache.size());
    }

    @Test
    void anOrganizerWhoNoLongerProvesAnythingLosesTheAccount() {
        directory.accounts.put(1L, DigestAccount.of(1, "alice", REALM, "pw"));
        SipAccountCache cache = SipAccountCache.load(directory);

        directory.accounts.remove(1L); // disabled, or credentials removed
        cache.sipAccountChanged(1);

        assertEquals(Optional.empty(), cache.find("alice"));
        directory.accounts.put(1L, DigestAccount.of(1, "alice", REALM, "pw"));
        cache.sipAccountChanged(1);
        assertEquals(1, cache.find("alice").orElseThrow().organizerId(), "enabled again");
    }

    @Test
    void aUsernameTakenOverByAnotherOrganizerStaysTheirs() {
        directory.accounts.put(1L, DigestAccount.of(1, "alice", REALM, "pw1"));
        SipAccountCache cache = SipAccountCache.load(directory);
        DigestAccount taken = DigestAccount.of(2, "alice", REALM, "pw2");

        // Organizer 1 moved to another username and organizer 2 took "alice"; 2's change is heard first.
        directory.accounts.put(1L, DigestAccount.of(1, "alice-old", REALM, "pw1"));
        directory.accounts.put(2L, taken);
        cache.sipAccountChanged(2);
        cache.sipAccountChanged(1);

        assertEquals(Optional.of(taken), cache.find("alice"));
        assertEquals(1, cache.find("alice-old").orElseThrow().organizerId());
    }

    @Test
    void reloadingEverythingCatchesUpOnChangesNobodyReported() {
        directory.accounts.put(1L, DigestAccount.of(1, "alice", REALM, "pw1"));
        directory.accounts.put(2L, DigestAccount.of(2, "bob", REALM, "pw2"));
        SipAccountCache cache = SipAccountCache.load(directory);
        DigestAccount carol = DigestAccount.of(3, "carol", REALM, "pw3");
        DigestAccount renamed = DigestAccount.of(2, "robert", REALM, "pw2");

        // Changed through another node while this one heard nothing: alice disabled, bob renamed, carol new.
        directory.accounts.remove(1L);
        directory.accounts.put(2L, renamed);
        directory.accounts.put(3L, carol);
        cache.reloadAll();

        assertEquals(Optional.empty(), cache.find("alice"));
        assertEquals(Optional.empty(), cache.find("bob"));
        assertEquals(Optional.of(renamed), cache.find("robert"));
        assertEquals(Optional.of(carol), cache.find("carol"));
        assertEquals(2, cache.size());
        // Later reported changes still apply: the organizers' usernames were kept right.
        directory.accounts.remove(2L);
        cache.sipAccountChanged(2);
        assertEquals(Optional.empty(), cache.find("robert"));
        assertEquals(1, cache.size());
    }
}
