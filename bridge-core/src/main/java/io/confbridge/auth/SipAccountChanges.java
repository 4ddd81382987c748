package io.confbridge.auth;

/**
 * Told when an organizer's SIP account may have changed: credentials set, replaced or removed, or the
 * organizer enabled or disabled (a disabled organizer proves nothing over SIP). Whoever makes such a
 * change calls {@link #sipAccountChanged} once it is durable; in this process that is the directory
 * store, and a node hearing of another node's change would call it too.
 */
@FunctionalInterface
public interface SipAccountChanges {

    /** Re-reads the organizer's account. May block briefly (a database read); never call it on a SIP thread. */
    void sipAccountChanged(long organizerId);
}
