package io.confbridge.bench;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Encoder;
import io.confbridge.codec.OpusEncoder;
import io.confbridge.mixer.EncodedFrameRing;
import io.confbridge.mixer.Mixer;
import io.confbridge.mixer.ParticipantAudio;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One 20 ms media tick of a meeting: every talker's packet decoded into its jitter buffer, the
 * mix-minus computed and encoded for every participant, and every participant's frame drained as its
 * sender would. The tick must fit many times into 20 ms; run with {@code -prof gc} to see that it
 * allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MixerBenchmark {

    @Param({"50", "300", "1000"})
    int participants;

    @Param({"3", "all"})
    String talkers;

    /**
     * {@code none}: G.711 only, half PCMU and half PCMA (the figures before G.722). {@code third}: every
     * third participant G.722, the others PCMU and PCMA, so the first talker is G.722 and the wideband
     * path (G.722 decoding, two-band sums, the low-pass for G.711 ears, G.722 encoding) runs every tick.
     * {@code opus}: three codecs, a third each of G.722, Opus and PCMU, so the talkers are one of each and
     * every tick decodes an Opus talker and encodes the shared mix and the Opus talker's mix-minus in Opus.
     */
    @Param({"none", "third", "opus"})
    String wideband;

    /**
     * What the participants who are not talking send: {@code nothing} (as if their phones stopped sending
     * in silence), or {@code noise}: a packet every tick of low noise (-60 dBFS), as most phones send,
     * which the mixer must take and measure (for Opus, libopus flags it as no voice); or
     * {@code stutter}: that noise every other tick only, as a lossy or bunching network delivers it, so
     * their streams keep running dry and priming again.
     */
    @Param({"nothing", "noise", "stutter"})
    String quiet;

    private Mixer mixer;
    private ParticipantAudio[] audio;
    private int talking;
    private ByteBuf packet;
    private ByteBuf widePacket;
    private ByteBuf noisePacket;
    private ByteBuf wideNoisePacket;
    /** A second of libopus packets, speech-like and low noise, played in a loop. */
    private final ByteBuf[] opusVoice = new ByteBuf[50];
    private final ByteBuf[] opusNoise = new ByteBuf[50];
    private int sequence;

    @Setup
    public void setUp() {
        audio = new ParticipantAudio[participants];
        Codec[] codecs = "none".equals(wideband) ? new Codec[] {Codec.PCMU, Codec.PCMA}
                : "opus".equals(wideband) ? new Codec[] {Codec.G722, Codec.OPUS, Codec.PCMU}
                : new Codec[] {Codec.G722, Codec.PCMU, Codec.PCMA};
        for (int i = 0; i < participants; i++) {
            audio[i] = new ParticipantAudio(codecs[i % codecs.length]);
        }
        mixer = new Mixer();
        mixer.participants(audio);
        talking = "all".equals(talkers) ? participants : Integer.parseInt(talkers);
        byte[] payload = new byte[Codec.FRAME_SAMPLES];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = Codec.PCMU.encode((short) (8000 * Math.sin(2 * Math.PI * 1000 * i / 8000.0)));
        }
        packet = Unpooled.directBuffer(Codec.FRAME_SAMPLES).writeBytes(payload);
        short[] wide = new short[2 * Codec.FRAME_SAMPLES];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = (short) (8000 * Math.sin(2 * Math.PI * 1000 * i / 16000.0));
        }
        byte[] widePayload = new byte[Codec.FRAME_SAMPLES];
        new G722Encoder().encode(wide, 0, wide.length, widePayload, 0);
        widePacket = Unpooled.directBuffer(Codec.FRAME_SAMPLES).writeBytes(widePayload);
        SplittableRandom random = new SplittableRandom(7);
        short[] noise = new short[2 * Codec.FRAME_SAMPLES * opusNoise.length];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (short) Math.round(random.nextGaussian() * 33); // -60 dBFS RMS
        }
        byte[] noisePayload = new byte[Codec.FRAME_SAMPLES];
        for (int i = 0; i < noisePayload.length; i++) {
            noisePayload[i] = Codec.PCMU.encode(noise[i]);
        }
        noisePacket = Unpooled.directBuffer(Codec.FRAME_SAMPLES).writeBytes(noisePayload);
        new G722Encoder().encode(noise, 0, 2 * Codec.FRAME_SAMPLES, noisePayload, 0);
        wideNoisePacket = Unpooled.directBuffer(Codec.FRAME_SAMPLES).writeBytes(noisePayload);
        short[] voice = new short[noise.length];
        for (int i = 0; i < voice.length; i++) {
            double v = 0;
            for (int k = 1; k * 150 < 4000; k++) {
                v += 2000.0 / k * Math.sin(2 * Math.PI * 150 * k * i / 16_000.0);
            }
            voice[i] = (short) (v * (0.2 + Math.abs(Math.sin(2 * Math.PI * 3 * i / 16_000.0))));
        }
        try (OpusEncoder encoder = new OpusEncoder(); OpusEncoder noiseEncoder = new OpusEncoder()) {
            byte[] out = new byte[1275];
            for (int f = 0; f < opusVoice.length; f++) {
                int length = encoder.encode(voice, f * OpusEncoder.FRAME, out, 0, out.length);
                opusVoice[f] = Unpooled.directBuffer(length).writeBytes(out, 0, length);
                length = noiseEncoder.encode(noise, f * OpusEncoder.FRAME, out, 0, out.length);
                opusNoise[f] = Unpooled.directBuffer(length).writeBytes(out, 0, length);
            }
        }
        // Prime every talker's jitter buffer past its playout delay.
        for (int s = 0; s < 3; s++) {
            receive();
        }
    }

    private void receive() {
        boolean stutterTick = "stutter".equals(quiet) && (sequence & 1) == 0;
        int senders = "noise".equals(quiet) || stutterTick ? participants : talking;
        ByteBuf opus = opusVoice[sequence % opusVoice.length];
        ByteBuf opusQuiet = opusNoise[sequence % opusNoise.length];
        for (int i = 0; i < senders; i++) {
            boolean talks = i < talking;
            ParticipantAudio p = audio[i];
            ByteBuf b = p.codec() == Codec.OPUS ? (talks ? opus : opusQuiet)
                    : p.isWideband() ? (talks ? widePacket : wideNoisePacket)
                    : talks ? packet : noisePacket;
            // A stuttering caller numbers its own packets: one every other tick, none missing.
            int seq = talks || !"stutter".equals(quiet) ? sequence : sequence >> 1;
            p.received(seq & 0xFFFF, b, 0, b.readableBytes(), 0);
        }
        sequence++;
    }

    @Benchmark
    public void tick(Blackhole hole) {
        receive();
        mixer.tick(0);
        for (ParticipantAudio p : audio) {
            EncodedFrameRing out = p.output();
            int at = out.peek(2);
            if (at >= 0) {
                hole.consume(out.frames()[at]);
                out.advance();
            }
        }
    }
}
