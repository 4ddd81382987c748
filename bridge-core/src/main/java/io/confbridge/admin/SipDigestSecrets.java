package io.confbridge.admin;

import io.confbridge.store.SipAccountRecord;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns a SIP password into what the store keeps: the digest HA1 values {@code H(username:realm:password)}
 * (RFC 7616 §3.4.2) for MD5 and SHA-256, lowercase hex over UTF-8, the form the SIP side verifies
 * responses with. The password itself goes no further than this class.
 */
final class SipDigestSecrets {

    private SipDigestSecrets() {
    }

    static SipAccountRecord account(long organizerId, String username, String realm, String password) {
        String a1 = username + ":" + realm + ":" + password;
        return new SipAccountRecord(organizerId, username, realm, hash("MD5", a1), hash("SHA-256", a1));
    }

    static String hash(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has " + algorithm, e);
        }
    }
}
