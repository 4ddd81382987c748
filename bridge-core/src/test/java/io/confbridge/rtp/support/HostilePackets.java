package io.confbridge.rtp.support;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * Seeded generator of hostile RTP and RTCP datagrams for fuzz tests: well-formed packets (RFC 3550 §5.1 with
 * CSRCs, extension and padding; SR + RR + SDES compounds, §6.1) and the same broken in the ways a parser
 * trips over: random bytes, truncations, wrong versions, a CSRC count, a padding length or an extension
 * length running past the end, RTCP length words and report counts past the end, single bytes flipped.
 * The same {@link Random} seed gives the same packets, so a failure is replayed from its seed.
 */
public final class HostilePackets {
    /** The ways a packet is made hostile; {@link #next} picks one uniformly. */
    public enum Kind {
        RANDOM_BYTES, TRUNCATED_RTP, WRONG_VERSION, CSRC_PAST_END, PADDING_PAST_END, ZERO_PADDING,
        EXTENSION_PAST_END, FLIPPED_RTP, TRUNCATED_RTCP, RTCP_LENGTH_PAST_END, RTCP_COUNT_PAST_END,
        RTCP_WRONG_VERSION, RTCP_PADDING, FLIPPED_RTCP, SDES_ITEM_PAST_END
    }

    private static final Kind[] KINDS = Kind.values();

    private final Random random;
    private final int payloadType;
    private final long ssrc;
    private int sequence;
    private Kind lastKind;

    /**
     * @param payloadType the payload type of the well-formed RTP the hostile packets start from (the
     *                    call's own, so the packets get past the payload type check into the parsers)
     * @param ssrc        the SSRC they carry
     */
    public HostilePackets(Random random, int payloadType, long ssrc) {
        this.random = random;
        this.payloadType = payloadType;
        this.ssrc = ssrc;
        this.sequence = random.nextInt(0x10000);
    }

    /** What the last {@link #next} made. */
    public Kind lastKind() {
        return lastKind;
    }

    /** The next hostile datagram, of a kind picked at random. */
    public byte[] next() {
        lastKind = KINDS[random.nextInt(KINDS.length)];
        return make(lastKind);
    }

    /** A hostile datagram of {@code kind}. */
    public byte[] make(Kind kind) {
        return switch (kind) {
            case RANDOM_BYTES -> randomBytes(random.nextInt(300));
            case TRUNCATED_RTP -> truncate(wellFormedRtp());
            case WRONG_VERSION -> {
                byte[] p = wellFormedRtp();
                int version = random.nextInt(3); // 0, 1 or 3: anything but 2
                p[0] = (byte) ((p[0] & 0x3F) | ((version == 2 ? 3 : version) << 6));
                yield p;
            }
            case CSRC_PAST_END -> {
                byte[] p = Arrays.copyOf(wellFormedRtp(), 12 + random.nextInt(60));
                p[0] = (byte) ((p[0] & 0xF0) | 0x0F);
                yield p;
            }
            case PADDING_PAST_END -> {
                byte[] p = wellFormedRtp();
                p[0] |= 0x20;
                p[p.length - 1] = (byte) (p.length + random.nextInt(256 - Math.min(255, p.length)));
                yield p;
            }
            case ZERO_PADDING -> {
                byte[] p = wellFormedRtp();
                p[0] |= 0x20;
                p[p.length - 1] = 0;
                yield p;
            }
            case EXTENSION_PAST_END -> {
                byte[] p = wellFormedRtp();
                p[0] = (byte) ((p[0] & 0xF0) | 0x10); // X, no CSRCs: the extension header at 12
                if (p.length < 16) {
                    p = Arrays.copyOf(p, 16);
                }
                p[14] = (byte) 0xFF;
                p[15] = (byte) random.nextInt(256);
                yield random.nextBoolean() ? p : Arrays.copyOf(p, 12 + random.nextInt(4));
            }
            case FLIPPED_RTP -> flip(wellFormedRtp());
            case TRUNCATED_RTCP -> truncate(wellFormedRtcp());
            case RTCP_LENGTH_PAST_END -> {
                byte[] p = wellFormedRtcp();
                int at = subPacketOffset(p);
                int words = ((p[at + 2] & 0xFF) << 8 | (p[at + 3] & 0xFF)) + 1 + random.nextInt(0x10000);
                p[at + 2] = (byte) (words >> 8);
                p[at + 3] = (byte) words;
                yield p;
            }
            case RTCP_COUNT_PAST_END -> {
                byte[] p = wellFormedRtcp();
                p[0] = (byte) ((p[0] & 0xE0) | 0x1F);
                yield p;
            }
            case RTCP_WRONG_VERSION -> {
                byte[] p = wellFormedRtcp();
                int at = subPacketOffset(p);
                p[at] = (byte) (p[at] & 0x3F | (random.nextBoolean() ? 0x40 : 0xC0));
                yield p;
            }
            case RTCP_PADDING -> {
                byte[] p = wellFormedRtcp();
                int at = subPacketOffset(p);
                p[at] |= 0x20;
                p[p.length - 1] = (byte) random.nextInt(256);
                yield p;
            }
            case FLIPPED_RTCP -> flip(wellFormedRtcp());
            case SDES_ITEM_PAST_END -> {
                byte[] p = wellFormedRtcp();
                p[p.length - 8 + 1] = (byte) 0xFF; // the CNAME item's length byte in the last SDES chunk
                yield p;
            }
        };
    }

    /** A well-formed RTP packet: 0–3 CSRCs, maybe a header extension, 0–200 payload bytes, maybe padding. */
    public byte[] wellFormedRtp() {
        int csrcs = random.nextInt(4);
        int extensionWords = random.nextBoolean() ? -1 : random.nextInt(4);
        int payload = random.nextInt(201);
        int padding = random.nextInt(4) == 0 ? 1 + random.nextInt(8) : 0;
        int length = 12 + 4 * csrcs + (extensionWords >= 0 ? 4 + 4 * extensionWords : 0) + payload + padding;
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put((byte) (0x80 | (padding > 0 ? 0x20 : 0) | (extensionWords >= 0 ? 0x10 : 0) | csrcs));
        b.put((byte) ((random.nextInt(8) == 0 ? 0x80 : 0) | payloadType));
        b.putShort((short) sequence++);
        b.putInt(random.nextInt());
        b.putInt((int) ssrc);
        for (int i = 0; i < csrcs; i++) {
            b.putInt(random.nextInt());
        }
        if (extensionWords >= 0) {
            b.putShort((short) 0xBEDE).putShort((short) extensionWords);
            b.put(randomBytes(4 * extensionWords));
        }
        b.put(randomBytes(payload));
        if (padding > 0) {
            b.put(new byte[padding - 1]).put((byte) padding);
        }
        return b.array();
    }

    /** A well-formed compound: SR with 0–2 report blocks or RR with 0–2, then SDES with one CNAME. */
    public byte[] wellFormedRtcp() {
        boolean sender = random.nextBoolean();
        int blocks = random.nextInt(3);
        int reportLength = 8 + (sender ? 20 : 0) + 24 * blocks;
        byte[] cname = randomBytes(1 + random.nextInt(20));
        int chunk = 4 + 2 + cname.length + 1;
        int padded = (chunk + 3) & ~3;
        int sdesLength = 4 + padded;
        ByteBuffer b = ByteBuffer.allocate(reportLength + sdesLength);
        b.put((byte) (0x80 | blocks)).put((byte) (sender ? 200 : 201)).putShort((short) (reportLength / 4 - 1));
        b.putInt((int) ssrc);
        if (sender) {
            b.put(randomBytes(20));
        }
        b.put(randomBytes(24 * blocks));
        b.put((byte) 0x81).put((byte) 202).putShort((short) (sdesLength / 4 - 1));
        b.putInt((int) ssrc).put((byte) 1).put((byte) cname.length).put(cname);
        b.put(new byte[padded - chunk + 1]);
        return b.array();
    }

    private int subPacketOffset(byte[] compound) {
        if (random.nextBoolean()) {
            return 0;
        }
        int first = ((compound[2] & 0xFF) << 8 | (compound[3] & 0xFF)) * 4 + 4;
        return first < compound.length ? first : 0;
    }

    private byte[] truncate(byte[] p) {
        return Arrays.copyOf(p, random.nextInt(p.length));
    }

    private byte[] flip(byte[] p) {
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            p[random.nextInt(Math.min(p.length, 16))] ^= (byte) (1 << random.nextInt(8));
        }
        return p;
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
