/**
 * Who a caller proved to be: SIP digest accounts (RFC 3261 §22, RFC 7616, RFC 8760) of organizers, as
 * the signalling side looks them up. Credentials are kept as digest HA1 values, never as passwords.
 * The database implementation of {@link io.confbridge.auth.SipCredentials} belongs to the store.
 */
package io.confbridge.auth;
