package io.confbridge.rtp;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The session keys of one SRTP or SRTCP direction, derived once from the SDES master key and salt
 * (RFC 3711 §4.3.1, key derivation rate 0), and the AES-CM keystream they drive (§4.1.1). SRTP and
 * SRTCP differ only in their labels (0–2 and 3–5) and in how wide their packet index is, so both
 * contexts encrypt through this class.
 *
 * <p>AES runs in ECB over counter blocks built here, so a packet needs no new IV object; the buffers are
 * allocated once. Not thread-safe: the call's loop owns it.
 */
final class SessionKeys {
    /** The SRTP labels of §4.3.1: cipher key, authentication key, salt. */
    static final int SRTP_LABELS = 0;
    /** The SRTCP labels of §4.3.2. */
    static final int SRTCP_LABELS = 3;

    private final Cipher aes;
    private final HmacSha1 hmac;
    private final byte[] salt;
    private final byte[] counterBlocks = new byte[SrtpContext.MAX_PACKET + 16];
    private final byte[] keystream = new byte[SrtpContext.MAX_PACKET + 16];

    /**
     * @param firstLabel {@link #SRTP_LABELS} or {@link #SRTCP_LABELS}: the cipher key's label, the
     *                   authentication key's and the salt's follow it
     */
    SessionKeys(byte[] masterKey, byte[] masterSalt, int firstLabel) {
        if (masterKey.length != 16 || masterSalt.length != 14) {
            throw new IllegalArgumentException("AES_CM_128 needs a 16-byte master key and a 14-byte salt");
        }
        try {
            Cipher master = Cipher.getInstance("AES/ECB/NoPadding");
            master.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"));
            byte[] cipherKey = derive(master, masterSalt, firstLabel, 16);
            byte[] authKey = derive(master, masterSalt, firstLabel + 1, 20);
            this.salt = derive(master, masterSalt, firstLabel + 2, 14);
            this.aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cipherKey, "AES"));
            this.hmac = new HmacSha1(authKey);
            Arrays.fill(cipherKey, (byte) 0);
            Arrays.fill(authKey, (byte) 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES or HmacSHA1", e);
        }
    }

    /** HMAC-SHA1 under the session authentication key (§4.2.1). */
    HmacSha1 hmac() {
        return hmac;
    }

    /**
     * AES-CM under the master key with IV = (master salt XOR label at byte 7) * 2^16 (§4.3.1).
     */
    static byte[] derive(Cipher master, byte[] masterSalt, int label, int length) throws GeneralSecurityException {
        int blocks = (length + 15) / 16;
        byte[] in = new byte[blocks * 16];
        for (int b = 0; b < blocks; b++) {
            System.arraycopy(masterSalt, 0, in, b * 16, 14);
            in[b * 16 + 7] ^= (byte) label;
            in[b * 16 + 14] = (byte) (b >>> 8);
            in[b * 16 + 15] = (byte) b;
        }
        return Arrays.copyOf(master.doFinal(in), length);
    }

    /**
     * XORs {@code data[from, from + n)} with the keystream of one packet: IV = salt XOR SSRC·2^64 XOR
     * index·2^16 (§4.1.1), the index being SRTP's 48-bit one or SRTCP's 31-bit one (§3.4).
     */
    void crypt(byte[] data, int from, int n, int ssrc, long index) {
        int blocks = (n + 15) / 16;
        for (int b = 0; b < blocks; b++) {
            int o = b * 16;
            System.arraycopy(salt, 0, counterBlocks, o, 14);
            counterBlocks[o + 4] ^= (byte) (ssrc >>> 24);
            counterBlocks[o + 5] ^= (byte) (ssrc >>> 16);
            counterBlocks[o + 6] ^= (byte) (ssrc >>> 8);
            counterBlocks[o + 7] ^= (byte) ssrc;
            counterBlocks[o + 8] ^= (byte) (index >>> 40);
            counterBlocks[o + 9] ^= (byte) (index >>> 32);
            counterBlocks[o + 10] ^= (byte) (index >>> 24);
            counterBlocks[o + 11] ^= (byte) (index >>> 16);
            counterBlocks[o + 12] ^= (byte) (index >>> 8);
            counterBlocks[o + 13] ^= (byte) index;
            counterBlocks[o + 14] = (byte) (b >>> 8);
            counterBlocks[o + 15] = (byte) b;
        }
        try {
            aes.update(counterBlocks, 0, blocks * 16, keystream, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < n; i++) {
            data[from + i] ^= keystream[i];
        }
    }
}
