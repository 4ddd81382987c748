package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.confbridge.media.MediaClock;
import io.confbridge.prompt.EncodedAudio;

import java.util.Arrays;

/**
 * A meeting's audio mixer (mix-minus): every tick it sums the frames of every unmuted participant whose
 * packet arrived, then gives each participant that sum minus their own frame, encoded in their codec.
 * Cost grows with the number of frames in the sum plus one encode per participant; participants whose
 * frame is not in the sum all hear the same sum, so it is encoded once per codec and copied.
 *
 * <p>Runs on the meeting's media loop, like the meeting that sets its membership, so it needs no
 * lock; only the participants' audio crosses to the calls' loops, through lock-free buffers. A tick
 * allocates nothing.
 */
public final class Mixer implements MediaClock.Listener {
    private static final int N = Codec.FRAME_SAMPLES;
    private static final Codec[] CODECS = Codec.values();

    private ParticipantAudio[] participants = new ParticipantAudio[0];
    private final int[] total = new int[N];
    private final byte[][] sharedEncoded = new byte[CODECS.length][N];
    private final boolean[] sharedReady = new boolean[CODECS.length];
    private EncodedAudio announcement;
    private int announcementFrame;

    /** Replaces the membership; called by the meeting (on its loop) when someone is admitted or leaves. */
    public void participants(ParticipantAudio[] now) {
        participants = now;
    }

    /** Plays a short clip (entry or exit tone) into everyone's mix, starting at the next tick. */
    public void announce(EncodedAudio clip) {
        announcement = clip;
        announcementFrame = 0;
    }

    @Override
    public void tick(long nowNs) {
        ParticipantAudio[] parts = participants;
        if (parts.length == 0) {
            return;
        }
        Arrays.fill(total, 0);
        for (ParticipantAudio p : parts) {
            // Always drain the jitter buffer, so a muted participant's backlog never plays later.
            boolean got = p.heard.take(p.frame);
            p.packetArrived = got && !p.muted();
            if (p.packetArrived) {
                short[] f = p.frame;
                for (int i = 0; i < N; i++) {
                    total[i] += f[i];
                }
            }
        }
        mixAnnouncement();
        Arrays.fill(sharedReady, false);
        for (ParticipantAudio p : parts) {
            int at = p.toSend.claim();
            if (at < 0) {
                continue; // the participant's sender is behind: drop this frame rather than queue delay
            }
            byte[] out = p.toSend.frames();
            Codec codec = p.codec;
            if (p.packetArrived) {
                short[] own = p.frame;
                for (int i = 0; i < N; i++) {
                    out[at + i] = codec.encode(clamp(total[i] - own[i]));
                }
            } else {
                int c = codec.ordinal();
                byte[] shared = sharedEncoded[c];
                if (!sharedReady[c]) {
                    for (int i = 0; i < N; i++) {
                        shared[i] = codec.encode(clamp(total[i]));
                    }
                    sharedReady[c] = true;
                }
                System.arraycopy(shared, 0, out, at, N);
            }
            p.toSend.publish();
        }
    }

    /** Adds the current announcement's frame to the sum, so everyone (speakers too) hears it. */
    private void mixAnnouncement() {
        if (announcement == null) {
            return;
        }
        short[] pcm = announcement.pcm();
        int from = announcementFrame * N;
        for (int i = 0; i < N; i++) {
            total[i] += pcm[from + i];
        }
        if (++announcementFrame >= announcement.frames()) {
            announcement = null;
        }
    }

    private static short clamp(int sample) {
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sample));
    }
}
