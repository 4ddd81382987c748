package io.confbridge.mixer;

import io.confbridge.codec.Codec;
import io.confbridge.codec.G722Encoder;
import io.confbridge.codec.OpusEncoder;
import io.confbridge.media.MediaClock;
import io.confbridge.prompt.EncodedAudio;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * A meeting's audio mixer: top-N talkers, mix-minus, one shared mix for everyone else.
 *
 * <p>Every tick each participant's frame goes through their {@link TalkerDetector}; the
 * {@code maxTalkers} loudest talkers (a talker already in the mix ranks twice as loud, so the set does
 * not flap between near equals) are summed. Nobody else is: in a meeting of hundreds, the room noise of
 * every open microphone would otherwise bury the one person talking. Each talker hears the sum minus
 * themself; everyone else hears the same sum, encoded once per codec and copied. So the cost of a tick
 * is one energy measure per participant plus an encode per talker and per codec, not an encode per
 * participant. Every mixed output goes through a {@link SoftLimiter}: loud moments are turned down,
 * never clipped.
 *
 * <p>In a cluster, the legs to other nodes holding part of the meeting ({@link ParticipantAudio#ofOtherNode})
 * are talker candidates like callers, but what they hear is the sum of this node's own talkers alone (no
 * other node's audio, no announcement, each node plays its own): each node sends only what was said on it,
 * so with any number of nodes every voice reaches every node once, by one path.
 *
 * <p>Runs on the meeting's media loop, like the meeting that sets its membership, so it needs no
 * lock; only the participants' audio crosses to the calls' loops, through lock-free buffers. A tick
 * allocates nothing.
 */
public final class Mixer implements MediaClock.Listener {
    private static final Logger log = LoggerFactory.getLogger(Mixer.class);
    /** {@code mixer.maxTalkers} when not configured. */
    public static final int DEFAULT_MAX_TALKERS = 3;
    private static final int N = Codec.FRAME_SAMPLES;
    /** How much louder a talker already in the mix counts when ranking (hysteresis). */
    private static final double INCUMBENT_BONUS = 2.0;

    private final int maxTalkers;
    private ParticipantAudio[] participants = new ParticipantAudio[0];
    /** This tick's talkers in the mix, loudest first; the first {@link #talkerCount} are valid. */
    private final ParticipantAudio[] talkers;
    private final double[] talkerRanks;
    private int talkerCount;
    /** This tick's sum at mix scale: the low band (all of G.711), and the high band of G.722 talkers. */
    private final int[] total = new int[N];
    private final int[] totalHigh = new int[N];
    /** A talker of this tick spoke in G.722 (its frame has a high band). */
    private boolean wideInMix;
    private final short[] minusOwn = new short[N];
    private final short[] minusOwnHigh = new short[N];
    /** libopus's complexity for every Opus stream this mixer encodes ({@code mixer.opusComplexity}). */
    private final int opusComplexity;
    /** What everyone who is not a talker hears. */
    private final SharedMix shared;
    /** This node's own talkers only: what the legs to other nodes hear. */
    private final int[] localTotal = new int[N];
    private final int[] localHigh = new int[N];
    private boolean localWide;
    private final SharedMix local;
    private boolean localMixed;
    private EncodedAudio announcement;
    private int announcementFrame;
    /** Last tick's talkers, to tell when the set changes; the first {@link #previousCount} are valid. */
    private final ParticipantAudio[] previousTalkers;
    private int previousCount;
    /** Told (on this loop) when the set of talkers in the mix changes; never per tick otherwise. */
    private Runnable talkersChanged = () -> { };

    public Mixer() {
        this(DEFAULT_MAX_TALKERS);
    }

    /** @param maxTalkers how many talkers are mixed at once, 1 or more */
    public Mixer(int maxTalkers) {
        this(maxTalkers, OpusEncoder.DEFAULT_COMPLEXITY);
    }

    /**
     * @param maxTalkers     how many talkers are mixed at once, 1 or more
     * @param opusComplexity libopus's complexity (0–10) for the Opus streams: the shared mix and each Opus
     *                       talker's mix-minus; the encodes are most of a tick with Opus in it
     */
    public Mixer(int maxTalkers, int opusComplexity) {
        if (maxTalkers < 1) {
            throw new IllegalArgumentException("maxTalkers must be at least 1: " + maxTalkers);
        }
        if (opusComplexity < 0 || opusComplexity > 10) {
            throw new IllegalArgumentException("opusComplexity must be 0–10: " + opusComplexity);
        }
        this.maxTalkers = maxTalkers;
        this.opusComplexity = opusComplexity;
        this.shared = new SharedMix(opusComplexity);
        this.local = new SharedMix(opusComplexity);
        this.talkers = new ParticipantAudio[maxTalkers];
        this.talkerRanks = new double[maxTalkers];
        this.previousTalkers = new ParticipantAudio[maxTalkers];
    }

    /**
     * Who to tell when the set of talkers in the mix changes (the meeting, which publishes who is
     * speaking). Called on the mixer's loop at the end of the tick that changed it, when
     * {@link #talker} and {@link ParticipantAudio#heardNow()} tell who is in the set; it must be quick
     * and not block.
     */
    public void onTalkersChanged(Runnable listener) {
        talkersChanged = listener;
    }

    /** Replaces the membership; called by the meeting (on its loop) when someone is admitted or leaves. */
    public void participants(ParticipantAudio[] now) {
        participants = now;
    }

    /** Plays a short clip (entry or exit tone) into everyone's mix, starting at the next tick. */
    public void announce(EncodedAudio clip) {
        announcement = clip;
        announcementFrame = 0;
    }

    /**
     * The {@code i}th talker of this tick, loudest first ({@code i < talkerCount()}); valid only inside
     * the {@link #onTalkersChanged} listener, on the mixer's loop.
     */
    public ParticipantAudio talker(int i) {
        if (i >= talkerCount) {
            throw new IndexOutOfBoundsException(i);
        }
        return talkers[i];
    }

    /** What everyone who is not a talker hears; for tests. */
    SharedMix shared() {
        return shared;
    }

    /** How many talkers the last tick mixed. */
    public int talkerCount() {
        return talkerCount;
    }

    @Override
    public void tick(long nowNs) {
        ParticipantAudio[] parts = participants;
        if (parts.length == 0) {
            if (previousCount > 0) {
                talkerCount = 0;
                publishIfChanged();
            }
            return;
        }
        talkerCount = 0;
        for (ParticipantAudio p : parts) {
            // Always drain the jitter buffer, so a muted participant's backlog never plays later.
            boolean got = p.takeFrame();
            // A key's tones are not for the meeting's ears: drop them (and their tail) from the mix.
            p.packetArrived = got && !p.muted() && !p.keyToneAt(nowNs);
            boolean talking = p.talker.update(p.packetArrived ? p.frame : null, p.wideFrame ? p.high : null);
            p.wasInMix = p.inMix;
            p.inMix = false;
            if (talking && p.packetArrived) {
                rank(p, p.talker.level() * (p.wasInMix ? INCUMBENT_BONUS : 1.0));
            }
        }
        Arrays.fill(total, 0);
        Arrays.fill(localTotal, 0);
        if (wideInMix) {
            Arrays.fill(totalHigh, 0);
        }
        if (localWide) {
            Arrays.fill(localHigh, 0);
        }
        wideInMix = false;
        localWide = false;
        for (int t = 0; t < talkerCount; t++) {
            ParticipantAudio p = talkers[t];
            if (!p.wasInMix && p.codec == Codec.G722 && p.encoder != null) {
                // Back in the mix: its decoder has been following the shared stream, so its own
                // encoder goes on from there rather than from wherever it stopped.
                p.encoder.copyFrom(shared.encoder());
            }
            p.catchUpHighBand(); // a G.722 talker outside the mix until now: its higher band too
            p.inMix = true;
            short[] f = p.frame;
            for (int i = 0; i < N; i++) {
                total[i] += f[i];
            }
            if (!p.otherNode) {
                for (int i = 0; i < N; i++) {
                    localTotal[i] += f[i];
                }
            }
            if (p.wideFrame) {
                short[] h = p.high;
                for (int i = 0; i < N; i++) {
                    totalHigh[i] += h[i];
                }
                wideInMix = true;
                if (!p.otherNode) {
                    for (int i = 0; i < N; i++) {
                        localHigh[i] += h[i];
                    }
                    localWide = true;
                }
            }
        }
        boolean announced = mixAnnouncement();
        shared.mix(total, wideInMix ? totalHigh : null);
        if (talkerCount == 1 && !announced && !talkers[0].otherNode) {
            // One Opus talker and nothing else in the mix: its wideband Opus listeners get its own packet,
            // or its loss.
            ParticipantAudio solo = talkers[0];
            if (solo.forwardableOpusLength() > 0) {
                shared.forwardOpus(solo.forwardableOpus(), solo.forwardableOpusLength());
            } else if (solo.opusLost()) {
                shared.forwardOpusLoss();
            }
        }
        localMixed = false;
        for (ParticipantAudio p : parts) {
            int at = p.toSend.claim();
            if (at < 0) {
                continue; // the participant's sender is behind: drop this frame rather than queue delay
            }
            byte[] out = p.toSend.frames();
            Codec codec = p.codec;
            int length;
            if (p.otherNode) {
                System.arraycopy(localMix(codec), 0, out, at, length = local.encodedLength(codec));
            } else if (p.inMix) {
                length = mixMinusOwn(p, codec, out, at);
            } else if (codec == Codec.OPUS) {
                int band = p.opusBand;
                byte[] frame = shared.encodedOpus(band);
                System.arraycopy(frame, 0, out, at, length = shared.encodedOpusLength(band));
            } else {
                byte[] frame = shared.encoded(codec);
                System.arraycopy(frame, 0, out, at, length = shared.encodedLength(codec));
            }
            p.toSend.publish(length);
        }
        publishIfChanged();
        for (int t = 0; t < talkerCount; t++) {
            talkers[t] = null; // do not keep a participant who leaves reachable
        }
    }

    /**
     * A talker's frame: the sum minus their own audio, with their own gain. A G.711 talker while no
     * wideband talker speaks costs what it always did; otherwise the talker's own G.722 encoder or
     * decimator is used, since each holds the history of one continuous signal.
     */
    private int mixMinusOwn(ParticipantAudio p, Codec codec, byte[] out, int at) {
        boolean wide = wideInMix || p.wideFrame || codec.wideband();
        if (!wide) {
            p.limiter.apply(total, p.frame, minusOwn);
            for (int i = 0; i < N; i++) {
                out[at + i] = codec.encode(minusOwn[i]);
            }
            return N;
        }
        p.limiter.apply(total, wideInMix ? totalHigh : null, p.frame, p.wideFrame ? p.high : null,
                minusOwn, minusOwnHigh);
        if (codec == Codec.OPUS) {
            int band = p.opusBand;
            if (p.opusOut == null || p.opusOut.band != band) {
                p.opusOut = new SharedMix.OpusStream(band, opusComplexity); // first time, or a re-INVITE changed its band
            }
            return p.opusOut.encode(minusOwn, minusOwnHigh, out, at);
        }
        if (p.narrowing == null) {
            p.narrowing = new SharedMix.Narrowing();
        }
        if (codec == Codec.G722) {
            if (p.encoder == null) {
                p.encoder = new G722Encoder();
                p.encoder.copyFrom(shared.encoder());
            }
            SharedMix.encodeG722(p.encoder, minusOwn, minusOwnHigh, out, at, p.narrowing);
        } else {
            p.narrowing.narrow(minusOwn, minusOwnHigh, codec, out, at);
        }
        return N;
    }

    /** This tick's sum of this node's own talkers, limited once and encoded once per codec. */
    private byte[] localMix(Codec codec) {
        if (!localMixed) {
            local.mix(localTotal, localWide ? localHigh : null);
            localMixed = true;
        }
        return local.encoded(codec);
    }

    /** Tells the listener when this tick's talkers are not last tick's (as a set: order is ranking). */
    private void publishIfChanged() {
        boolean same = talkerCount == previousCount;
        for (int t = 0; same && t < talkerCount; t++) {
            boolean found = false;
            for (int q = 0; q < previousCount && !found; q++) {
                found = previousTalkers[q] == talkers[t];
            }
            same = found;
        }
        if (same) {
            return;
        }
        for (int t = 0; t < maxTalkers; t++) {
            previousTalkers[t] = t < talkerCount ? talkers[t] : null;
        }
        previousCount = talkerCount;
        try {
            talkersChanged.run();
        } catch (RuntimeException e) {
            // Who is speaking is for display: a failing listener must never stop the meeting's audio.
            log.warn("talker listener failed", e);
        }
    }

    /** Inserts a talker into this tick's loudest-first list, dropping the quietest when it is full. */
    private void rank(ParticipantAudio p, double rank) {
        int at = talkerCount;
        while (at > 0 && talkerRanks[at - 1] < rank) {
            at--;
        }
        if (at >= maxTalkers) {
            return;
        }
        int last = Math.min(talkerCount, maxTalkers - 1);
        for (int i = last; i > at; i--) {
            talkers[i] = talkers[i - 1];
            talkerRanks[i] = talkerRanks[i - 1];
        }
        talkers[at] = p;
        talkerRanks[at] = rank;
        if (talkerCount < maxTalkers) {
            talkerCount++;
        }
    }

    /** Adds the current announcement's frame to the sum, so everyone (talkers too) hears it; whether there was one. */
    private boolean mixAnnouncement() {
        if (announcement == null) {
            return false;
        }
        short[] pcm = announcement.pcm();
        int from = announcementFrame * N;
        for (int i = 0; i < N; i++) {
            total[i] += pcm[from + i];
        }
        if (++announcementFrame >= announcement.frames()) {
            announcement = null;
        }
        return true;
    }
}
