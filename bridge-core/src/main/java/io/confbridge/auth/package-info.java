/**
 * Who a caller proved to be: SIP digest accounts (RFC 3261 §22, RFC 7616, RFC 8760) of organizers, as
 * the signalling side looks them up. Credentials are kept as digest HA1 values, never as passwords.
 * The accounts are held in memory ({@link io.confbridge.auth.SipAccountCache}); whoever changes one
 * reports it through {@link io.confbridge.auth.SipAccountChanges}.
 */
package io.confbridge.auth;
