package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Encoder;
import io.confbridge.codec.OpusEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A meeting's media tick with talker detection allocates nothing while the talkers stay the same: the
 * mixer compares this tick's selection with the last one and tells its listener (which builds the
 * {@code talkers} the API and the event stream show) only on a change. Measured with the JVM's
 * per-thread allocation counter over many ticks after a warm-up, as {@code RtpSessionAllocationTest} does.
 */
class MixerAllocationTest {
    private static final int N = Codec.FRAME_SAMPLES;
    private static final int TICKS = 5_000;
    private static final int TALKERS = 2;
    private static final int SILENT = 6;
    private static final int BURST_TICKS = 10;
    private static final int GAP_TICKS = 5;

    private final ParticipantAudio[] audio = new ParticipantAudio[TALKERS + SILENT];
    private final int[] sequence = new int[audio.length];
    private final long[] sample = new long[audio.length];
    private final ByteBuf packet = Unpooled.buffer(N);
    private static final Codec[] CODECS = {Codec.OPUS, Codec.G722, Codec.PCMU, Codec.PCMA};
    private final G722Encoder[] encoders = new G722Encoder[TALKERS + SILENT];
    private final OpusEncoder[] opusEncoders = new OpusEncoder[TALKERS + SILENT];
    private final short[] wide = new short[2 * N];
    private final byte[] wideOut = new byte[N];
    private int changes;
    private long tick;

    @Test
    void steadyTalkersCostNoAllocationAndNoListenerCallPerTick() {
        assertTrue(GAP_TICKS < TalkerDetector.HANGOVER_TICKS, "the gaps between bursts are bridged by the hangover");
        Mixer mixer = new Mixer(3);
        for (int i = 0; i < audio.length; i++) {
            // Mixed codecs, so the shared mix is encoded more than once per tick too; the first talker
            // is Opus and the second G.722, so the wideband paths (libopus decoding with FEC and
            // concealment of lost packets, G.722 decoding, two-band sums, the decimator for G.711 ears,
            // Opus and G.722 encoders) run every tick.
            audio[i] = new ParticipantAudio(CODECS[i % CODECS.length]);
        }
        mixer.participants(audio);
        mixer.onTalkersChanged(() -> changes++);

        run(mixer, TICKS); // warm-up: the talkers are found, the JIT compiles
        assertEquals(TALKERS, mixer.talkerCount(), "the two callers sending a tone are the talkers");
        assertTrue(changes >= 1, "the listener heard the talkers arrive");
        int changesBefore = changes;

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        run(mixer, TICKS);
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertEquals(changesBefore, changes, "the same talkers all along: the listener is not told again");
        assertEquals(TALKERS, mixer.talkerCount());
        // The smallest Java object is 16 bytes: under 16 a tick, no tick allocated one.
        assertTrue(allocated < 16L * TICKS, allocated + " bytes for " + TICKS + " ticks");
        packet.release();
    }

    /**
     * Every participant sends one packet, then a tick. Talkers send speech-like bursts (a 1 kHz tone at
     * -12 dBFS for 200 ms, 100 ms of silence: a steady tone would sink into the noise floor), shorter gaps
     * than the hangover, so they stay talkers; the others send digital silence.
     */
    private void run(Mixer mixer, int ticks) {
        for (int t = 0; t < ticks; t++) {
            for (int p = 0; p < audio.length; p++) {
                if (sequence[p] == 0) {
                    send(p); // the jitter buffer plays from its second packet
                }
                send(p);
            }
            mixer.tick(0);
            tick++;
            for (ParticipantAudio a : audio) {
                EncodedFrameRing out = a.output();
                while (out.peek(4) >= 0) {
                    out.advance();
                }
            }
        }
    }

    private void send(int p) {
        boolean burst = tick % (BURST_TICKS + GAP_TICKS) < BURST_TICKS;
        double amplitude = p < TALKERS && burst ? 32767 * Math.pow(10, -12 / 20.0) : 0;
        Codec codec = audio[p].codec();
        packet.clear();
        if (codec == Codec.OPUS) {
            if (opusEncoders[p] == null) {
                opusEncoders[p] = new OpusEncoder();
            }
            for (int i = 0; i < 2 * N; i++) {
                wide[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * 1000 * (2 * sample[p] + i) / 16000.0));
            }
            sample[p] += N;
            int length = opusEncoders[p].encode(wide, 0, wideOut, 0, N);
            packet.writeBytes(wideOut, 0, length);
            if (++sequence[p] % 37 != 0) { // one packet in 37 lost: FEC and concealment run too
                audio[p].received(sequence[p], packet, 0, length);
            }
            return;
        }
        if (codec.wideband()) {
            if (encoders[p] == null) {
                encoders[p] = new G722Encoder();
            }
            for (int i = 0; i < 2 * N; i++) {
                wide[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * 1000 * (2 * sample[p] + i) / 16000.0));
            }
            sample[p] += N;
            encoders[p].encode(wide, 0, 2 * N, wideOut, 0);
            packet.writeBytes(wideOut);
            audio[p].received(++sequence[p], packet, 0, N);
            return;
        }
        for (int i = 0; i < N; i++, sample[p]++) {
            double v = amplitude * Math.sin(2 * Math.PI * 1000 * sample[p] / 8000.0);
            packet.writeByte(codec.encode((short) Math.round(v)));
        }
        audio[p].received(++sequence[p], packet, 0, N);
    }
}
