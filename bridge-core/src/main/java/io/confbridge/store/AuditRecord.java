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

    /** Longest {@code detail} kept; it may quote attacker-supplied text. */
    public static final int MAX_DETAIL_CHARS = 1000;

    /**
     * A new line to append (the store assigns the id). Every text may come from outside (a From user, a
     * display name), so control characters are replaced and long texts cut ({@link UntrustedText}).
     */
    public static AuditRecord of(Instant at, String actor, String actorRole, String clientAddress,
                                 String action, String target, String detail) {
        return new AuditRecord(0, at, UntrustedText.printable(actor), UntrustedText.printable(actorRole),
                UntrustedText.printable(clientAddress), UntrustedText.printable(action), UntrustedText.printable(target),
                UntrustedText.printable(detail, MAX_DETAIL_CHARS));
    }
}
