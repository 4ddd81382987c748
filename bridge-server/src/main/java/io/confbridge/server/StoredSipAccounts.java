package io.confbridge.server;

import io.confbridge.auth.DigestAccount;
import io.confbridge.auth.SipAccountCache;
import io.confbridge.store.DirectoryStore;
import io.confbridge.store.SipAccountRecord;

import java.util.List;
import java.util.Optional;

/**
 * The SIP accounts in the directory that prove their organizer: enabled organizers' accounts whose HA1
 * values were computed for this bridge's realm (HA1 binds the realm; others authenticate nobody).
 */
final class StoredSipAccounts implements SipAccountCache.Source {
    private final DirectoryStore store;
    private final String realm;

    StoredSipAccounts(DirectoryStore store, String realm) {
        this.store = store;
        this.realm = realm;
    }

    @Override
    public List<DigestAccount> all() {
        return store.sipAccountsOfEnabledOrganizers().stream()
                .filter(account -> account.realm().equals(realm))
                .map(StoredSipAccounts::digestAccount)
                .toList();
    }

    @Override
    public Optional<DigestAccount> ofOrganizer(long organizerId) {
        boolean enabled = store.findOrganizer(organizerId).map(o -> o.enabled()).orElse(false);
        if (!enabled) {
            return Optional.empty();
        }
        return store.findSipAccountOf(organizerId)
                .filter(account -> account.realm().equals(realm))
                .map(StoredSipAccounts::digestAccount);
    }

    private static DigestAccount digestAccount(SipAccountRecord account) {
        return new DigestAccount(account.organizerId(), account.username(), account.ha1Md5(), account.ha1Sha256());
    }
}
