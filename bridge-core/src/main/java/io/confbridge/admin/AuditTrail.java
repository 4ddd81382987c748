package io.confbridge.admin;

import io.confbridge.admin.Administration.Actor;
import io.confbridge.store.AuditRecord;
import io.confbridge.store.DirectoryStore;

import java.time.Clock;
import java.util.List;

/** Writes one audit line per change or refusal, stamped with the clock and the actor; never a PIN or secret. */
final class AuditTrail {
    private final DirectoryStore store;
    private final Clock clock;

    AuditTrail(DirectoryStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void record(Actor actor, String action, String target, String detail) {
        store.appendAudit(AuditRecord.of(clock.instant(), actor.name(), actor.role().name(), actor.clientAddress(),
                action, target, detail));
    }

    /** Adds {@code key before → after} to an audit detail when the value changed. */
    static void diff(List<String> changes, String key, Object before, Object after) {
        if (!before.equals(after)) {
            changes.add(key + " " + before + " → " + after);
        }
    }
}
