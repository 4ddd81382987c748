package io.confbridge.server.support;

import io.confbridge.codec.Codec;
import io.confbridge.prompt.EncodedAudio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The 20 ms frames of something spoken, decoded, from its first audible frame on: what a phone received
 * and what a prompt holds can be lined up this way whatever silence leads either, and compared sample for
 * sample, since the bridge sends a prompt's G.711 frames as they are stored.
 */
public final class SpokenFrames {
    private final List<short[]> frames;

    private SpokenFrames(List<short[]> frames) {
        this.frames = List.copyOf(frames);
    }

    /** Up to {@code count} frames of {@code audio} as {@code codec} sends it, from its first audible frame. */
    public static SpokenFrames of(EncodedAudio audio, Codec codec, int count) {
        byte[] payload = audio.payload(codec);
        List<short[]> decoded = new ArrayList<>();
        for (int at = 0; at + Codec.FRAME_SAMPLES <= payload.length; at += Codec.FRAME_SAMPLES) {
            short[] pcm = new short[Codec.FRAME_SAMPLES];
            for (int i = 0; i < pcm.length; i++) {
                pcm[i] = codec.decode(payload[at + i]);
            }
            decoded.add(pcm);
        }
        return fromFirstAudible(decoded, count);
    }

    /** Up to {@code count} received audio frames, in arrival order, from the first audible one. */
    public static SpokenFrames received(List<ReceivedRtp> packets, int count) {
        List<short[]> audio = new ArrayList<>();
        for (ReceivedRtp p : packets) {
            if (p.isAudio()) {
                audio.add(p.pcm());
            }
        }
        return fromFirstAudible(audio, count);
    }

    private static SpokenFrames fromFirstAudible(List<short[]> frames, int count) {
        int first = 0;
        while (first < frames.size() && !audible(frames.get(first))) {
            first++;
        }
        return new SpokenFrames(frames.subList(first, Math.min(frames.size(), first + count)));
    }

    private static boolean audible(short[] frame) {
        return ToneMeter.rms(frame, frame.length) >= RtpReceiver.AUDIBLE_RMS;
    }

    /**
     * True if these frames were received one after the other among {@code packets}' audio, wherever: a
     * prompt heard after hold music or amid a meeting's silence.
     */
    public boolean receivedAmong(List<ReceivedRtp> packets) {
        List<short[]> audio = new ArrayList<>();
        for (ReceivedRtp p : packets) {
            if (p.isAudio()) {
                audio.add(p.pcm());
            }
        }
        for (int start = 0; start + frames.size() <= audio.size(); start++) {
            int i = 0;
            while (i < frames.size() && Arrays.equals(frames.get(i), audio.get(start + i))) {
                i++;
            }
            if (i == frames.size()) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return frames.size();
    }

    /** True if both hold the same number of frames with the same samples. */
    public boolean sameAs(SpokenFrames other) {
        if (frames.size() != other.frames.size()) {
            return false;
        }
        for (int i = 0; i < frames.size(); i++) {
            if (!Arrays.equals(frames.get(i), other.frames.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** How many leading frames are sample-for-sample equal: where two recordings part, for a failure message. */
    public int matchingPrefix(SpokenFrames other) {
        int n = Math.min(frames.size(), other.frames.size());
        int i = 0;
        while (i < n && Arrays.equals(frames.get(i), other.frames.get(i))) {
            i++;
        }
        return i;
    }
}
