package io.confbridge.auth;

import java.util.Optional;

/**
 * The organizers' SIP digest accounts, by username, as the SIP adapter needs them to challenge and
 * verify softphones.
 *
 * <p>Called on the SIP stack's listener threads, once for every out-of-dialog INVITE and REGISTER
 * (also for callers who turn out to have no account, which is most of them). Implementations must
 * therefore answer quickly: from memory, or from an indexed query on a local database that takes a few
 * milliseconds at most. A slow lookup delays every call set-up, not only the organizer's; an
 * implementation backed by a remote database should keep an in-memory copy refreshed when credentials
 * change. Thread-safe. A {@link RuntimeException} is taken as "no account" for INVITEs (dial-in keeps
 * working when the database does not) and as a server error for REGISTER.
 */
@FunctionalInterface
public interface SipCredentials {

    /** The account with exactly this username (case-sensitive), if any. */
    Optional<DigestAccount> find(String username);
}
