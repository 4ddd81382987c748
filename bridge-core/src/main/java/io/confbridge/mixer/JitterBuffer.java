package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.confbridge.codec.OpusPacket;
import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The receive-side buffer of one call's audio: decoded 20 ms frames in a ring indexed by RTP
 * sequence number, filled by the call's RTP receive thread and drained by the meeting's mixing
 * thread. Lock-free and allocation-free after construction.
 *
 * <h2>Threads</h2>
 * Exactly one producer thread calls {@link #put}; exactly one consumer thread calls {@link #take}.
 * Each slot is a sequence lock:
 * the producer marks the slot as being written, writes the samples, then publishes the frame's
 * sequence number with release semantics; the consumer reads that number with acquire semantics,
 * copies, and checks the number again, so a frame overwritten during the copy is never played
 * torn (it counts as lost instead).
 *
 * <h2>Sequence numbers</h2>
 * The 16-bit RTP sequence number is extended to 64 bits by the producer (RFC 3550 Appendix A.1):
 * a packet up to 100 behind the highest seen ({@code MAX_MISORDER}) is a late or reordered one,
 * anything ahead is new. A backward jump further than that is taken as a restarted sender only
 * when the next packet follows it in sequence (Appendix A.1's probation); the stream is then
 * renumbered past the old one, so the consumer re-primes.
 *
 * <h2>Playout</h2>
 * <ol>
 *   <li>After construction or running dry, {@link #take} returns false until
 *       {@code playoutDelayFrames} frames (counted from the oldest buffered to the newest) are
 *       buffered; then playout starts at the oldest.</li>
 *   <li>Each take plays the next sequence number. A frame that is missing while a later one has
 *       arrived is lost: take fills {@code out} with silence, says so ({@link #lastTakeLost()})
 *       and moves on; the mixer conceals it ({@link LossConcealment}).</li>
 *   <li>When nothing newer than the last played frame has arrived, the buffer ran dry: take
 *       returns false and playout re-primes. When the producer ran the capacity or more ahead
 *       (a big forward jump of the sequence, or a stalled consumer), playout re-primes too, and
 *       restarts no more than {@code playoutDelayFrames} behind the newest frame, so the delay
 *       built up by a stall is not kept.</li>
 * </ol>
 * Packets older than the playout position (late) and packets already buffered (duplicates) are
 * dropped.
 *
 * <h2>Adaptive depth (issue 11 §4)</h2>
 * The depth playout waits for is not fixed: the producer is told the stream's interarrival jitter
 * (RFC 3550 A.8, measured from the RTP timestamps by the call's reception statistics) and sets the
 * depth to the frame in play plus {@value #JITTER_MULTIPLE} times the jitter, rounded up to whole
 * frames, between {@code minDepthFrames} and {@code maxDepthFrames}. It takes effect where it costs
 * nothing audible: a deeper buffer at the next priming (a stream that runs dry because its jitter
 * grew re-primes deeper at once, so the pause happens once, not at every late packet) or, while
 * playing, by waiting a tick for a missing frame (concealed) while less than the depth is buffered,
 * instead of giving it up as lost, and by playing one concealed frame when for a whole
 * {@value #GROW_WINDOW_TAKES}-tick window less than the depth was buffered; a shallower
 * one by skipping one frame when for a whole {@value #SHRINK_WINDOW_TAKES}-tick window more than the
 * depth was buffered, so the delay built up by a burst of jitter is given back gently.
 */
final class JitterBuffer {

    /** RFC 3550 Appendix A.1: packets this far behind the highest are reordered, not a restart. */
    private static final int MAX_MISORDER = 100;
    private static final long EMPTY = -1;
    private static final long WRITING = -2;
    private static final VarHandle SLOT_SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);

    /** Depth = the frame in play + this many times the measured jitter. */
    static final int JITTER_MULTIPLE = 4;
    /** Takes (one a tick) over which a surplus must last before one frame is skipped. */
    static final int SHRINK_WINDOW_TAKES = 50;
    /** Takes over which a shortfall must last before one concealed frame deepens the buffer: 200 ms. */
    static final int GROW_WINDOW_TAKES = 10;

    private final int capacity;
    private final int mask;
    private final int minDepth;
    private final int maxDepth;
    /** Frames to buffer before playout starts; written by the producer, read by the consumer and by metrics. */
    private volatile int depthFrames;
    /** Frame i occupies samples[i*160, (i+1)*160). Plain stores, ordered by the slot sequence lock. */
    private final short[] samples;
    /** The extended sequence number of the frame in each slot, EMPTY or WRITING. */
    private final long[] slotSequence;
    /**
     * G.722 frames, kept as received (same layout as {@link #samples}, a byte per 8 kHz tick): an ADPCM
     * decoder has state, so it must decode a stream in order, which the consumer does as it plays; only
     * G.711 can be decoded on arrival, in any order. Made by the producer on the first G.722 packet and
     * published with that slot's sequence (release/acquire), so G.711 calls never carry it.
     */
    private byte[] encodedFrames;
    /** Per slot: whether it holds a G.722 frame (in {@link #encodedFrames}) rather than samples. Seqlocked like the slot. */
    private final boolean[] slotEncoded;
    /**
     * Opus packets, kept as received like G.722's (decoded in order by the consumer, which can then use
     * the next packet's in-band FEC for a lost one), up to {@link #OPUS_SLOT_BYTES} bytes per slot at
     * {@code slot * OPUS_SLOT_BYTES}. A slot holds one of three things:
     * <ul>
     *   <li>a 20 ms packet ({@link #opusParts} 1), its length in {@code opusLength[2 * slot]};</li>
     *   <li>a copy of a 40 or 60 ms packet (parts 2 or 3), the slot being part {@link #opusPart} of it:
     *       every frame a packet covers holds it whole, so any of them can be played without the others;</li>
     *   <li>two 10 ms packets (parts 0), the second at {@code OPUS_SLOT_BYTES / 2}, its length in
     *       {@code opusLength[2 * slot + 1]}; published once both are in, as G.711's halves are.</li>
     * </ul>
     * Made on the first Opus packet, published like {@link #encodedFrames}.
     */
    private byte[] opusFrames;
    private int[] opusLength;
    private byte[] opusParts;
    private byte[] opusPart;
    /** Per slot: whether it holds Opus. Seqlocked like the slot. */
    private final boolean[] slotOpus;
    /**
     * The longest Opus packet kept: 1,275 bytes is one frame's limit (RFC 6716 §3.2.1); a 20 ms packet of
     * two 10 ms frames may be a little longer, which no voice encoder sends (that is 500 kbit/s). A 10 ms
     * packet may have half of it.
     */
    static final int OPUS_SLOT_BYTES = 1_280;
    /** Opus packets refused for their duration (not 10, 20, 40 or 60 ms), length or form. Producer-written. */
    private long opusRefused;

    private static final byte BOTH_HALVES = 3;

    // Producer-owned.
    /** Per slot: the frame being assembled there from packets, and which of its halves have come. */
    private final long[] assembling;
    private final byte[] halves;
    /** Samples per packet (8 per ms of packet time), learned from the stream; 0 before the first packet. */
    private int packetSamples;
    /** Where the stream's samples are counted from: packet {@code baseSequence} starts at {@code baseSample}. */
    private long baseSample;
    private long baseSequence;
    private long highestPlaced = -1;
    private long highestEndSample;
    private long highestExtended = -1;
    private int probationSequence = -1;
    private long droppedPackets;
    /** The jitter last told ({@link #jitter}), to size the depth again when the packet time changes. */
    private long lastJitter;

    /** The newest extended sequence number written; -1 before the first. Written by the producer. */
    private volatile long newestPublished = -1;
    /** The next extended sequence number to play, 0 before the first. Written by the consumer. */
    private volatile long playPosition;

    /** Packets that came after their frame had been played (or skipped). Producer-written, read by metrics. */
    private volatile long latePackets;

    // Consumer-owned.
    private boolean primed;
    private boolean lastTakeLost;
    private boolean lastTakeEncoded;
    private int lastTakeOpusLength;
    private int lastTakeOpusSecondLength;
    private int lastTakeOpusParts;
    private int lastTakeOpusPart;
    private long lastTakeFrame = -1;
    private long lostFrames;
    private long skippedFrames;
    private long stretchedFrames;
    /** The fewest frames buffered at a take in this shrink window, and the takes so far in it. */
    private long leastBuffered = Long.MAX_VALUE;
    private int windowTakes;
    /** The most frames buffered at a take in this growth window, and the takes so far in it. */
    private long mostBuffered = Long.MIN_VALUE;
    private int growTakes;

    /**
     * @param capacityFrames ring size in 20 ms frames, a power of two (8 holds 160 ms)
     * @param playoutDelayFrames frames to buffer before playout starts, 1 to capacity
     */
    JitterBuffer(int capacityFrames, int playoutDelayFrames) {
        this(capacityFrames, playoutDelayFrames, playoutDelayFrames);
    }

    /**
     * An adaptive buffer: the depth moves with the measured jitter ({@link #jitter}) within bounds.
     *
     * @param capacityFrames ring size in 20 ms frames, a power of two above {@code maxDepthFrames}
     * @param minDepthFrames the least depth (and the depth before any jitter is known), 1 or more
     * @param maxDepthFrames the greatest depth, up to the capacity
     */
    JitterBuffer(int capacityFrames, int minDepthFrames, int maxDepthFrames) {
        if (capacityFrames < 2 || Integer.bitCount(capacityFrames) != 1) {
            throw new IllegalArgumentException("capacityFrames must be a power of two >= 2: " + capacityFrames);
        }
        if (minDepthFrames < 1 || minDepthFrames > maxDepthFrames || maxDepthFrames > capacityFrames) {
            throw new IllegalArgumentException("playout depth must be 1-" + capacityFrames + " frames: "
                    + minDepthFrames + "-" + maxDepthFrames);
        }
        this.capacity = capacityFrames;
        this.mask = capacityFrames - 1;
        this.minDepth = minDepthFrames;
        this.maxDepth = maxDepthFrames;
        this.depthFrames = minDepthFrames;
        this.samples = new short[capacityFrames * Codec.FRAME_SAMPLES];
        this.slotSequence = new long[capacityFrames];
        Arrays.fill(slotSequence, EMPTY);
        this.slotEncoded = new boolean[capacityFrames];
        this.slotOpus = new boolean[capacityFrames];
        this.assembling = new long[capacityFrames];
        Arrays.fill(assembling, EMPTY);
        this.halves = new byte[capacityFrames];
    }

    /**
     * Producer: decodes one packet's payload into the 20 ms frames it covers. Packets of 10 to 60 ms
     * are taken (issue 11 §4; G.711: a byte a sample): the stream's packet time is learned from its
     * packets, and packet {@code k} after the first covers samples {@code k × ptime} on, so a 30 ms
     * packet fills a frame and a half and two 10 ms packets fill one. A frame is played once it is
     * complete; one missing its other half counts as lost. Late and duplicate packets are dropped.
     *
     * @param sequenceNumber the packet's 16-bit RTP sequence number
     * @param payload the packet; read with absolute indexes, not released
     * @param offset where the payload starts in {@code payload}
     * @param length payload bytes
     */
    void put(int sequenceNumber, ByteBuf payload, int offset, int length, Codec codec) {
        // Opus: a packet stands for its duration in samples of the 8 kHz count whatever its length in bytes.
        int n = codec == Codec.OPUS ? opusSamples(payload, offset, length) : Math.min(length, Codec.MAX_PACKET_SAMPLES);
        if (n < 0) {
            // Opus packets of 10, 20, 40 and 60 ms are taken, what encoders make; 30 and 50 ms (two or
            // three 10 ms frames, which would straddle a tick) and malformed ones are refused, before
            // their sequence is counted.
            opusRefused++;
            droppedPackets++;
            return;
        }
        long extended = extend(sequenceNumber & 0xFFFF);
        if (extended < 0 || n <= 0) {
            droppedPackets++;
            return;
        }
        if (n != packetSamples) {
            // The first packet, or the caller changed its packet time: number samples on from here.
            baseSample = packetSamples == 0 ? extended * Codec.FRAME_SAMPLES : highestEndSample;
            baseSequence = extended;
            packetSamples = n;
            jitter(lastJitter); // the least depth follows the packet time
        }
        long start = baseSample + (extended - baseSequence) * n;
        long end = start + n;
        if (extended >= highestPlaced) {
            highestPlaced = extended;
            highestEndSample = end;
        }
        long firstFrame = Math.floorDiv(start, Codec.FRAME_SAMPLES);
        long lastFrame = Math.floorDiv(end - 1, Codec.FRAME_SAMPLES);
        long play = playPosition;
        if (start < 0 || lastFrame < play) {
            droppedPackets++;
            if (start >= 0) {
                latePackets++; // single writer: a plain increment of the volatile is safe
            }
            return;
        }
        boolean placed = false;
        for (long frame = Math.max(firstFrame, play); frame <= lastFrame; frame++) {
            placed |= codec == Codec.OPUS
                    ? placeOpus(frame, start, n, payload, offset, length)
                    : place(frame, start, end, payload, offset, codec);
        }
        if (!placed) {
            droppedPackets++; // every part of it was here already: a duplicate
        }
    }

    /**
     * Decodes the part of a packet (samples {@code [start, end)} of the stream) that falls in
     * {@code frame} into that frame's slot; publishes the frame once both its halves are in. A packet of
     * 10 ms fills one half, of 20 ms a frame, of 30 ms a frame and a half, and so on: every packet time
     * RFC 3551 lists for G.711 starts and ends on a half frame. Returns false when that part was there already.
     */
    private boolean place(long frame, long start, long end, ByteBuf payload, int offset, Codec codec) {
        int slot = (int) (frame & mask);
        if ((long) SLOT_SEQUENCE.getOpaque(slotSequence, slot) == frame) {
            return false; // complete already
        }
        if (assembling[slot] != frame) {
            assembling[slot] = frame;
            halves[slot] = 0;
        }
        long frameStart = frame * Codec.FRAME_SAMPLES;
        int from = (int) (Math.max(start, frameStart) - frameStart);
        int to = (int) (Math.min(end, frameStart + Codec.FRAME_SAMPLES) - frameStart);
        int covered = halfBits(from, to);
        if ((halves[slot] & covered) == covered) {
            return false;
        }
        SLOT_SEQUENCE.setOpaque(slotSequence, slot, WRITING);
        // The WRITING mark must be visible before any sample store (StoreStore), as in a seqlock.
        VarHandle.releaseFence();
        int base = slot * Codec.FRAME_SAMPLES;
        int in = offset + (int) (frameStart + from - start);
        if (codec == Codec.G722) {
            if (encodedFrames == null) {
                encodedFrames = new byte[capacity * Codec.FRAME_SAMPLES];
            }
            payload.getBytes(in, encodedFrames, base + from, to - from);
        } else {
            for (int i = from; i < to; i++) {
                samples[base + i] = codec.decode(payload.getByte(in++));
            }
        }
        slotEncoded[slot] = codec == Codec.G722;
        slotOpus[slot] = false;
        halves[slot] |= (byte) covered;
        if (halves[slot] == BOTH_HALVES) {
            SLOT_SEQUENCE.setRelease(slotSequence, slot, frame);
            if (frame > newestPublished) {
                newestPublished = frame;
            }
        } else {
            SLOT_SEQUENCE.setRelease(slotSequence, slot, EMPTY); // half a frame: not playable yet
        }
        return true;
    }

    /**
     * The duration of an Opus payload in 8 kHz samples (RFC 6716 §3.1 TOC and frame count) when it is
     * one that is taken: 80, 160, 320 or 480 (10, 20, 40, 60 ms), fitting a slot (half a slot for 10 ms);
     * else -1.
     */
    private static int opusSamples(ByteBuf payload, int offset, int length) {
        if (length <= 0 || length > OPUS_SLOT_BYTES) {
            return -1;
        }
        byte toc = payload.getByte(offset);
        int code = toc & 3;
        int frames = code == 0 ? 1 : code < 3 ? 2 : length > 1 ? payload.getByte(offset + 1) & 0x3F : 0;
        int samples = frames * OpusPacket.frameSamples48k(toc) / 6;
        return switch (samples) {
            case 80 -> length <= OPUS_SLOT_BYTES / 2 ? samples : -1;
            case 160, 320, 480 -> samples;
            default -> -1;
        };
    }

    /**
     * Stores the Opus packet of {@code n} samples from {@code start} in {@code frame}'s slot (see
     * {@link #opusFrames}); false when that was there already, or when the packet does not sit on the
     * frames as a packet of its length must (a stream that changed its packet time mid-frame).
     */
    private boolean placeOpus(long frame, long start, int n, ByteBuf payload, int offset, int length) {
        int slot = (int) (frame & mask);
        if ((long) SLOT_SEQUENCE.getOpaque(slotSequence, slot) == frame) {
            return false; // a duplicate
        }
        long frameStart = frame * Codec.FRAME_SAMPLES;
        int half = 0;
        if (n < Codec.FRAME_SAMPLES) {
            if ((start - frameStart) % n != 0) {
                return false;
            }
            half = (int) (start - frameStart) / n;
            if (assembling[slot] != frame) {
                assembling[slot] = frame;
                halves[slot] = 0;
            }
            if ((halves[slot] & (1 << half)) != 0) {
                return false;
            }
        } else if (Math.floorMod(start, Codec.FRAME_SAMPLES) != 0) {
            return false;
        } else {
            assembling[slot] = EMPTY;
        }
        if (opusFrames == null) {
            opusFrames = new byte[capacity * OPUS_SLOT_BYTES];
            opusLength = new int[capacity * 2];
            opusParts = new byte[capacity];
            opusPart = new byte[capacity];
        }
        SLOT_SEQUENCE.setOpaque(slotSequence, slot, WRITING);
        VarHandle.releaseFence();
        payload.getBytes(offset, opusFrames, slot * OPUS_SLOT_BYTES + half * (OPUS_SLOT_BYTES / 2), length);
        opusLength[2 * slot + half] = length;
        slotEncoded[slot] = false;
        slotOpus[slot] = true;
        if (n < Codec.FRAME_SAMPLES) {
            opusParts[slot] = 0;
            opusPart[slot] = 0;
            halves[slot] |= (byte) (1 << half);
            if (halves[slot] != BOTH_HALVES) {
                SLOT_SEQUENCE.setRelease(slotSequence, slot, EMPTY); // half a frame: not playable yet
                return true;
            }
        } else {
            opusParts[slot] = (byte) (n / Codec.FRAME_SAMPLES);
            opusPart[slot] = (byte) ((frameStart - start) / Codec.FRAME_SAMPLES);
            opusLength[2 * slot + 1] = 0;
        }
        SLOT_SEQUENCE.setRelease(slotSequence, slot, frame);
        if (frame > newestPublished) {
            newestPublished = frame;
        }
        return true;
    }

    /** Which halves of a frame the samples {@code [from, to)} touch: bit 0 the first, bit 1 the second. */
    private static int halfBits(int from, int to) {
        int half = Codec.FRAME_SAMPLES / 2;
        return (from < half ? 1 : 0) | (to > half ? 2 : 0);
    }

    /**
     * Producer: the stream's interarrival jitter now (RFC 3550 A.8, in 8 kHz RTP timestamp units) sets
     * the depth of the next priming and the surplus that shrinking gives back. Allocation-free.
     */
    void jitter(long jitterSamples) {
        lastJitter = jitterSamples;
        long extra = (JITTER_MULTIPLE * Math.max(0, jitterSamples) + Codec.FRAME_SAMPLES - 1) / Codec.FRAME_SAMPLES;
        // Packets longer than 20 ms come a packet time apart: the depth holds two packets' frames, so that
        // when one is lost the next is here by the time its first frame is due, and the frames are concealed
        // as lost instead of the stream running dry (a hole, then priming again).
        int perPacket = (packetSamples + Codec.FRAME_SAMPLES - 1) / Codec.FRAME_SAMPLES;
        int least = Math.min(maxDepth, Math.max(minDepth, perPacket > 1 ? 2 * perPacket : minDepth));
        int frames = (int) Math.max(least, Math.min(maxDepth, Math.max(1 + extra, perPacket + extra)));
        if (frames != depthFrames) {
            depthFrames = frames;
        }
    }

    /** The depth playout primes to now, in 20 ms frames. Any thread. */
    int depthFrames() {
        return depthFrames;
    }

    /** Packets dropped because their frame had already been played. Any thread. */
    long latePackets() {
        return latePackets;
    }

    /** Consumer-side count of concealed frames played while waiting for a late one, deepening the buffer. */
    long stretchedFrames() {
        return stretchedFrames;
    }

    /** Consumer-side count of frames skipped to give back delay after the jitter fell. */
    long skippedFrames() {
        return skippedFrames;
    }

    /**
     * Extends a 16-bit sequence number against the highest seen, or returns -1 for a packet to
     * drop (a far backward jump on probation).
     */
    private long extend(int sequenceNumber) {
        if (highestExtended < 0) {
            // Start well above zero so nothing valid is ever negative.
            highestExtended = (1L << 16) | sequenceNumber;
            return highestExtended;
        }
        int delta = (short) (sequenceNumber - (int) (highestExtended & 0xFFFF));
        if (delta >= -MAX_MISORDER) {
            long extended = highestExtended + delta;
            if (delta > 0) {
                highestExtended = extended;
            }
            probationSequence = -1;
            return extended;
        }
        if (sequenceNumber == probationSequence) {
            // Two in a row after a far backward jump: the sender restarted (RFC 3550 A.1). Number
            // the new stream past everything buffered, so the consumer re-primes on it.
            highestExtended = ((highestExtended + capacity + 1) & ~0xFFFFL) + (1L << 16) | sequenceNumber;
            probationSequence = -1;
            return highestExtended;
        }
        probationSequence = (sequenceNumber + 1) & 0xFFFF;
        return -1;
    }

    /**
     * Consumer: copies the next frame in sequence order into {@code out[0..160)}.
     *
     * @return true when {@code out} holds the next 20 ms (a received frame, or silence for a lost
     *     one); false while priming or after running dry, with {@code out} untouched
     */
    boolean take(short[] out) {
        return take(out, null);
    }

    /**
     * Like {@link #take(short[])}, for a stream that may carry G.722: when the frame played is a G.722
     * one ({@link #lastTakeEncoded()}), its 160 bytes are copied into {@code encodedOut} instead of
     * samples into {@code out}, for the consumer to decode in order.
     */
    boolean take(short[] out, byte[] encodedOut) {
        lastTakeEncoded = false;
        lastTakeOpusLength = 0;
        lastTakeOpusSecondLength = 0;
        long newest = newestPublished;
        if (newest < 0) {
            return false;
        }
        long next = playPosition;
        // The ring moved past the play position (before the first frame it is 0: nothing missed).
        boolean overrun = next != 0 && next <= newest - capacity;
        if (primed && (next > newest || overrun)) {
            primed = false;
        }
        int depth = depthFrames;
        if (!primed) {
            long from = Math.max(next, newest - capacity + 1);
            if (newest - from + 1 < depth) {
                // Even a full ring from here to the newest frame is short of the depth: no need to scan
                // it. This is a stream that ran dry (it is ahead of the newest) or has just come back,
                // the common case at every tick for a stream that is not playing.
                return false;
            }
            long oldest = oldestBuffered(from, newest);
            if (oldest < 0 || newest - oldest + 1 < depth) {
                return false;
            }
            // After an overrun, start no further back than the playout delay, to win the latency
            // back; after a start or running dry, everything buffered is fresh: play it all.
            next = overrun ? Math.max(oldest, newest - depth + 1) : oldest;
            primed = true;
            leastBuffered = Long.MAX_VALUE;
            windowTakes = 0;
        } else if (minDepth < maxDepth) { // a fixed depth (the two-argument constructor) never moves
            if (grow(next, newest, depth)) {
                // Less than the depth buffered for a whole window: play one concealed frame and keep the
                // next for the next tick, one frame deeper, before the jitter makes the stream run dry.
                Arrays.fill(out, 0, Codec.FRAME_SAMPLES, (short) 0);
                lastTakeLost = true;
                stretchedFrames++;
                return true;
            }
            next = shrink(next, newest, depth);
        }
        lastTakeFrame = next;
        lastTakeLost = !copyFrame(next, out, encodedOut);
        if (lastTakeLost) {
            Arrays.fill(out, 0, Codec.FRAME_SAMPLES, (short) 0);
            if (minDepth < maxDepth && newest - next + 1 < depth) {
                // Late, not yet lost: the jitter asks for more depth than is buffered, so wait a tick for
                // it (the mixer conceals this one) rather than give it up. This is how the buffer deepens
                // while playing; the delay it adds stays within the depth.
                stretchedFrames++;
                playPosition = next;
                return true;
            }
            lostFrames++;
        }
        playPosition = next + 1;
        return true;
    }

    /**
     * Counts the frames buffered at this take; at the end of a window in which there were always more
     * than the depth, skips one frame (the one due now), so the surplus delay goes a frame at a time.
     */
    private boolean grow(long next, long newest, int depth) {
        long buffered = newest - next + 1;
        if (buffered > mostBuffered) {
            mostBuffered = buffered;
        }
        if (++growTakes < GROW_WINDOW_TAKES) {
            return false;
        }
        boolean short_ = mostBuffered < depth;
        mostBuffered = Long.MIN_VALUE;
        growTakes = 0;
        return short_;
    }

    private long shrink(long next, long newest, int depth) {
        long buffered = newest - next + 1;
        if (buffered < leastBuffered) {
            leastBuffered = buffered;
        }
        if (++windowTakes < SHRINK_WINDOW_TAKES) {
            return next;
        }
        boolean surplus = leastBuffered > depth;
        leastBuffered = Long.MAX_VALUE;
        windowTakes = 0;
        if (!surplus) {
            return next;
        }
        skippedFrames++;
        return next + 1;
    }

    /** The lowest extended sequence number in [from, to] present in the ring, or -1. */
    private long oldestBuffered(long from, long to) {
        long oldest = -1;
        for (int slot = 0; slot < capacity; slot++) {
            long seq = (long) SLOT_SEQUENCE.getAcquire(slotSequence, slot);
            if (seq >= from && seq <= to && (oldest < 0 || seq < oldest)) {
                oldest = seq;
            }
        }
        return oldest;
    }

    private boolean copyFrame(long extended, short[] out, byte[] encodedOut) {
        int slot = (int) (extended & mask);
        if ((long) SLOT_SEQUENCE.getAcquire(slotSequence, slot) != extended) {
            return false;
        }
        if (slotOpus[slot]) {
            int length = copyOpus(slot, extended, encodedOut);
            if (length <= 0) {
                return false;
            }
            lastTakeOpusLength = length;
            lastTakeOpusSecondLength = copiedSecondLength;
            lastTakeOpusParts = copiedParts;
            lastTakeOpusPart = copiedPart;
            return true;
        }
        boolean encoded = slotEncoded[slot];
        if (encoded) {
            if (encodedOut == null) {
                return false; // a G.722 frame for a G.711-only reader (a codec switch in flight): lost
            }
            System.arraycopy(encodedFrames, slot * Codec.FRAME_SAMPLES, encodedOut, 0, Codec.FRAME_SAMPLES);
        } else {
            System.arraycopy(samples, slot * Codec.FRAME_SAMPLES, out, 0, Codec.FRAME_SAMPLES);
        }
        // The sample loads must complete before the re-check (LoadLoad), as StampedLock.validate.
        VarHandle.acquireFence();
        boolean intact = (long) SLOT_SEQUENCE.getOpaque(slotSequence, slot) == extended;
        lastTakeEncoded = encoded && intact;
        return intact;
    }

    /**
     * Copies the Opus packet of {@code slot}, which was seen holding frame {@code extended}, into
     * {@code out}; its length, or -1 when it was overwritten meanwhile or does not fit.
     */
    private int copyOpus(int slot, long extended, byte[] out) {
        int length = opusLength[2 * slot];
        int second = opusLength[2 * slot + 1];
        int parts = opusParts[slot];
        int part = opusPart[slot];
        if (out == null || length <= 0 || out.length < OPUS_SLOT_BYTES) {
            return -1;
        }
        System.arraycopy(opusFrames, slot * OPUS_SLOT_BYTES, out, 0, length);
        if (parts == 0 && second > 0) {
            System.arraycopy(opusFrames, slot * OPUS_SLOT_BYTES + OPUS_SLOT_BYTES / 2, out, OPUS_SLOT_BYTES / 2, second);
        }
        VarHandle.acquireFence();
        if ((long) SLOT_SEQUENCE.getOpaque(slotSequence, slot) != extended) {
            return -1;
        }
        copiedSecondLength = parts == 0 ? second : 0;
        copiedParts = parts;
        copiedPart = part;
        return length;
    }

    /** What the last {@link #copyOpus} read besides the length (consumer-owned scratch). */
    private int copiedSecondLength;
    private int copiedParts;
    private int copiedPart;

    /**
     * Consumer, after a take: the Opus packet of the frame to be played next, if it is here already, into
     * {@code out} (its length), else -1. A lost frame is recovered from the in-band FEC that packet carries
     * (RFC 6716 §2.1.7); the packet stays buffered, to be played at the next take.
     */
    int peekNextOpus(byte[] out) {
        long next = playPosition;
        int slot = (int) (next & mask);
        if ((long) SLOT_SEQUENCE.getAcquire(slotSequence, slot) != next || !slotOpus[slot]) {
            return -1;
        }
        int length = copyOpus(slot, next, out);
        // Only a 20 ms packet's FEC rebuilds the 20 ms before it; for the other packet times, concealment.
        return length > 0 && copiedParts == 1 ? length : -1;
    }

    /**
     * The length of the Opus packet the last take gave (in {@code encodedOut}), 0 when it gave none. For
     * two 10 ms packets, the first one's (see {@link #lastTakeOpusSecondLength}).
     */
    int lastTakeOpusLength() {
        return lastTakeOpusLength;
    }

    /**
     * When the last take gave two 10 ms Opus packets ({@link #lastTakeOpusParts} 0): the second's length;
     * it is at {@code OPUS_SLOT_BYTES / 2} in {@code encodedOut}. 0 otherwise.
     */
    int lastTakeOpusSecondLength() {
        return lastTakeOpusSecondLength;
    }

    /** How many 20 ms frames the Opus packet the last take gave covers: 1, 2 or 3; 0 for two 10 ms packets. */
    int lastTakeOpusParts() {
        return lastTakeOpusParts;
    }

    /** Which of those frames the last take played: 0 to parts - 1. */
    int lastTakeOpusPart() {
        return lastTakeOpusPart;
    }

    /** The frame (extended sequence of 20 ms frames) the last successful take played or lost. */
    long lastTakeFrame() {
        return lastTakeFrame;
    }

    /** Opus packets refused: not 20 ms, too long, or malformed. Producer-side count. */
    long opusRefused() {
        return opusRefused;
    }

    /** Whether the last {@link #take(short[], byte[])} gave a G.722 frame, in {@code encodedOut}. */
    boolean lastTakeEncoded() {
        return lastTakeEncoded;
    }

    /** Producer-side count of packets dropped as late, duplicate or on probation. */
    long droppedPackets() {
        return droppedPackets;
    }

    /** Whether the last successful {@link #take} stood in for a lost frame (its silence is to be concealed). */
    boolean lastTakeLost() {
        return lastTakeLost;
    }

    /** Consumer-side count of frames played as silence because they were lost. */
    long lostFrames() {
        return lostFrames;
    }
}
