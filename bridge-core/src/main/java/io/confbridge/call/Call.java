package io.confbridge.call;

import io.confbridge.call.CallEffect.EnterMeeting;
import io.confbridge.call.CallEffect.HangUp;
import io.confbridge.call.CallEffect.LookUpConference;
import io.confbridge.call.CallEffect.PlayPrompts;
import io.confbridge.call.CallEffect.ScheduleTimer;
import io.confbridge.call.CallEffect.VerifyPin;
import io.confbridge.call.CallEvent.Admitted;
import io.confbridge.call.CallEvent.CallAnswered;
import io.confbridge.call.CallEvent.ConferenceFound;
import io.confbridge.call.CallEvent.ConferenceNotFound;
import io.confbridge.call.CallEvent.DigitReceived;
import io.confbridge.call.CallEvent.EnteredLobby;
import io.confbridge.call.CallEvent.HungUp;
import io.confbridge.call.CallEvent.MeetingEnded;
import io.confbridge.call.CallEvent.PinChecked;
import io.confbridge.call.CallEvent.PromptsFinished;
import io.confbridge.call.CallEvent.TimerFired;
import io.confbridge.codec.Codec;
import io.confbridge.dtmf.DtmfKey;
import io.confbridge.dtmf.DtmfPath;
import io.confbridge.dtmf.InbandDtmfDetector;
import io.confbridge.dtmf.KeyPressMerger;
import io.confbridge.media.MediaClock;
import io.confbridge.meeting.Meeting;
import io.confbridge.meeting.MeetingMember;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.mixer.EncodedFrameRing;
import io.confbridge.mixer.ParticipantAudio;
import io.confbridge.pin.PinAttemptSource;
import io.confbridge.prompt.EncodedAudio;
import io.confbridge.prompt.Prompt;
import io.confbridge.prompt.PromptLibrary;
import io.confbridge.rtp.RtpSession;
import io.confbridge.store.MeetingRecord;
import io.confbridge.store.StoreException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One live dial-in call: its {@link CallStateMachine}, its RTP session and what it plays. Everything
 * here runs on the call's own media event loop; the SIP side, the workers (directory lookups, PIN
 * hashing) and the meeting reach it only by posting to that loop, so the call needs no locks.
 *
 * <p>What the caller hears each 20 ms tick: the current prompt or tone if any (the overlay), else the
 * background: hold music, the meeting's mix-minus, or silence. Every source is pre-encoded and shared;
 * a tick copies one frame into one pooled packet.
 */
public final class Call implements CallHandle, MediaClock.Listener, RtpSession.Receiver, MeetingMember {
    private static final Logger log = LoggerFactory.getLogger(Call.class);

    /** How many mix frames may wait before older ones are skipped: bounds the added delay to 40 ms. */
    private static final int MIX_FRAMES_KEPT = 2;

    private enum Background { SILENCE, HOLD_MUSIC, MEETING }

    private final NewCall info;
    private final CallSignalling signalling;
    private final CallServices services;
    private final MediaClock clock;
    private final EventLoop loop;
    private final RtpSession rtp;
    private final int rtpPort;
    private final CallStateMachine machine;
    private final ParticipantAudio audio;
    private final Codec codec;
    private final byte[] silence;
    /** One key press counts once, whichever of RFC 4733, SIP INFO or in-band tones carried it. */
    private final KeyPressMerger keys = new KeyPressMerger();
    /** Listens for DTMF tones in the caller's audio; null when RFC 4733 was negotiated and in-band is off. */
    private final InbandDtmfDetector inband;
    private final short[] decoded = new short[Codec.FRAME_SAMPLES];
    /** The prompt set of the dialled number's language, chosen once when the call arrives. */
    private final PromptLibrary prompts;

    private final EncodedAudio[] overlay = new EncodedAudio[8];
    private int overlayCount;
    private int overlayIndex;
    private int overlayFrame;
    private Background background = Background.SILENCE;
    private int holdFrame;

    private ScheduledFuture<?> timer;
    private Meeting meeting;
    private boolean dispatching;
    private boolean started;
    private boolean closed;

    private final CallFactory factory;

    Call(NewCall info, CallSignalling signalling, CallServices services, MediaClock clock,
         RtpSession rtp, int rtpPort, CallFactory factory) {
        this.factory = factory;
        this.info = info;
        this.signalling = signalling;
        this.services = services;
        this.clock = clock;
        this.loop = clock.loop();
        this.rtp = rtp;
        this.rtpPort = rtpPort;
        this.codec = info.codec();
        this.machine = new CallStateMachine(info.callId(), services.policy(), info.authenticatedOrganizerId());
        this.audio = new ParticipantAudio(codec);
        this.silence = CallServices.silence(codec);
        this.prompts = services.prompts().forDialled(info.requestUriUser());
        this.inband = info.telephoneEventPayloadType() < 0 || services.inbandDtmf() ? new InbandDtmfDetector() : null;
    }

    // ---- CallHandle: called from SIP threads, posted to the loop ----

    @Override
    public int localRtpPort() {
        return rtpPort;
    }

    @Override
    public void start() {
        loop.execute(() -> {
            if (closed || started) {
                return;
            }
            started = true;
            clock.addSender(this);
            fire(new CallAnswered(info.requestUriUser()));
        });
    }

    @Override
    public void remoteHungUp() {
        loop.execute(() -> {
            if (!closed) {
                fire(new HungUp());
                close(); // a call cancelled before it started never reaches ENDED through a tick
            }
        });
    }

    @Override
    public void updateMedia(InetSocketAddress remoteRtp, boolean sendAudio) {
        loop.execute(() -> {
            if (!closed) {
                rtp.update(remoteRtp, sendAudio);
            }
        });
    }

    @Override
    public void digitFromSignalling(char digit) {
        loop.execute(() -> onKey(digit, DtmfPath.SIP_INFO));
    }

    // ---- MeetingMember: called under the meeting's lock, posted to the loop ----

    @Override
    public ParticipantAudio audio() {
        return audio;
    }

    @Override
    public void admitted() {
        post(new Admitted());
    }

    @Override
    public void meetingEnded(boolean organizerLeft) {
        loop.execute(() -> {
            meeting = null; // the meeting already dropped us
            fire(new MeetingEnded(organizerLeft));
        });
    }

    @Override
    public void meetingFull() {
        loop.execute(() -> {
            meeting = null; // the meeting already dropped us
            fire(new CallEvent.MeetingFull());
        });
    }

    // ---- RtpSession.Receiver: on the loop ----

    @Override
    public void onDigit(char key) {
        onKey(key, DtmfPath.RFC4733);
    }

    private void onKey(char key, DtmfPath path) {
        if (!closed && started) {
            char press = keys.accept(key, path, System.nanoTime());
            if (press != DtmfKey.NONE) {
                fire(new DigitReceived(press));
            }
        }
    }

    @Override
    public void onAudio(int sequenceNumber, ByteBuf buf, int payloadOffset, int payloadLength) {
        if (inband != null) {
            int n = Math.min(payloadLength, Codec.FRAME_SAMPLES);
            for (int i = 0; i < n; i++) {
                decoded[i] = codec.decode(buf.getByte(payloadOffset + i));
            }
            for (int i = n; i < Codec.FRAME_SAMPLES; i++) {
                decoded[i] = 0;
            }
            char key = inband.onFrame(decoded, 0);
            if (key != DtmfKey.NONE) {
                onKey(key, DtmfPath.INBAND);
            }
        }
        if (background == Background.MEETING) {
            audio.input().put(sequenceNumber, buf, payloadOffset, payloadLength, codec);
        }
    }

    // ---- MediaClock.Listener: every 20 ms on the loop ----

    @Override
    public void tick(long nowNs) {
        if (closed) {
            return;
        }
        EncodedFrameRing mix = audio.output();
        if (overlayIndex < overlayCount) {
            EncodedAudio clip = overlay[overlayIndex];
            rtp.sendFrame(clip.payload(codec), overlayFrame * Codec.FRAME_SAMPLES);
            if (background == Background.MEETING && mix.peek(MIX_FRAMES_KEPT) >= 0) {
                mix.advance(); // the prompt speaks over the meeting: drop its mix rather than delay it
            }
            if (++overlayFrame >= clip.frames()) {
                overlayFrame = 0;
                if (++overlayIndex == overlayCount) {
                    overlayCount = 0;
                    overlayIndex = 0;
                    fire(new PromptsFinished());
                }
            }
            return;
        }
        switch (background) {
            case HOLD_MUSIC -> {
                EncodedAudio music = services.holdMusic();
                rtp.sendFrame(music.payload(codec), holdFrame * Codec.FRAME_SAMPLES);
                holdFrame = (holdFrame + 1) % music.frames();
            }
            case MEETING -> {
                int at = mix.peek(MIX_FRAMES_KEPT);
                if (at >= 0) {
                    rtp.sendFrame(mix.frames(), at);
                    mix.advance();
                } else {
                    rtp.sendFrame(silence, 0);
                }
            }
            case SILENCE -> rtp.sendFrame(silence, 0);
        }
    }

    // ---- the state machine and its effects ----

    private void post(CallEvent event) {
        loop.execute(() -> fire(event));
    }

    private void fire(CallEvent event) {
        if (closed) {
            return;
        }
        if (dispatching) {
            post(event); // an effect produced an event: handle it after the current one
            return;
        }
        dispatching = true;
        try {
            List<CallEffect> effects = machine.handle(event, System.nanoTime());
            for (int i = 0; i < effects.size(); i++) {
                apply(effects.get(i));
            }
        } catch (RuntimeException e) {
            // One broken call must not take the loop down: end this call and go on.
            log.error("call {}: failed handling {} in {}", info.callId(), event, machine.state(), e);
            signalling.hangUp("internal error");
            close();
        } finally {
            dispatching = false;
        }
        if (machine.state() == CallState.ENDED) {
            close();
        }
    }

    private void apply(CallEffect effect) {
        // Java 17: no pattern switch yet, so an instanceof chain over the sealed effects.
        if (effect instanceof PlayPrompts play) {
            clearOverlay();
            for (Prompt p : play.prompts()) {
                appendOverlay(prompts.get(p));
            }
        } else if (effect instanceof CallEffect.StopPrompts) {
            clearOverlay();
        } else if (effect instanceof CallEffect.StartHoldMusic) {
            background = Background.HOLD_MUSIC;
        } else if (effect instanceof CallEffect.StopHoldMusic) {
            if (background == Background.HOLD_MUSIC) {
                background = Background.SILENCE;
            }
        } else if (effect instanceof CallEffect.ConnectToMeetingAudio) {
            background = Background.MEETING;
            appendOverlay(services.joinTone());
            rtp.markTalkspurt();
        } else if (effect instanceof ScheduleTimer schedule) {
            cancelTimer();
            int token = schedule.token();
            timer = loop.schedule(() -> fire(new TimerFired(token)), schedule.delayMs(), TimeUnit.MILLISECONDS);
        } else if (effect instanceof CallEffect.CancelTimer) {
            cancelTimer();
        } else if (effect instanceof LookUpConference lookUp) {
            lookUp(lookUp.conferenceId());
        } else if (effect instanceof VerifyPin verify) {
            verifyPin(verify.meeting(), verify.pin());
        } else if (effect instanceof EnterMeeting enter) {
            enterMeeting(enter);
        } else if (effect instanceof CallEffect.LeaveMeeting) {
            leaveMeeting();
        } else if (effect instanceof CallEffect.SetMuted mute) {
            audio.muted(mute.muted());
        } else if (effect instanceof CallEffect.AdmitLobby) {
            if (meeting != null) {
                int admitted = meeting.admitLobby();
                log.info("call {}: organizer admitted {} from the lobby", info.callId(), admitted);
            }
        } else if (effect instanceof HangUp hangUp) {
            signalling.hangUp(hangUp.reason());
        } else {
            throw new IllegalStateException("unhandled effect " + effect + " in " + machine.state());
        }
    }

    private void clearOverlay() {
        overlayCount = 0;
        overlayIndex = 0;
        overlayFrame = 0;
    }

    private void appendOverlay(EncodedAudio clip) {
        if (clip.frames() > 0 && overlayCount < overlay.length) {
            overlay[overlayCount++] = clip;
        }
    }

    private void lookUp(String conferenceId) {
        services.workers().execute(() -> {
            CallEvent result;
            try {
                Optional<MeetingRecord> found = services.store().findMeetingByConferenceId(conferenceId);
                result = found.<CallEvent>map(ConferenceFound::new).orElseGet(ConferenceNotFound::new);
            } catch (StoreException e) {
                log.error("call {}: conference lookup failed", info.callId(), e);
                result = new ConferenceNotFound();
            }
            post(result);
        });
    }

    private void verifyPin(MeetingRecord record, String pin) {
        // The source feeds the lockout counters: caller ID and signalling address, counted apart.
        InetSocketAddress from = info.signallingSource();
        PinAttemptSource source = new PinAttemptSource(info.callerId(), from == null ? null : from.getHostString());
        services.pinVault().verify(record.organizerId(), pin, source).whenComplete((accepted, failure) -> {
            if (failure != null) {
                log.error("call {}: PIN verification failed", info.callId(), failure);
            }
            post(new PinChecked(failure == null && Boolean.TRUE.equals(accepted)));
        });
    }

    private void enterMeeting(EnterMeeting enter) {
        MeetingRegistry.Placement placement = services.meetings().enter(enter.meeting(), this, enter.role());
        Meeting.Entry entry = placement.entry();
        meeting = entry == Meeting.Entry.FULL ? null : placement.meeting();
        post(switch (entry) {
            case LOBBY -> new EnteredLobby(false);
            case HELD_FOR_ADMISSION -> new EnteredLobby(true);
            case FULL -> new CallEvent.MeetingFull();
            case ADMITTED, OVER -> new Admitted(); // OVER never leaves the registry
        });
    }

    private void leaveMeeting() {
        if (meeting != null) {
            meeting.leave(this);
            meeting = null;
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Releases everything this call holds; idempotent. */
    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        cancelTimer();
        leaveMeeting();
        if (started) {
            clock.removeSender(this);
        }
        rtp.close();
        factory.callEnded(this, rtpPort);
        log.debug("call {} closed: {} RTP packets in, {} out, {} foreign dropped", info.callId(),
                rtp.packetsReceived(), rtp.packetsSent(), rtp.foreignDropped());
    }

    /** The caller's state, for diagnostics. */
    public CallState state() {
        return machine.state();
    }

    public String callId() {
        return info.callId();
    }

    @Override
    public String toString() {
        return "Call[" + info.callId() + ", " + machine.state() + "]";
    }
}
