package io.confbridge.sip.sdp;

import io.confbridge.rtp.SrtpContext;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * One SDES key offer, an {@code a=crypto} attribute value (RFC 4568 §9.1):
 * {@code <tag> <crypto-suite> inline:<base64(master key || master salt)>[|lifetime][|MKI:length] [params]}.
 * Only the two suites of {@link SrtpContext.Suite} with a single inline key, no MKI and no session
 * parameters are usable; other lines are skipped, as §6.1 lets an answerer do.
 *
 * <p>{@link #toString()} never shows the key: it is a secret of the call.
 */
public record SdesCrypto(int tag, SrtpContext.Suite suite, byte[] masterKey, byte[] masterSalt) {

    private static final int KEY_AND_SALT = 30;

    /**
     * The usable offers among {@code a=crypto} values, in the offer's order of preference.
     *
     * @throws SdpParseException when a line for a suite we speak is malformed (bad tag, not base64, wrong
     *                           key length): an offer we would otherwise misread
     */
    public static List<SdesCrypto> usable(List<String> cryptoValues) throws SdpParseException {
        List<SdesCrypto> usable = new ArrayList<>();
        for (String value : cryptoValues) {
            SdesCrypto crypto = parse(value);
            if (crypto != null) {
                usable.add(crypto);
            }
        }
        return usable;
    }

    /** One {@code a=crypto} value; null when it is well-formed but not usable here. */
    static SdesCrypto parse(String value) throws SdpParseException {
        String[] fields = value.trim().split("\\s+");
        if (fields.length < 3) {
            throw new SdpParseException("a=crypto needs a tag, a suite and key parameters: " + redacted(value));
        }
        int tag;
        try {
            tag = Integer.parseInt(fields[0]);
        } catch (NumberFormatException e) {
            throw new SdpParseException("a=crypto tag is not a number: " + redacted(value));
        }
        if (tag < 0 || tag > 999_999_999 || fields[0].length() > 10) {
            throw new SdpParseException("a=crypto tag out of range (0-999999999): " + redacted(value));
        }
        SrtpContext.Suite suite;
        try {
            suite = SrtpContext.Suite.valueOf(fields[1].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null; // a suite we do not speak (AEAD_AES_256_GCM, F8, ...)
        }
        if (fields.length > 3 || fields[2].indexOf(';') >= 0) {
            return null; // session parameters or several keys: not supported, skip the line
        }
        String keyParams = fields[2];
        if (!keyParams.regionMatches(true, 0, "inline:", 0, 7)) {
            throw new SdpParseException("a=crypto key method is not inline: " + redacted(value));
        }
        String[] parts = keyParams.substring(7).split("\\|");
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].indexOf(':') >= 0) {
                return null; // an MKI: the bridge sends and expects packets without one
            }
        }
        byte[] keyAndSalt;
        try {
            keyAndSalt = Base64.getDecoder().decode(parts[0]);
        } catch (IllegalArgumentException e) {
            throw new SdpParseException("a=crypto inline key is not base64: " + redacted(value));
        }
        if (keyAndSalt.length != KEY_AND_SALT) {
            throw new SdpParseException("a=crypto inline key for " + suite + " must be 30 bytes, not "
                    + keyAndSalt.length);
        }
        byte[] key = new byte[16];
        byte[] salt = new byte[14];
        System.arraycopy(keyAndSalt, 0, key, 0, 16);
        System.arraycopy(keyAndSalt, 16, salt, 0, 14);
        return new SdesCrypto(tag, suite, key, salt);
    }

    /** A fresh master key and salt of the bridge's own for {@code suite}, announced under {@code tag}. */
    public static SdesCrypto fresh(int tag, SrtpContext.Suite suite, java.security.SecureRandom random) {
        byte[] key = new byte[16];
        byte[] salt = new byte[14];
        random.nextBytes(key);
        random.nextBytes(salt);
        return new SdesCrypto(tag, suite, key, salt);
    }

    /** The same key under another tag (the tag of the offer line a re-answer accepts). */
    public SdesCrypto withTag(int newTag) {
        return newTag == tag ? this : new SdesCrypto(newTag, suite, masterKey, masterSalt);
    }

    /** Whether {@code other} is the same suite and key (the tag aside). */
    public boolean sameKey(SdesCrypto other) {
        return other != null && suite == other.suite && java.util.Arrays.equals(masterKey, other.masterKey)
                && java.util.Arrays.equals(masterSalt, other.masterSalt);
    }

    /** The call's keys with this as the bridge's and {@code remote} as the caller's. */
    public io.confbridge.rtp.SrtpKeys keysWith(SdesCrypto remote) {
        return new io.confbridge.rtp.SrtpKeys(suite, masterKey, masterSalt, remote.masterKey, remote.masterSalt);
    }

    /** This key as an {@code a=crypto} value, for the bridge's own answer. */
    public String attributeValue() {
        byte[] keyAndSalt = new byte[KEY_AND_SALT];
        System.arraycopy(masterKey, 0, keyAndSalt, 0, 16);
        System.arraycopy(masterSalt, 0, keyAndSalt, 16, 14);
        return tag + " " + suite + " inline:" + Base64.getEncoder().encodeToString(keyAndSalt);
    }

    @Override
    public String toString() {
        return "SdesCrypto[tag=" + tag + ", suite=" + suite + ", key hidden]";
    }

    /** Tag and suite only, for error messages that may be logged: key parameters never leave here. */
    private static String redacted(String value) {
        String[] fields = value.trim().split("\\s+", 3);
        return fields.length < 3 ? "\"" + fields[0] + "\" ..." : fields[0] + " " + fields[1] + " <key parameters hidden>";
    }
}
