package io.confbridge.server.support;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Encoder;
import io.confbridge.codec.OpusEncoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The talking half of a phone's RTP: one stream (one SSRC, one sequence space) carrying G.711 or G.722 audio at
 * real-time pace and RFC 4733 telephone-events, all timed by a scheduler rather than by sleeping.
 */
final class RtpSender implements AutoCloseable {
    static final long FRAME_NS = TimeUnit.MILLISECONDS.toNanos(20);
    /** RFC 4733 §2.3.5: events are sent every 50 ms or less; 20 ms matches the audio packetization. */
    private static final long EVENT_UPDATE_MS = 20;
    /** Event packets of one key: three updates then three copies of the end packet (§2.5.1.4). */
    private static final int UPDATES_PER_KEY = 3;
    private static final int ENDS_PER_KEY = 3;
    /** The gap between the last end packet of one key and the first packet of the next. */
    private static final long INTER_KEY_GAP_MS = 100;
    static final long KEY_PERIOD_MS = (UPDATES_PER_KEY + ENDS_PER_KEY - 1) * EVENT_UPDATE_MS
            + INTER_KEY_GAP_MS;
    /** In-band keys: 100 ms of tone pair, then 100 ms of silence, as a keypad typed briskly sounds. */
    static final int INBAND_TONE_FRAMES = 5;
    /** RFC 4733 volume field: -10 dBm0, a typical keypad level. */
    private static final int EVENT_VOLUME = 10;

    private final DatagramSocket socket;
    private final ScheduledExecutorService scheduler;
    private final long ssrc = ThreadLocalRandom.current().nextInt() & 0xFFFFFFFFL;
    private final long timestampBase = ThreadLocalRandom.current().nextInt() & 0xFFFFFFFFL;
    private final long epochNs = System.nanoTime();
    private int nextSequence = ThreadLocalRandom.current().nextInt(1 << 16);
    private int sent;
    /** The payloads of the last {@link #RECENT} packets sent, oldest first. */
    private final java.util.ArrayDeque<byte[]> recent = new java.util.ArrayDeque<>();
    private static final int RECENT = 500;
    private volatile SdpAnswer answer;
    private ScheduledFuture<?> audioTask;

    RtpSender(DatagramSocket socket, ScheduledExecutorService scheduler) {
        this.socket = socket;
        this.scheduler = scheduler;
    }

    void negotiated(SdpAnswer answer) {
        this.answer = answer;
    }

    /** The RTP clock (8 kHz) reading for a moment, so audio and events share one timeline. */
    private long timestampAt(long nanoTime) {
        return (timestampBase + (nanoTime - epochNs) / 125_000L) & 0xFFFFFFFFL;
    }

    /** Streams a continuous sine, one 20 ms packet every 20 ms, replacing any stream already running. */
    synchronized void startTone(double hz, double dBFS) {
        double amplitude = 32767 * Math.pow(10, dBFS / 20);
        startStream(new FrameSource() {
            private double phase;

            @Override
            public void fill(short[] frame) {
                double step = 2 * Math.PI * hz / (frame.length * 50); // 8 or 16 kHz: 20 ms a frame
                for (int i = 0; i < frame.length; i++) {
                    frame[i] = (short) Math.round(amplitude * Math.sin(phase));
                    phase += step;
                    if (phase > 2 * Math.PI) {
                        phase -= 2 * Math.PI;
                    }
                }
            }
        });
    }

    /**
     * Streams a sine as {@link #startTone} does, one 20 ms packet made every 20 ms, but each packet held
     * back a random 0 to {@code maxDelayMs} before it is sent, as a jittery network would (packets may
     * overtake each other; their sequence numbers and timestamps are those of when they were made).
     */
    synchronized void startJitteryTone(double hz, double dBFS, int maxDelayMs, long seed) {
        SdpAnswer negotiated = requireAnswer();
        stopAudio();
        double amplitude = 32767 * Math.pow(10, dBFS / 20);
        double step = 2 * Math.PI * hz / Codec.CLOCK_RATE;
        java.util.Random random = new java.util.Random(seed);
        long firstTimestamp = timestampAt(System.nanoTime());
        long[] frameIndex = {0};
        double[] phase = {0};
        audioTask = scheduler.scheduleAtFixedRate(() -> {
            byte[] payload = new byte[Codec.FRAME_SAMPLES];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = negotiated.codec().encode((short) Math.round(amplitude * Math.sin(phase[0])));
                phase[0] += step;
                if (phase[0] > 2 * Math.PI) {
                    phase[0] -= 2 * Math.PI;
                }
            }
            long ts = (firstTimestamp + frameIndex[0] * Codec.FRAME_SAMPLES) & 0xFFFFFFFFL;
            boolean marker = frameIndex[0] == 0;
            int sequence = takeSequence();
            frameIndex[0]++;
            scheduler.schedule(() -> sendNumbered(socket, negotiated.rtpAddress(), negotiated.audioPayloadType(),
                    marker, sequence, ts, payload), random.nextInt(maxDelayMs + 1), TimeUnit.MILLISECONDS);
        }, 0, FRAME_NS, TimeUnit.NANOSECONDS);
    }

    /** Streams a sine in packets of {@code ptimeMs} (10–60 ms), one every {@code ptimeMs}, as a phone set to that ptime. */
    synchronized void startTone(double hz, double dBFS, int ptimeMs) {
        SdpAnswer negotiated = requireAnswer();
        stopAudio();
        double amplitude = 32767 * Math.pow(10, dBFS / 20);
        if (negotiated.codec() == Codec.OPUS) {
            startOpusTone(negotiated, hz, amplitude, ptimeMs);
            return;
        }
        double step = 2 * Math.PI * hz / Codec.CLOCK_RATE;
        int samples = ptimeMs * Codec.CLOCK_RATE / 1000;
        long firstTimestamp = timestampAt(System.nanoTime());
        byte[] payload = new byte[samples];
        long[] packetIndex = {0};
        double[] phase = {0};
        audioTask = scheduler.scheduleAtFixedRate(() -> {
            for (int i = 0; i < samples; i++) {
                payload[i] = negotiated.codec().encode((short) Math.round(amplitude * Math.sin(phase[0])));
                phase[0] += step;
                if (phase[0] > 2 * Math.PI) {
                    phase[0] -= 2 * Math.PI;
                }
            }
            long ts = (firstTimestamp + packetIndex[0] * samples) & 0xFFFFFFFFL;
            send(socket, negotiated.rtpAddress(), negotiated.audioPayloadType(), packetIndex[0] == 0, ts, payload);
            packetIndex[0]++;
        }, 0, TimeUnit.MILLISECONDS.toNanos(ptimeMs), TimeUnit.NANOSECONDS);
    }

    /**
     * An Opus phone set to {@code ptimeMs} (10, 20, 40 or 60): libopus encodes each packet's 16 kHz audio
     * at that frame size, as the phone's own encoder would, on the 48 kHz clock.
     */
    private void startOpusTone(SdpAnswer negotiated, double hz, double amplitude, int ptimeMs) {
        OpusEncoder encoder = new OpusEncoder();
        int samples = ptimeMs * 16;
        short[] pcm = new short[samples];
        byte[] out = new byte[1275];
        long base = timestampAt(System.nanoTime()) * 6;
        long[] packetIndex = {0};
        double step = 2 * Math.PI * hz / 16000;
        double[] phase = {0};
        audioTask = scheduler.scheduleAtFixedRate(() -> {
            for (int i = 0; i < samples; i++) {
                pcm[i] = (short) Math.round(amplitude * Math.sin(phase[0]));
                phase[0] += step;
                if (phase[0] > 2 * Math.PI) {
                    phase[0] -= 2 * Math.PI;
                }
            }
            int length = encoder.encode(pcm, 0, samples, out, 0, out.length);
            long ts = (base + packetIndex[0] * ptimeMs * 48L) & 0xFFFFFFFFL;
            send(socket, negotiated.rtpAddress(), negotiated.audioPayloadType(), packetIndex[0] == 0, ts,
                    java.util.Arrays.copyOf(out, length));
            packetIndex[0]++;
        }, 0, TimeUnit.MILLISECONDS.toNanos(ptimeMs), TimeUnit.NANOSECONDS);
    }

    private synchronized int takeSequence() {
        int sequence = nextSequence;
        nextSequence = (nextSequence + 1) & 0xFFFF;
        return sequence;
    }

    /**
     * Plays {@code keys} as in-band DTMF (ITU-T Q.23 tone pairs, {@code dBFSPerTone} each) in the audio
     * stream: {@link #INBAND_TONE_FRAMES} frames of tone, then as many of silence, a key after the other;
     * then silence goes on, as from a phone whose user listens again. Replaces any stream running. The
     * future completes when the gap after the last key has been sent.
     */
    synchronized CompletableFuture<Void> sendInbandDtmf(String keys, double dBFSPerTone) {
        for (int k = 0; k < keys.length(); k++) {
            DtmfTone.of(keys.charAt(k)); // reject a bad key here, not on the scheduler thread
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        double amplitude = 32767 * Math.pow(10, dBFSPerTone / 20);
        int framesPerKey = 2 * INBAND_TONE_FRAMES;
        startStream(new FrameSource() {
            private int frameIndex;
            private long sampleIndex;

            @Override
            public void fill(short[] frame) {
                int key = frameIndex / framesPerKey;
                boolean toneOn = key < keys.length() && frameIndex % framesPerKey < INBAND_TONE_FRAMES;
                if (toneOn) {
                    DtmfTone tone = DtmfTone.of(keys.charAt(key));
                    for (int i = 0; i < frame.length; i++) {
                        double t = (double) (sampleIndex + i) / (frame.length * 50);
                        frame[i] = (short) Math.round(amplitude * (Math.sin(2 * Math.PI * tone.lowHz() * t)
                                + Math.sin(2 * Math.PI * tone.highHz() * t)));
                    }
                } else {
                    java.util.Arrays.fill(frame, (short) 0);
                }
                sampleIndex += frame.length;
                frameIndex++;
                if (frameIndex == keys.length() * framesPerKey) {
                    // Completed after this frame is filled; it is sent right after, before any later frame.
                    done.complete(null);
                }
            }
        });
        if (keys.isEmpty()) {
            done.complete(null);
        }
        return done;
    }

    /** Streams digital silence at real-time pace, as a phone does while its user listens. */
    synchronized void startSilence() {
        startStream(frame -> java.util.Arrays.fill(frame, (short) 0));
    }

    synchronized void stopAudio() {
        if (audioTask != null) {
            audioTask.cancel(false);
            audioTask = null;
        }
    }

    private void startStream(FrameSource source) {
        SdpAnswer negotiated = requireAnswer();
        stopAudio();
        long startNs = System.nanoTime();
        long firstTimestamp = timestampAt(startNs);
        boolean wide = negotiated.codec().wideband();
        boolean opus = negotiated.codec() == Codec.OPUS;
        // G.722 and Opus: 20 ms of 16 kHz audio, encoded by one encoder for the stream's life.
        short[] frame = new short[wide ? 2 * Codec.FRAME_SAMPLES : Codec.FRAME_SAMPLES];
        G722Encoder encoder = wide && !opus ? new G722Encoder() : null;
        OpusEncoder opusEncoder = opus ? new OpusEncoder() : null;
        byte[] payload = new byte[Codec.FRAME_SAMPLES];
        long[] frameIndex = {0};
        // Opus's RTP clock is 48 kHz (RFC 7587 §4.1): 960 a frame, and the stream's base scaled alike.
        int unitsPerFrame = negotiated.codec().frameTimestampUnits();
        long base = opus ? firstTimestamp * 6 : firstTimestamp;
        audioTask = scheduler.scheduleAtFixedRate(() -> {
            source.fill(frame);
            if (opus) {
                int length = opusEncoder.encode(frame, 0, payload, 0, payload.length);
                long ts = (base + frameIndex[0] * unitsPerFrame) & 0xFFFFFFFFL;
                send(socket, negotiated.rtpAddress(), negotiated.audioPayloadType(), frameIndex[0] == 0, ts,
                        java.util.Arrays.copyOf(payload, length));
                frameIndex[0]++;
                return;
            }
            if (wide) {
                encoder.encode(frame, 0, frame.length, payload, 0);
            } else {
                for (int i = 0; i < frame.length; i++) {
                    payload[i] = negotiated.codec().encode(frame[i]);
                }
            }
            long ts = (firstTimestamp + frameIndex[0] * Codec.FRAME_SAMPLES) & 0xFFFFFFFFL;
            // RFC 3551 §4.1: the marker flags the first packet of a talkspurt.
            send(socket, negotiated.rtpAddress(), negotiated.audioPayloadType(), frameIndex[0] == 0, ts, payload);
            frameIndex[0]++;
        }, 0, FRAME_NS, TimeUnit.NANOSECONDS);
    }

    /**
     * Sends each key as an RFC 4733 event from {@code from}: three updates with growing duration (marker on
     * the first), then three identical end packets; one RTP timestamp per key, the event's start; about
     * 100 ms between keys. The future completes when the last packet is sent.
     */
    CompletableFuture<Void> sendDtmf(String keys, DatagramSocket from) {
        SdpAnswer negotiated = requireAnswer();
        int eventPt = negotiated.telephoneEventPt().orElseThrow(
                () -> new IllegalStateException("bridge did not accept telephone-event:\n" + negotiated.text()));
        CompletableFuture<Void> done = new CompletableFuture<>();
        long startNs = System.nanoTime();
        int packetsPerKey = UPDATES_PER_KEY + ENDS_PER_KEY;
        int total = keys.length() * packetsPerKey;
        if (total == 0) {
            done.complete(null);
            return done;
        }
        int[] remaining = {total};
        for (int k = 0; k < keys.length(); k++) {
            int event = eventCode(keys.charAt(k));
            long keyOffsetMs = k * KEY_PERIOD_MS;
            long keyTimestamp = timestampAt(startNs + TimeUnit.MILLISECONDS.toNanos(keyOffsetMs));
            for (int p = 0; p < packetsPerKey; p++) {
                boolean end = p >= UPDATES_PER_KEY;
                int duration = Codec.FRAME_SAMPLES * (Math.min(p, UPDATES_PER_KEY) + 1);
                boolean marker = p == 0;
                byte[] payload = {
                        (byte) event,
                        (byte) ((end ? 0x80 : 0) | EVENT_VOLUME),
                        (byte) (duration >> 8),
                        (byte) duration};
                scheduler.schedule(() -> {
                    try {
                        send(from, negotiated.rtpAddress(), eventPt, marker, keyTimestamp, payload);
                    } catch (RuntimeException e) {
                        done.completeExceptionally(e);
                        return;
                    }
                    synchronized (remaining) {
                        if (--remaining[0] == 0) {
                            done.complete(null);
                        }
                    }
                }, keyOffsetMs + p * EVENT_UPDATE_MS, TimeUnit.MILLISECONDS);
            }
        }
        return done;
    }

    /** RFC 4733 §3.2 event codes for the keypad. */
    static int eventCode(char key) {
        if (key >= '0' && key <= '9') {
            return key - '0';
        }
        return switch (Character.toUpperCase(key)) {
            case '*' -> 10;
            case '#' -> 11;
            case 'A' -> 12;
            case 'B' -> 13;
            case 'C' -> 14;
            case 'D' -> 15;
            default -> throw new IllegalArgumentException("not a DTMF key: " + key);
        };
    }

    /**
     * Sends one RTP packet of this stream. Synchronized so that sequence numbers leave the phone in order
     * even when audio and events are sent from different scheduler threads.
     */
    synchronized void send(DatagramSocket from, InetSocketAddress to, int pt, boolean marker, long timestamp,
                           byte[] payload) {
        sendNumbered(from, to, pt, marker, takeSequence(), timestamp, payload);
    }

    /** Sends one RTP packet with a sequence number taken earlier ({@link #takeSequence}). */
    private synchronized void sendNumbered(DatagramSocket from, InetSocketAddress to, int pt, boolean marker,
                                           int sequence, long timestamp, byte[] payload) {
        byte[] packet = new byte[12 + payload.length];
        packet[0] = (byte) 0x80;
        packet[1] = (byte) ((marker ? 0x80 : 0) | (pt & 0x7F));
        packet[2] = (byte) (sequence >> 8);
        packet[3] = (byte) sequence;
        writeUint32(packet, 4, timestamp);
        writeUint32(packet, 8, ssrc);
        System.arraycopy(payload, 0, packet, 12, payload.length);
        try {
            from.send(new DatagramPacket(packet, packet.length, to));
            sent++;
            if (recent.size() == RECENT) {
                recent.removeFirst();
            }
            recent.addLast(payload.clone());
        } catch (IOException e) {
            throw new UncheckedIOException("sending RTP to " + to, e);
        }
    }

    private static void writeUint32(byte[] b, int at, long value) {
        b[at] = (byte) (value >> 24);
        b[at + 1] = (byte) (value >> 16);
        b[at + 2] = (byte) (value >> 8);
        b[at + 3] = (byte) value;
    }

    /** The payloads of the last 500 packets sent, oldest first. */
    synchronized java.util.List<byte[]> recentPayloads() {
        return new java.util.ArrayList<>(recent);
    }

    synchronized int packetsSent() {
        return sent;
    }

    private SdpAnswer requireAnswer() {
        SdpAnswer negotiated = answer;
        if (negotiated == null) {
            throw new IllegalStateException("no call established: no SDP answer to send RTP to");
        }
        return negotiated;
    }

    @Override
    public synchronized void close() {
        stopAudio();
    }

    /** Produces the next 20 ms of linear audio. */
    @FunctionalInterface
    /** Fills one 20 ms frame: 160 samples at 8 kHz, or 320 at 16 kHz when the call is G.722. */
    private interface FrameSource {
        void fill(short[] frame);
    }
}
