package io.confbridge.rtp;

/**
 * One direction of an SRTP stream (RFC 3711) keyed by SDES (RFC 4568): {@code AES_CM_128_HMAC_SHA1_80}
 * or {@code _32}. The sender's context {@link #protect}s the packets the bridge sends, the receiver's
 * context {@link #unprotect}s the caller's; both work in place on a byte array, with every buffer
 * allocated here, so a packet costs no allocation.
 *
 * <p>The session keys and the AES-CM keystream are {@link SessionKeys}' (derived once, at construction),
 * HMAC-SHA1 is {@link HmacSha1}'s (the JDK's Mac allocates per call). The receiver estimates the
 * rollover counter (§3.3.1, Appendix A), rejects replays and packets older than its 64-packet window
 * (§3.3.2) before it spends an HMAC on them, and counts each kind of drop. One SSRC per context: the
 * first authenticated packet's; packets of any other SSRC are dropped (a new SSRC comes with new keys in
 * a re-INVITE).
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

    private final SessionKeys keys;
    private final HmacSha1 hmac;
    private final int tagLength;
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
        this.tagLength = suite.tagLength();
        this.keys = new SessionKeys(masterKey, masterSalt, SessionKeys.SRTP_LABELS);
        this.hmac = keys.hmac();
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
        keys.crypt(packet, offset + header, length - header, packetSsrc, index);
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
        keys.crypt(packet, offset + header, rtpLength - header, packetSsrc, index);
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
