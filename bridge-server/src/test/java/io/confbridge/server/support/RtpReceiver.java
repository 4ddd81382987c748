package io.confbridge.server.support;

import io.confbridge.codec.Codec;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The listening half of a phone's RTP: a daemon thread that records every packet arriving on the phone's
 * RTP socket, and the measurements tests make on what was heard.
 */
final class RtpReceiver implements AutoCloseable {
    /** About -44 dBFS: prompts and hold music are far above it, G.711 idle noise far below. */
    static final double AUDIBLE_RMS = 200;
    private static final int RTP_HEADER_BYTES = 12;

    private final DatagramSocket socket;
    private final Thread thread;
    private final List<ReceivedRtp> packets = new ArrayList<>();
    private volatile SdpAnswer answer;
    /** Follows a G.722 stream (the receive thread only). */
    private final io.confbridge.codec.G722Decoder g722 = new io.confbridge.codec.G722Decoder();
    /** Follows an Opus stream (the receive thread only); made on its first packet. */
    private io.confbridge.codec.OpusDecoder opus;
    private volatile int malformed;

    RtpReceiver(DatagramSocket socket, String phoneName) {
        this.socket = socket;
        this.thread = new Thread(this::receiveLoop, phoneName + "-rtp-rx");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Tells the receiver which payload type carries audio and with which law, once the answer is in. */
    void negotiated(SdpAnswer answer) {
        this.answer = answer;
    }

    private void receiveLoop() {
        byte[] buffer = new byte[2048];
        DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
        while (!socket.isClosed()) {
            try {
                datagram.setLength(buffer.length);
                socket.receive(datagram);
                long arrivalNs = System.nanoTime();
                ReceivedRtp packet = parse(datagram, arrivalNs);
                if (packet == null) {
                    malformed++;
                    continue;
                }
                synchronized (packets) {
                    packets.add(packet);
                }
            } catch (IOException e) {
                // Closing the socket ends the loop; any other error on loopback would too.
                return;
            }
        }
    }

    private ReceivedRtp parse(DatagramPacket datagram, long arrivalNs) {
        byte[] b = datagram.getData();
        int off = datagram.getOffset();
        int len = datagram.getLength();
        if (len < RTP_HEADER_BYTES || (b[off] & 0xC0) != 0x80) {
            return null;
        }
        boolean padding = (b[off] & 0x20) != 0;
        boolean extension = (b[off] & 0x10) != 0;
        int csrcCount = b[off] & 0x0F;
        boolean marker = (b[off + 1] & 0x80) != 0;
        int pt = b[off + 1] & 0x7F;
        int seq = ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
        long ts = readUint32(b, off + 4);
        long ssrc = readUint32(b, off + 8);
        int payloadStart = RTP_HEADER_BYTES + 4 * csrcCount;
        if (extension) {
            if (len < payloadStart + 4) {
                return null;
            }
            int words = ((b[off + payloadStart + 2] & 0xFF) << 8) | (b[off + payloadStart + 3] & 0xFF);
            payloadStart += 4 + 4 * words;
        }
        int payloadEnd = len;
        if (padding && len > payloadStart) {
            payloadEnd -= b[off + len - 1] & 0xFF;
        }
        if (payloadEnd < payloadStart) {
            return null;
        }
        short[] pcm = decode(pt, b, off + payloadStart, payloadEnd - payloadStart);
        InetSocketAddress source = (InetSocketAddress) datagram.getSocketAddress();
        return new ReceivedRtp(arrivalNs, seq, ts, ssrc, pt, marker, source, pcm,
                java.util.Arrays.copyOfRange(b, off + payloadStart, off + payloadEnd));
    }

    private short[] decode(int pt, byte[] b, int from, int length) {
        SdpAnswer negotiated = answer;
        Codec codec;
        if (negotiated != null && pt == negotiated.audioPayloadType()) {
            codec = negotiated.codec();
        } else if (negotiated == null && (pt == 0 || pt == 8)) {
            // Early media before the answer was parsed: the static types say which law it is.
            codec = pt == 0 ? Codec.PCMU : Codec.PCMA;
        } else {
            return new short[0];
        }
        if (codec == Codec.OPUS) {
            // A real libopus decoder at 16 kHz, as an Opus phone would have; in arrival order (loopback).
            if (opus == null) {
                opus = new io.confbridge.codec.OpusDecoder();
            }
            // 20 ms packets, or the 40 and 60 ms ones a phone asking for that ptime gets: 16 kHz samples.
            int samples48k = io.confbridge.codec.OpusPacket.durationSamples48k(b, from, length);
            if (samples48k <= 0) {
                return new short[0];
            }
            short[] pcm = new short[samples48k / 3];
            int n = opus.decode(b, from, length, pcm, 0);
            return n == pcm.length ? pcm : new short[0];
        }
        if (codec.wideband()) {
            // Decoded in arrival order, which on loopback is stream order: 16 kHz, two samples a byte.
            short[] pcm = new short[2 * length];
            g722.decode(b, from, length, pcm, 0);
            return pcm;
        }
        short[] pcm = new short[length];
        for (int i = 0; i < length; i++) {
            pcm[i] = codec.decode(b[from + i]);
        }
        return pcm;
    }

    private static long readUint32(byte[] b, int at) {
        return ((long) (b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8)
                | (b[at + 3] & 0xFF);
    }

    List<ReceivedRtp> all() {
        synchronized (packets) {
            return List.copyOf(packets);
        }
    }

    List<ReceivedRtp> since(long nanoTime) {
        List<ReceivedRtp> result = new ArrayList<>();
        synchronized (packets) {
            // Packets are appended in arrival order, so walk back from the newest.
            int i = packets.size();
            while (i > 0 && packets.get(i - 1).arrivalNs() >= nanoTime) {
                i--;
            }
            result.addAll(packets.subList(i, packets.size()));
        }
        return result;
    }

    int count() {
        synchronized (packets) {
            return packets.size();
        }
    }

    int malformed() {
        return malformed;
    }

    /** The decoded audio of the last {@code window}, packets in arrival order. */
    short[] audioOfLast(Duration window) {
        return audioOf(since(System.nanoTime() - window.toNanos()));
    }

    static short[] audioOf(List<ReceivedRtp> received) {
        int total = 0;
        for (ReceivedRtp p : received) {
            total += p.pcm().length;
        }
        short[] all = new short[total];
        int at = 0;
        for (ReceivedRtp p : received) {
            System.arraycopy(p.pcm(), 0, all, at, p.pcm().length);
            at += p.pcm().length;
        }
        return all;
    }

    double rmsOfLast(Duration window) {
        short[] audio = audioOfLast(window);
        return ToneMeter.rms(audio, audio.length);
    }

    double toneLevelOfLast(double hz, Duration window) {
        short[] audio = audioOfLast(window);
        SdpAnswer negotiated = answer;
        boolean wide = negotiated != null && negotiated.codec().wideband();
        return ToneMeter.toneLevel(audio, audio.length, hz, wide ? 16000 : 8000);
    }

    /** How many received audio packets since {@code nanoTime} were each audible on their own. */
    int audibleFramesSince(long nanoTime) {
        int audible = 0;
        for (ReceivedRtp p : since(nanoTime)) {
            if (p.isAudio() && ToneMeter.rms(p.pcm(), p.pcm().length) >= AUDIBLE_RMS) {
                audible++;
            }
        }
        return audible;
    }

    /**
     * The 99th percentile of the gaps between consecutive audio packet arrivals in the last {@code window},
     * or {@link Duration#ZERO} with fewer than two packets.
     */
    Duration p99InterArrivalGap(Duration window) {
        List<ReceivedRtp> recent = since(System.nanoTime() - window.toNanos());
        long[] gaps = new long[Math.max(0, recent.size() - 1)];
        int n = 0;
        ReceivedRtp previous = null;
        for (ReceivedRtp p : recent) {
            if (!p.isAudio()) {
                continue;
            }
            if (previous != null) {
                gaps[n++] = p.arrivalNs() - previous.arrivalNs();
            }
            previous = p;
        }
        if (n == 0) {
            return Duration.ZERO;
        }
        long[] sorted = Arrays.copyOf(gaps, n);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(0.99 * n) - 1;
        return Duration.ofNanos(sorted[Math.max(0, index)]);
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
