package io.confbridge.call;

import io.confbridge.call.CallEffect.EnterMeeting;
import io.confbridge.call.CallEffect.HangUp;
import io.confbridge.call.CallEffect.LookUpConference;
import io.confbridge.call.CallEffect.PlayPrompts;
import io.confbridge.call.CallEffect.ScheduleTimer;
import io.confbridge.call.CallEffect.SetMuted;
import io.confbridge.call.CallEffect.VerifyPin;
import io.confbridge.call.CallEvent.ConferenceFound;
import io.confbridge.call.CallEvent.ConferenceNotFound;
import io.confbridge.call.CallEvent.PinChecked;
import io.confbridge.call.CallEvent.TimerFired;
import io.confbridge.meeting.LobbyAdmission;
import io.confbridge.meeting.Role;
import io.confbridge.mixer.ParticipantAudio;
import io.confbridge.pin.PinVault;
import io.confbridge.pin.PinAttemptSource;
import io.confbridge.prompt.EncodedAudio;
import io.confbridge.prompt.Prompt;
import io.confbridge.prompt.PromptLibrary;
import io.confbridge.store.MeetingRecord;
import io.confbridge.store.StoreException;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Carries out what the call's state machine asks for: what to play, the call's one timer, the
 * blocking look-ups (run on the worker pool, their answers posted back as events), the meeting seat
 * and hanging up. Runs on the call's loop.
 */
final class CallEffects {
    private static final Logger log = LoggerFactory.getLogger(CallEffects.class);

    private final Call call;
    private final NewCall info;
    private final CallServices services;
    private final CallSignalling signalling;
    private final EventLoop loop;
    private final Playout playout;
    private final MeetingSeat seat;
    private final ParticipantAudio audio;
    /** The prompt set of the dialled number's language, chosen once when the call arrives. */
    private final PromptLibrary prompts;
    private ScheduledFuture<?> timer;
    /** The organizer's record being read ahead while the PIN is typed, or null. */
    private PinVault.PreparedCheck preparedPin;
    /** When the last right PIN was typed and verified, for the meeting it starts; taken once. */
    private LobbyAdmission.PinTiming pinTiming;

    CallEffects(Call call, NewCall info, CallServices services, CallSignalling signalling, EventLoop loop,
                Playout playout, MeetingSeat seat, ParticipantAudio audio) {
        this.call = call;
        this.info = info;
        this.services = services;
        this.signalling = signalling;
        this.loop = loop;
        this.playout = playout;
        this.seat = seat;
        this.audio = audio;
        this.prompts = services.prompts().forDialled(info.requestUriUser());
    }

    /** One case per {@link CallEffect.Kind}: a new effect without a case here fails its first test. */
    void apply(CallEffect effect) {
        switch (effect.kind()) {
            case PLAY_PROMPTS -> {
                playout.clearOverlay();
                for (Prompt p : ((PlayPrompts) effect).prompts()) {
                    playout.appendOverlay(prompts.get(p));
                }
            }
            case STOP_PROMPTS -> playout.clearOverlay();
            case START_HOLD_MUSIC -> playout.startHoldMusic();
            case STOP_HOLD_MUSIC -> playout.stopHoldMusic();
            case CONNECT_TO_MEETING_AUDIO -> playout.connectToMeeting(services.joinTone());
            case SCHEDULE_TIMER -> {
                ScheduleTimer schedule = (ScheduleTimer) effect;
                cancelTimer();
                int token = schedule.token();
                timer = loop.schedule(() -> call.fire(new TimerFired(token)), schedule.delayMs(), TimeUnit.MILLISECONDS);
            }
            case CANCEL_TIMER -> cancelTimer();
            case LOOK_UP_CONFERENCE -> lookUp(((LookUpConference) effect).conferenceId());
            case VERIFY_PIN -> {
                VerifyPin verify = (VerifyPin) effect;
                verifyPin(verify.meeting(), verify.pin());
            }
            case ENTER_MEETING -> {
                EnterMeeting enter = (EnterMeeting) effect;
                LobbyAdmission.PinTiming pin = enter.role() == Role.ORGANIZER ? pinTiming : null;
                pinTiming = null;
                seat.enter(enter.meeting(), enter.role(), pin);
            }
            case LEAVE_MEETING -> seat.leave();
            case SET_MUTED -> audio.muted(((SetMuted) effect).muted());
            case ADMIT_LOBBY -> seat.admitLobby(info.callId());
            case HANG_UP -> {
                call.endReason(((HangUp) effect).reason());
                signalling.hangUp(((HangUp) effect).reason());
            }
            default -> throw new IllegalStateException("no case for effect " + effect.kind());
        }
    }

    /** A prompt in this call's language. */
    EncodedAudio prompt(Prompt prompt) {
        return prompts.get(prompt);
    }

    void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void lookUp(String conferenceId) {
        services.workers().execute(() -> {
            CallEvent result;
            try {
                Optional<MeetingRecord> found = services.store().findMeetingByConferenceId(conferenceId);
                result = found.<CallEvent>map(ConferenceFound::new).orElseGet(ConferenceNotFound::new);
                if (found.isEmpty()) {
                    // Scanners dial IDs at random: the signalling side counts these per source.
                    signalling.conferenceIdRejected();
                }
            } catch (StoreException e) {
                log.error("call {}: conference lookup failed", info.callId(), e);
                result = new ConferenceNotFound();
            }
            call.post(result);
        });
    }

    /**
     * The caller is about to type a PIN for this meeting's organizer: their record is read now, while
     * the digits come, so that the {@code #} waits for Argon2 only (issue 11 §5).
     */
    void preparePinCheck(MeetingRecord record) {
        if (record != null && (preparedPin == null || preparedPin.organizerId() != record.organizerId())) {
            preparedPin = services.pinVault().prepare(record.organizerId());
        }
    }

    private void verifyPin(MeetingRecord record, String pin) {
        long poundNs = System.nanoTime();
        // The source feeds the lockout counters: caller ID and signalling address, counted apart. Behind a
        // trusted proxy the "address" is the caller's identity, so one guesser does not slow everyone behind it.
        InetSocketAddress from = info.signallingSource();
        String address = info.sourceKey() != null ? info.sourceKey() : from == null ? null : from.getHostString();
        PinAttemptSource source = new PinAttemptSource(info.callerId(), address);
        PinVault.PreparedCheck prepared = preparedPin != null && preparedPin.organizerId() == record.organizerId()
                ? preparedPin : null;
        preparedPin = null; // read afresh for a next try: the record may have changed meanwhile
        CompletableFuture<Boolean> verdict = prepared != null
                ? services.pinVault().verify(prepared, pin, source)
                : services.pinVault().verify(record.organizerId(), pin, source);
        verdict.whenComplete((accepted, failure) -> {
            long verifiedNs = System.nanoTime();
            boolean busy = failure instanceof RejectedExecutionException
                    || (failure != null && failure.getCause() instanceof RejectedExecutionException);
            if (busy) {
                // limits.pinVerificationQueue is full: refused now, not queued behind a flood.
                log.warn("call {}: PIN not checked: the PIN verification queue is full", info.callId());
            } else if (failure != null) {
                log.error("call {}: PIN verification failed", info.callId(), failure);
            }
            boolean right = failure == null && Boolean.TRUE.equals(accepted);
            LobbyAdmission.PinTiming timing = right ? new LobbyAdmission.PinTiming(poundNs, verifiedNs) : null;
            try {
                loop.execute(() -> {
                    pinTiming = timing;
                    call.fire(new PinChecked(right, busy));
                });
            } catch (RejectedExecutionException shuttingDown) {
                log.debug("call {}: PIN verdict after the media loop stopped", info.callId());
            }
        });
    }
}
