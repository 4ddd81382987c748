package io.confbridge.rtp;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * One direction of an SRTP stream (RFC 3711) keyed by SDES (RFC 4568): {@code AES_CM_128_HMAC_SHA1_80}
 * or {@code _32}. The sender's context {@link #protect}s the packets the bridge sends, the receiver's
 * context {@link #unprotect}s the caller's; both work in place on a byte array, with every buffer
 * allocated here, so a packet costs no allocation.
 *
 * <p>Built on the JDK's AES (ECB, to produce the counter-mode keystream of §4.1.1 without a new IV object
 * per packet) and SHA-1 for HMAC-SHA1 (§4.2.1, {@link HmacSha1}: the JDK's Mac allocates per call). Session keys come from the master key and salt once, at
 * construction (§4.3, key derivation rate 0). The receiver estimates the rollover counter (§3.3.1,
 * Appendix A), rejects replays and packets older than its 64-packet window (§3.3.2) before it spends an
 * HMAC on them, and counts each kind of drop. One SSRC per context: the first authenticated packet's;
 * packets of any other SSRC are dropped (a new SSRC comes with new keys in a re-INVITE).
 *
 * <p>Not thread-safe: a call's media loop owns each context.
 */
public final class SrtpContext {

    /** {@link #unprotect} result: the authentication tag did not match. */
    public static final int AUTH_FAILED = -1;
    /** {@link #unprotect} result: a packet index already seen, or older than the replay window. */
    public static final int REPLAYED = -2;
    /** {@link #unprotect} result: too short, not RTP version 2, or another SSRC than the stream's. */
    public static final int MALFORMED = -3;

    /** The largest packet handled; larger ones are {@link #MALFORMED}. */
    public static final int MAX_PACKET = 1500;
    private static final int REPLAY_WINDOW = 64;
    private static final int LABEL_CIPHER_KEY = 0;
    private static final int LABEL_AUTH_KEY = 1;
    private static final int LABEL_SALT = 2;

    /** The crypto suites of RFC 4568 §6.2 the bridge speaks. */
    public enum Suite {
        AES_CM_128_HMAC_SHA1_80(10),
        AES_CM_128_HMAC_SHA1_32(4);

        private final int tagLength;

        Suite(int tagLength) {
            this.tagLength = tagLength;
        }

        /** Bytes of authentication tag appended to each packet. */
        public int tagLength() {
            return tagLength;
        }
    }

    private final Cipher aes;
    private final HmacSha1 hmac;
    private final byte[] salt;
    private final int tagLength;
    private final byte[] counterBlocks = new byte[MAX_PACKET + 16];
    private final byte[] keystream = new byte[MAX_PACKET + 16];
    private final byte[] rocBytes = new byte[4];
    private final byte[] tag = new byte[20];

    private boolean started;
    private int ssrc;
    private int roc;
    private int highestSeq;
    private long highestIndex;
    private long window;

    private long authFailures;
    private long replays;
    private long malformed;

    /**
     * @param masterKey  the 16-byte master key of the SDES inline key parameter
     * @param masterSalt the 14-byte master salt following it
     */
    public SrtpContext(Suite suite, byte[] masterKey, byte[] masterSalt) {
        if (masterKey.length != 16 || masterSalt.length != 14) {
            throw new IllegalArgumentException("AES_CM_128 needs a 16-byte master key and a 14-byte salt");
        }
        this.tagLength = suite.tagLength();
        try {
            Cipher master = Cipher.getInstance("AES/ECB/NoPadding");
            master.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"));
            byte[] cipherKey = derive(master, masterSalt, LABEL_CIPHER_KEY, 16);
            byte[] authKey = derive(master, masterSalt, LABEL_AUTH_KEY, 20);
            this.salt = derive(master, masterSalt, LABEL_SALT, 14);
            this.aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cipherKey, "AES"));
            this.hmac = new HmacSha1(authKey);
            Arrays.fill(cipherKey, (byte) 0);
            Arrays.fill(authKey, (byte) 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES or HmacSHA1", e);
        }
    }

    /**
     * RFC 3711 §4.3.1 with a key derivation rate of 0: AES-CM under the master key with
     * IV = (master salt XOR label at byte 7) * 2^16.
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
     * Encrypts the RTP packet {@code packet[offset, offset + length)} in place and appends its
     * authentication tag; {@code packet} must have {@link Suite#tagLength()} bytes free after it.
     *
     * @return the SRTP packet's length, or {@link #MALFORMED} (the packet is left as it was)
     */
    public int protect(byte[] packet, int offset, int length) {
        int header = headerLength(packet, offset, length);
        if (header < 0 || length > MAX_PACKET || offset + length + tagLength > packet.length) {
            malformed++;
            return MALFORMED;
        }
        int seq = RtpHeaderBytes.seq(packet, offset);
        int packetSsrc = RtpHeaderBytes.ssrc(packet, offset);
        if (!started) {
            started = true;
            ssrc = packetSsrc;
            highestSeq = seq;
        } else if (seq < highestSeq && highestSeq - seq > 32768) {
            roc++; // our own sequence wrapped
            highestSeq = seq;
        } else if (seq > highestSeq) {
            highestSeq = seq;
        }
        long index = ((long) roc << 16) | seq;
        crypt(packet, offset + header, length - header, packetSsrc, index);
        authenticate(packet, offset, length, roc);
        System.arraycopy(tag, 0, packet, offset + length, tagLength);
        return length + tagLength;
    }

    /**
     * Checks and decrypts the SRTP packet {@code packet[offset, offset + length)} in place.
     *
     * @return the RTP packet's length (without the tag), or {@link #AUTH_FAILED}, {@link #REPLAYED} or
     *         {@link #MALFORMED}, each counted; on a failure the packet is left as it was
     */
    public int unprotect(byte[] packet, int offset, int length) {
        int rtpLength = length - tagLength;
        int header = headerLength(packet, offset, rtpLength);
        if (header < 0 || length > MAX_PACKET) {
            malformed++;
            return MALFORMED;
        }
        int seq = RtpHeaderBytes.seq(packet, offset);
        int packetSsrc = RtpHeaderBytes.ssrc(packet, offset);
        if (started && packetSsrc != ssrc) {
            malformed++;
            return MALFORMED;
        }
        int v = started ? estimateRoc(seq) : 0;
        long index = ((long) v << 16) | seq;
        if (started) {
            long delta = index - highestIndex;
            if (delta <= 0 && (-delta >= REPLAY_WINDOW || (window & (1L << -delta)) != 0)) {
                replays++;
                return REPLAYED;
            }
        }
        authenticate(packet, offset, rtpLength, v);
        int diff = 0;
        for (int i = 0; i < tagLength; i++) {
            diff |= tag[i] ^ packet[offset + rtpLength + i];
        }
        if (diff != 0) {
            authFailures++;
            return AUTH_FAILED;
        }
        crypt(packet, offset + header, rtpLength - header, packetSsrc, index);
        accept(packetSsrc, seq, v, index);
        return rtpLength;
    }

    /** RFC 3711 Appendix A: the ROC the sender most likely used for {@code seq}. */
    private int estimateRoc(int seq) {
        if (highestSeq < 32768) {
            return seq - highestSeq > 32768 ? roc - 1 : roc;
        }
        return highestSeq - 32768 > seq ? roc + 1 : roc;
    }

    private void accept(int packetSsrc, int seq, int v, long index) {
        if (!started) {
            started = true;
            ssrc = packetSsrc;
            roc = v;
            highestSeq = seq;
            highestIndex = index;
            window = 1;
            return;
        }
        long delta = index - highestIndex;
        if (delta > 0) {
            window = delta >= REPLAY_WINDOW ? 1 : (window << delta) | 1;
            highestIndex = index;
            roc = v;
            highestSeq = seq;
        } else {
            window |= 1L << -delta;
        }
    }

    /** XORs {@code data[from, from + n)} with the AES-CM keystream of §4.1.1 for this packet. */
    private void crypt(byte[] data, int from, int n, int packetSsrc, long index) {
        int blocks = (n + 15) / 16;
        for (int b = 0; b < blocks; b++) {
            int o = b * 16;
            System.arraycopy(salt, 0, counterBlocks, o, 14);
            counterBlocks[o + 4] ^= (byte) (packetSsrc >>> 24);
            counterBlocks[o + 5] ^= (byte) (packetSsrc >>> 16);
            counterBlocks[o + 6] ^= (byte) (packetSsrc >>> 8);
            counterBlocks[o + 7] ^= (byte) packetSsrc;
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

    /** HMAC-SHA1 over the authenticated portion and the ROC (§4.2), into {@link #tag}. */
    private void authenticate(byte[] packet, int offset, int length, int rolloverCounter) {
        rocBytes[0] = (byte) (rolloverCounter >>> 24);
        rocBytes[1] = (byte) (rolloverCounter >>> 16);
        rocBytes[2] = (byte) (rolloverCounter >>> 8);
        rocBytes[3] = (byte) rolloverCounter;
        hmac.update(packet, offset, length);
        hmac.update(rocBytes, 0, 4);
        hmac.doFinal(tag, 0);
    }

    /** The RTP header's length with CSRCs and extension, or -1 when the packet cannot hold it. */
    private static int headerLength(byte[] packet, int offset, int length) {
        if (length < 12 || offset < 0 || offset + length > packet.length || (packet[offset] & 0xC0) != 0x80) {
            return -1;
        }
        int header = 12 + 4 * (packet[offset] & 0x0F);
        if ((packet[offset] & 0x10) != 0) {
            if (header + 4 > length) {
                return -1;
            }
            int words = ((packet[offset + header + 2] & 0xFF) << 8) | (packet[offset + header + 3] & 0xFF);
            header += 4 + 4 * words;
        }
        return header <= length ? header : -1;
    }

    /** Packets dropped because their tag did not match (RFC 3711 §3.3 step 5). */
    public long authFailures() {
        return authFailures;
    }

    /** Packets dropped as replays or as older than the replay window (§3.3.2). */
    public long replays() {
        return replays;
    }

    /** Packets dropped as too short, too long, not RTP or of another SSRC. */
    public long malformed() {
        return malformed;
    }

    /** Big-endian field reads over a byte array, for the two fields SRTP needs. */
    private static final class RtpHeaderBytes {
        static int seq(byte[] p, int o) {
            return ((p[o + 2] & 0xFF) << 8) | (p[o + 3] & 0xFF);
        }

        static int ssrc(byte[] p, int o) {
            return ((p[o + 8] & 0xFF) << 24) | ((p[o + 9] & 0xFF) << 16) | ((p[o + 10] & 0xFF) << 8) | (p[o + 11] & 0xFF);
        }
    }
}
