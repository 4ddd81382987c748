package io.confbridge.store;

import java.time.Instant;

/**
 * One line of the audit log: who ({@code actor}, {@code actorRole}) did what ({@code action}) to what
 * ({@code target}), when and from where. {@code detail} is free text for people; it never holds a PIN.
 *
 * @param id assigned by the store; ignored when appending
 */
public record AuditRecord(long id, Instant at, String actor, String actorRole, String clientAddress,
                          String action, String target, String detail) {

    /** A new line to append (the store assigns the id). */
    public static AuditRecord of(Instant at, String actor, String actorRole, String clientAddress,
                                 String action, String target, String detail) {
        return new AuditRecord(0, at, actor, actorRole, clientAddress, action, target, detail);
    }
}
