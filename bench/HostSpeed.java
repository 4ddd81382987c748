import io.confbridge.codec.G722Decoder;
import io.confbridge.codec.G722Encoder;

/**
 * How fast this host is, in two numbers a results table can be read against: the bridge's own G.722
 * encode and decode of a 20 ms frame (arithmetic, in the core's caches), and one random read from
 * 64 MiB of memory (a dependent chain, so each read waits for the one before: cache misses). Two
 * hosts both sold as "2-core AMD EPYC" gave the same code's 1,000-participant mixer tick in 18.5 µs
 * and in 81.5 µs; without a figure like these, a slower host reads as a slower bridge.
 *
 * <p>Single-threaded, about 8 s, best of several rounds (the least disturbed). Run with the bridge
 * jar on the class path (Java's single-file launch), on an otherwise idle machine:
 *
 *     java -cp bridge-server/target/bridge.jar bench/HostSpeed.java
 *
 * Prints one line: {@code G.722 encode+decode 38.2 us/frame, memory random read 96 ns}.
 */
public final class HostSpeed {
    private static final int FRAME = 320;
    private static final int FRAMES = 50;
    private static final int MEMORY_INTS = 16 << 20; // 64 MiB, more than any L3 cache of a small VM

    public static void main(String[] args) {
        System.out.printf("G.722 encode+decode %.1f us/frame, memory random read %.0f ns%n", g722(), memory());
    }

    /** Microseconds per 20 ms frame encoded and decoded, best of 10 rounds of 200 ms after a warm-up. */
    private static double g722() {
        short[] pcm = new short[FRAMES * FRAME];
        for (int n = 0; n < pcm.length; n++) {
            double t = n / 16_000.0;
            double envelope = Math.abs(Math.sin(2 * Math.PI * 4 * t));
            pcm[n] = (short) (envelope * (6000 * Math.sin(2 * Math.PI * 440 * t) + 2000 * Math.sin(2 * Math.PI * 5000 * t)));
        }
        G722Encoder encoder = new G722Encoder();
        G722Decoder decoder = new G722Decoder();
        byte[] packet = new byte[FRAME / 2];
        short[] out = new short[FRAME];
        double best = Double.MAX_VALUE;
        long sink = 0;
        for (int round = 0; round < 15; round++) {
            long start = System.nanoTime();
            long frames = 0;
            long until = start + 200_000_000L;
            while (System.nanoTime() < until) {
                for (int f = 0; f < FRAMES; f++) {
                    encoder.encode(pcm, f * FRAME, FRAME, packet, 0);
                    decoder.decode(packet, 0, packet.length, out, 0);
                    sink += out[f];
                }
                frames += FRAMES;
            }
            if (round >= 5) { // the first second is the JIT's
                best = Math.min(best, (System.nanoTime() - start) / 1000.0 / frames);
            }
        }
        if (sink == 42) {
            System.out.print(""); // keeps the work from being optimised away
        }
        return best;
    }

    /** Nanoseconds per read following a random cycle through 64 MiB, best of 3 rounds of 5 M reads. */
    private static double memory() {
        int[] next = new int[MEMORY_INTS];
        // Sattolo's shuffle: one cycle through every slot, so the chase visits all of them.
        for (int i = 0; i < next.length; i++) {
            next[i] = i;
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = next.length - 1; i > 0; i--) {
            int j = random.nextInt(i);
            int swap = next[i];
            next[i] = next[j];
            next[j] = swap;
        }
        double best = Double.MAX_VALUE;
        int at = 0;
        for (int round = 0; round < 3; round++) {
            int reads = 5_000_000;
            long start = System.nanoTime();
            for (int i = 0; i < reads; i++) {
                at = next[at];
            }
            best = Math.min(best, (System.nanoTime() - start) / (double) reads);
        }
        if (at == -1) {
            System.out.print("");
        }
        return best;
    }
}
