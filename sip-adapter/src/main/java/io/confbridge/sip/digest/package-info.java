/**
 * SIP digest authentication (RFC 3261 §22, RFC 7616, RFC 8760) without the SIP stack: challenges,
 * stateless signed nonces, replay tracking and response verification, all over plain strings with the
 * time passed in, so that they are tested without sockets or clocks.
 */
package io.confbridge.sip.digest;
