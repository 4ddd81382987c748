package io.confbridge.store;

/**
 * An organizer's SIP digest account as stored: the username a softphone authenticates with and the HA1
 * values ({@code H(username ":" realm ":" password)}, lowercase hex) for MD5 and SHA-256. The password is
 * never stored. {@code realm} is the realm the HA1 values were computed in: under another realm they are
 * worthless, so a lookup for a different realm should treat the account as absent.
 */
public record SipAccountRecord(long organizerId, String username, String realm, String ha1Md5, String ha1Sha256) {

    @Override
    public String toString() {
        // HA1 is a password equivalent within its realm: never print it.
        return "SipAccountRecord[organizerId=" + organizerId + ", username=" + username + ", realm=" + realm + "]";
    }
}
