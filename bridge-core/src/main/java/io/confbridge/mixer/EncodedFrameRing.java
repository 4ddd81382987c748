package io.confbridge.mixer;

import io.confbridge.codec.Codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A single-producer single-consumer ring of encoded 20 ms frames: the mixer (on the meeting's loop)
 * produces a participant's mix, the participant's sender (on the call's loop) consumes it. Lock-free
 * and allocation-free: frames live in one array, the two counters are published with release/acquire.
 */
public final class EncodedFrameRing {
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(EncodedFrameRing.class, "head", long.class);
            TAIL = lookup.findVarHandle(EncodedFrameRing.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int mask;
    private final byte[] frames;
    /** Each slot's frame length: {@link Codec#FRAME_SAMPLES}, or less for Opus. Ordered by the counters. */
    private final int[] lengths;
    /** Next frame the consumer reads; written only by the consumer. */
    private volatile long head;
    /** Next frame the producer writes; written only by the producer. */
    private volatile long tail;

    /** @param capacity a power of two: frames that may wait between the two clocks */
    public EncodedFrameRing(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        mask = capacity - 1;
        frames = new byte[capacity * Codec.FRAME_SAMPLES];
        lengths = new int[capacity];
    }

    /** Producer: the array and offset to write the next frame into, or -1 when the consumer lags (drop). */
    public int claim() {
        long t = (long) TAIL.getOpaque(this);
        if (t - (long) HEAD.getAcquire(this) > mask) {
            return -1;
        }
        return (int) (t & mask) * Codec.FRAME_SAMPLES;
    }

    /** Producer: makes the claimed frame, a whole {@link Codec#FRAME_SAMPLES} bytes, visible to the consumer. */
    public void publish() {
        publish(Codec.FRAME_SAMPLES);
    }

    /**
     * Producer: makes the claimed frame, its first {@code length} bytes (an Opus packet), visible; 0 for an
     * Opus frame lost before it reached the bridge, which the sender passes on as lost.
     */
    public void publish(int length) {
        long t = (long) TAIL.getOpaque(this);
        lengths[(int) (t & mask)] = length;
        TAIL.setRelease(this, t + 1);
    }

    /** Consumer: the length of the frame at {@code offset}, as {@link #peek(int)} gave it. */
    public int lengthAt(int offset) {
        return lengths[offset / Codec.FRAME_SAMPLES];
    }

    /** The shared backing array; frame offsets from {@link #claim()} and {@link #peek()} index it. */
    public byte[] frames() {
        return frames;
    }

    /**
     * Consumer: the offset of the oldest waiting frame, or -1 if none. When more than {@code keep}
     * frames wait (the producer's clock ran ahead), older ones are skipped to bound the delay.
     */
    public int peek(int keep) {
        long h = (long) HEAD.getOpaque(this);
        long t = (long) TAIL.getAcquire(this);
        if (t == h) {
            return -1;
        }
        if (t - h > keep) {
            h = t - keep;
            HEAD.setRelease(this, h);
        }
        return (int) (h & mask) * Codec.FRAME_SAMPLES;
    }

    /** Consumer: done with the frame returned by {@link #peek(int)}. */
    public void advance() {
        HEAD.setRelease(this, (long) HEAD.getOpaque(this) + 1);
    }
}
