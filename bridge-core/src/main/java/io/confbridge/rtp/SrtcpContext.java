package io.confbridge.rtp;

/**
 * One direction of SRTCP (RFC 3711 §3.4) under the same SDES master key as its {@link SrtpContext}:
 * session keys derived with the SRTCP labels (3, 4, 5; §4.3.2), AES-CM encryption of everything after
 * the first report's 8-byte header, the E flag and 31-bit SRTCP index appended, then an 80-bit
 * HMAC-SHA1 tag, for both suites (RFC 4568 §6.2: {@code AES_CM_128_HMAC_SHA1_32} shortens the SRTP
 * tag only). The receiver rejects replays with the same 64-packet window as SRTP (§3.3.2).
 *
 * <p>Works in place on a byte array with buffers allocated here; not thread-safe (the call's loop owns it).
 */
public final class SrtcpContext {
    /** Bytes SRTCP adds to a compound packet: E flag and index (4), tag (10). */
    public static final int OVERHEAD = 4 + 10;
    private static final int TAG_LENGTH = 10;
    private static final int HEADER = 8;
    private static final int REPLAY_WINDOW = 64;

    private final SessionKeys keys;
    private final HmacSha1 hmac;
    private final byte[] tag = new byte[20];

    /** As libsrtp counts: the index goes up before each packet, so the first one carries 1. */
    private int nextIndex = 1;
    private boolean started;
    private int highestIndex;
    private long window;

    public SrtcpContext(byte[] masterKey, byte[] masterSalt) {
        this.keys = new SessionKeys(masterKey, masterSalt, SessionKeys.SRTCP_LABELS);
        this.hmac = keys.hmac();
    }

    /**
     * Encrypts the compound RTCP packet {@code packet[offset, offset + length)} in place and appends the
     * E flag, index and tag; {@code packet} must have {@link #OVERHEAD} bytes free after it.
     *
     * @return the SRTCP packet's length, or {@link SrtpContext#MALFORMED}
     */
    public int protect(byte[] packet, int offset, int length) {
        if (length < HEADER || length + OVERHEAD > SrtpContext.MAX_PACKET || offset + length + OVERHEAD > packet.length
                || (packet[offset] & 0xC0) != 0x80) {
            return SrtpContext.MALFORMED;
        }
        int index = nextIndex;
        nextIndex = (nextIndex + 1) & 0x7FFF_FFFF;
        keys.crypt(packet, offset + HEADER, length - HEADER, ssrc(packet, offset), index);
        int at = offset + length;
        packet[at] = (byte) (0x80 | (index >>> 24));
        packet[at + 1] = (byte) (index >>> 16);
        packet[at + 2] = (byte) (index >>> 8);
        packet[at + 3] = (byte) index;
        authenticate(packet, offset, length + 4);
        System.arraycopy(tag, 0, packet, at + 4, TAG_LENGTH);
        return length + OVERHEAD;
    }

    /**
     * Checks and decrypts the SRTCP packet {@code packet[offset, offset + length)} in place.
     *
     * @return the compound RTCP packet's length, or {@link SrtpContext#AUTH_FAILED},
     *         {@link SrtpContext#REPLAYED} or {@link SrtpContext#MALFORMED}
     */
    public int unprotect(byte[] packet, int offset, int length) {
        if (length < HEADER + OVERHEAD || length > SrtpContext.MAX_PACKET || offset + length > packet.length
                || (packet[offset] & 0xC0) != 0x80) {
            return SrtpContext.MALFORMED;
        }
        int rtcpLength = length - OVERHEAD;
        int at = offset + rtcpLength;
        boolean encrypted = (packet[at] & 0x80) != 0;
        int index = ((packet[at] & 0x7F) << 24) | ((packet[at + 1] & 0xFF) << 16) | ((packet[at + 2] & 0xFF) << 8)
                | (packet[at + 3] & 0xFF);
        if (started) {
            long delta = (long) index - highestIndex;
            if (delta <= 0 && (-delta >= REPLAY_WINDOW || (window & (1L << -delta)) != 0)) {
                return SrtpContext.REPLAYED;
            }
        }
        authenticate(packet, offset, rtcpLength + 4);
        int diff = 0;
        for (int i = 0; i < TAG_LENGTH; i++) {
            diff |= tag[i] ^ packet[at + 4 + i];
        }
        if (diff != 0) {
            return SrtpContext.AUTH_FAILED;
        }
        if (encrypted) {
            keys.crypt(packet, offset + HEADER, rtcpLength - HEADER, ssrc(packet, offset), index);
        }
        if (!started) {
            started = true;
            highestIndex = index;
            window = 1;
        } else {
            long delta = (long) index - highestIndex;
            if (delta > 0) {
                window = delta >= REPLAY_WINDOW ? 1 : (window << delta) | 1;
                highestIndex = index;
            } else {
                window |= 1L << -delta;
            }
        }
        return rtcpLength;
    }

    private static int ssrc(byte[] p, int o) {
        return ((p[o + 4] & 0xFF) << 24) | ((p[o + 5] & 0xFF) << 16) | ((p[o + 6] & 0xFF) << 8) | (p[o + 7] & 0xFF);
    }

    private void authenticate(byte[] packet, int offset, int length) {
        hmac.update(packet, offset, length);
        hmac.doFinal(tag, 0);
    }
}
