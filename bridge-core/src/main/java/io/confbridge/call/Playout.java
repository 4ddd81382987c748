package io.confbridge.call;

import io.confbridge.codec.Codec;
import io.confbridge.media.MediaClock;
import io.confbridge.mixer.EncodedFrameRing;
import io.confbridge.prompt.EncodedAudio;
import io.confbridge.rtp.RtpSession;

/**
 * What the caller hears, one 20 ms frame per media clock tick: the overlay (prompts and tones, in
 * order) when there is one, else the background: hold music, the meeting's mix-minus, or silence.
 * Every source is pre-encoded and shared; a tick copies one frame into one pooled packet and
 * allocates nothing.
 *
 * <p>Runs on the call's loop: the clock ticks it, the call's effects change what it plays.
 */
final class Playout implements MediaClock.Listener {

    /** How many mix frames may wait before older ones are skipped: bounds the added delay to 40 ms. */
    private static final int MIX_FRAMES_KEPT = 2;

    private enum Background { SILENCE, HOLD_MUSIC, MEETING }

    private final RtpSession rtp;
    private Codec codec;
    private final EncodedAudio holdMusic;
    private byte[] silence;
    /** The meeting's mix-minus for this caller, produced by the meeting's mixer. */
    private final EncodedFrameRing mix;
    /** Runs on the tick that plays the overlay's last frame. */
    private final Runnable overlayFinished;

    private final EncodedAudio[] overlay = new EncodedAudio[8];
    private int overlayCount;
    private int overlayIndex;
    private int overlayFrame;
    private Background background = Background.SILENCE;
    private int holdFrame;
    private boolean stopped;
    /** Told when the first meeting packet goes out after a lobby admission; null when nobody waits for it. */
    private io.confbridge.meeting.LobbyAdmission admission;

    Playout(RtpSession rtp, Codec codec, EncodedAudio holdMusic, EncodedFrameRing mix, Runnable overlayFinished) {
        this.rtp = rtp;
        this.codec = codec;
        this.holdMusic = holdMusic;
        this.silence = CallServices.silence(codec);
        this.mix = mix;
        this.overlayFinished = overlayFinished;
    }

    @Override
    public void tick(long nowNs) {
        if (stopped) {
            return;
        }
        if (admission != null && background == Background.MEETING) {
            admission.firstPacketSent(nowNs); // this tick's packet is the caller's first of the meeting
            admission = null;
        }
        if (overlayIndex < overlayCount) {
            EncodedAudio clip = overlay[overlayIndex];
            rtp.sendFrame(clip.payload(codec), overlayFrame * Codec.FRAME_SAMPLES, clip.frameLength(codec, overlayFrame));
            if (background == Background.MEETING && mix.peek(MIX_FRAMES_KEPT) >= 0) {
                mix.advance(); // the prompt speaks over the meeting: drop its mix rather than delay it
            }
            if (++overlayFrame >= clip.frames()) {
                overlayFrame = 0;
                if (++overlayIndex == overlayCount) {
                    overlayCount = 0;
                    overlayIndex = 0;
                    overlayFinished.run();
                }
            }
            return;
        }
        switch (background) {
            case HOLD_MUSIC -> {
                rtp.sendFrame(holdMusic.payload(codec), holdFrame * Codec.FRAME_SAMPLES,
                        holdMusic.frameLength(codec, holdFrame));
                holdFrame = (holdFrame + 1) % holdMusic.frames();
            }
            case MEETING -> {
                int at = mix.peek(MIX_FRAMES_KEPT);
                if (at >= 0) {
                    rtp.sendFrame(mix.frames(), at, mix.lengthAt(at));
                    mix.advance();
                } else {
                    rtp.sendFrame(silence, 0, codec.silenceFrameLength());
                }
            }
            case SILENCE -> rtp.sendFrame(silence, 0, codec.silenceFrameLength());
        }
    }

    /** Stops whatever is being spoken (barge-in, or before new prompts). */
    void clearOverlay() {
        overlayCount = 0;
        overlayIndex = 0;
        overlayFrame = 0;
    }

    /** Queues a clip after what is being spoken; empty clips and more than the queue holds are skipped. */
    void appendOverlay(EncodedAudio clip) {
        if (clip.frames() > 0 && overlayCount < overlay.length) {
            overlay[overlayCount++] = clip;
        }
    }

    /**
     * A re-INVITE switched the caller's codec: prompts and hold music are encoded in each codec already,
     * and mix frames the mixer encoded in the old one are dropped (one more may still be under way on
     * the meeting's loop: 20 ms at most in the old law).
     */
    void codec(Codec newCodec) {
        codec = newCodec;
        silence = CallServices.silence(newCodec);
        while (mix.peek(MIX_FRAMES_KEPT) >= 0) {
            mix.advance();
        }
    }

    void startHoldMusic() {
        background = Background.HOLD_MUSIC;
    }

    void stopHoldMusic() {
        if (background == Background.HOLD_MUSIC) {
            background = Background.SILENCE;
        }
    }

    /** From now on the background is the meeting's mix, after the join tone. */
    void connectToMeeting(EncodedAudio joinTone) {
        background = Background.MEETING;
        appendOverlay(joinTone);
        rtp.markTalkspurt();
        // The first meeting packet goes now, not at the next tick (up to 20 ms later): the marker bit
        // tells the phone a new talkspurt begins, so one packet ahead of the cadence is no gap.
        tick(System.nanoTime());
    }

    /** Who to tell when the first meeting packet has gone out (null: nobody). */
    void reportFirstMeetingPacket(io.confbridge.meeting.LobbyAdmission timing) {
        if (admission != null) {
            admission.gone();
        }
        admission = timing;
    }

    /** Whether the caller hears the meeting, and so speaks into it. */
    boolean inMeeting() {
        return background == Background.MEETING;
    }

    /** The call is closing: no more frames, even on a tick already under way. */
    void stop() {
        stopped = true;
        if (admission != null) {
            admission.gone();
            admission = null;
        }
    }
}
