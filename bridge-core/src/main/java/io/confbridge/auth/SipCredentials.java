package io.confbridge.auth;

import java.util.Optional;

/**
 * The organizers' SIP digest accounts, by username, as the SIP adapter needs them to challenge and
 * verify softphones.
 *
 * <p>Called on the SIP stack's listener threads, once for every out-of-dialog INVITE and REGISTER
 * (also for callers who turn out to have no account, which is most of them), so it must answer from
 * memory: the bridge uses {@link SipAccountCache}. Thread-safe. A {@link RuntimeException} is taken as
 * "no account" for INVITEs and as a server error for REGISTER.
 */
@FunctionalInterface
public interface SipCredentials {

    /** The account with exactly this username (case-sensitive), if any. */
    Optional<DigestAccount> find(String username);
}
