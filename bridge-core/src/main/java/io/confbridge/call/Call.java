package io.confbridge.call;

import io.confbridge.call.CallEvent.CallAnswered;
import io.confbridge.call.CallEvent.DigitReceived;
import io.confbridge.call.CallEvent.HungUp;
import io.confbridge.call.CallEvent.PromptsFinished;
import io.confbridge.dtmf.DtmfKey;
import io.confbridge.dtmf.DtmfReceiver;
import io.confbridge.media.MediaClock;
import io.confbridge.metrics.BridgeMetrics;
import io.confbridge.mixer.ParticipantAudio;
import io.confbridge.prompt.EncodedAudio;
import io.confbridge.prompt.Prompt;
import io.confbridge.store.MeetingRecord;
import io.confbridge.rtp.RtcpSession;
import io.confbridge.rtp.RtpSession;
import io.confbridge.rtp.SrtpStream;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One live dial-in call: it owns the call's {@link CallStateMachine} and runs it on the call's own
 * media event loop. Everything that happens to the call becomes a {@link CallEvent} handled there, one
 * at a time; the effects the machine answers are carried out by {@link CallEffects}. The SIP side, the
 * workers (directory look-ups, PIN hashing) and the meeting reach the call only by posting to that
 * loop, so the call needs no locks.
 *
 * <p>Its parts, each with one job: {@link Playout} (what the caller hears each tick),
 * {@link CallerMedia} (what the caller sends), {@link DtmfReceiver} (key presses from every path),
 * {@link MeetingSeat} (the call in its meeting) and {@link CallEffects}.
 */
final class Call implements CallHandle, BridgeMetrics.RtpCounts {
    private static final Logger log = LoggerFactory.getLogger(Call.class);
    /** Time after the closing prompt for its last packets to arrive before the BYE. */
    private static final long BYE_AFTER_PROMPT_MARGIN_MS = 300;
    private static final String END_REASON_UNKNOWN = "ended";
    private static final String END_REASON_CALLER = "caller hung up";

    private final NewCall info;
    private final CallSignalling signalling;
    private final MediaClock clock;
    private final EventLoop loop;
    private final RtpSession rtp;
    private final RtcpSession rtcp;
    private final int rtpPort;
    
    private final CallStateMachine machine;
    private final DtmfReceiver keys;
    private final Playout playout;
    private final MeetingSeat seat;
    private final CallerMedia callerMedia;
    private final CallEffects effects;
    private final ParticipantAudio audio;
    /** In-band tones are listened for everywhere, not only when no RFC 4733 was negotiated. */
    private final boolean inbandDtmf;
    /** Null when {@code rtp.inactivityTimeoutMs} is 0. */
    private final MediaWatchdog watchdog;

    private boolean dispatching;
    private boolean started;
    private boolean closed;
    /** The bridge is ending the call (shutdown, a banned source): the closing prompt, then BYE; no other event counts. */
    private boolean endingByBridge;
    private final BridgeMetrics metrics;
    /** The stage counted in {@code confbridge_calls_active}, null before the start and after the end. */
    private BridgeMetrics.Stage stage;
    private BridgeMetrics.CallOutcome outcome = BridgeMetrics.CallOutcome.COMPLETED;
    /** For the summary line at hang-up. */
    private long startedNs;
    private final StringBuilder stagesVisited = new StringBuilder();
    private String endReason = END_REASON_UNKNOWN;

    private final CallFactory factory;
    /** SRTP of the call, keyed or not; set once by the factory before the call is used. */
    private SrtpStream srtp;

    /** The caller ID (the SIP From user), or "" if anonymous; immutable, so any thread may read it. */
    String callerId() {
        return info.callerId();
    }

    Call(NewCall info, CallSignalling signalling, CallServices services, MediaClock clock,
         RtpSession rtp, RtcpSession rtcp, int rtpPort, CallFactory factory) {
        this.factory = factory;
        this.metrics = factory.metrics();
        this.info = info;
        this.signalling = signalling;
        this.clock = clock;
        this.loop = clock.loop();
        this.rtp = rtp;
        this.rtcp = rtcp;
        this.rtpPort = rtpPort;
        this.machine = new CallStateMachine(info.callId(), services.policy(), info.authenticatedOrganizerId());
        this.inbandDtmf = services.inbandDtmf();
        this.audio = new ParticipantAudio(info.codec());
        audio.maxPlaybackRate(info.maxPlaybackRate());
        // In-band tones are listened for when no RFC 4733 was negotiated, or everywhere if configured.
        this.keys = new DtmfReceiver(info.codec(), info.telephoneEventPayloadType() < 0 || inbandDtmf);
        this.playout = new Playout(rtp, info.codec(), services.holdMusic(), audio.output(),
                () -> fire(new PromptsFinished()));
        this.seat = new MeetingSeat(this, loop, services.meetings(), audio);
        this.callerMedia = new CallerMedia(this, keys, playout, audio, rtcp.reception());
        this.effects = new CallEffects(this, info, services, signalling, loop, playout, seat, audio);
        this.watchdog = services.inactivityTimeoutMs() > 0
                ? new MediaWatchdog(services.inactivityTimeoutMs(), this::packetsHeard, this::silentTooLong) : null;
    }

    /** Where the RTP session delivers what the caller sends. */
    RtpSession.Receiver callerMedia() {
        return callerMedia;
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
            startedNs = System.nanoTime();
            metrics.rtpStarted(this);
            countStage();
            keys.startCounting();
            clock.addSender(playout);
            if (watchdog != null) {
                watchdog.start(loop, System.nanoTime());
            }
            fire(new CallAnswered(info.requestUriUser()));
        });
    }

    @Override
    public void confirmed() {
        loop.execute(() -> {
            if (!closed) {
                rtp.confirm();
            }
        });
    }

    @Override
    public void remoteHungUp() {
        loop.execute(() -> {
            if (!closed) {
                endReason(END_REASON_CALLER); // unless the bridge hung up first and this is the SIP side's echo
                fire(new HungUp());
                close(); // a call cancelled before it started never reaches ENDED through a tick
            }
        });
    }

    @Override
    public void updateMedia(NegotiatedMedia media) {
        loop.execute(() -> {
            if (closed) {
                return;
            }
            if (media.codec() != rtp.codec() || media.audioPayloadType() != rtp.audioPayloadType()
                    || media.telephoneEventPayloadType() != rtp.telephoneEventPayloadType()) {
                // Every part that encodes or decodes for this caller follows, on this loop, before the
                // next tick or packet (the meeting's mixer reads the participant's codec on its next tick).
                rtp.changePayloadTypes(media.codec(), media.audioPayloadType(), media.telephoneEventPayloadType());
                playout.codec(media.codec());
                audio.codec(media.codec());
                keys.media(media.codec(), media.telephoneEventPayloadType() < 0 || inbandDtmf);
                log.info("call {}: codec now {} pt {} te {}", info.callId(), media.codec(),
                        media.audioPayloadType(), media.telephoneEventPayloadType());
            }
            audio.maxPlaybackRate(media.maxPlaybackRate());
            if (media.packetTimeMs() != rtp.packetTimeMs()) {
                rtp.packetTime(media.packetTimeMs());
                log.info("call {}: sending {} ms packets", info.callId(), media.codec().sentPacketTimeMs(media.packetTimeMs()));
            }
            if (srtp != null && !java.util.Objects.equals(media.srtp(), srtp.keys())) {
                srtp.rekey(media.srtp()); // before the new remote: its first packet is already protected
                rtp.allowConnectedTwin(!srtp.active());
                log.info("call {}: {}", info.callId(), media.srtp() == null ? "SRTP off" : "SRTP keys now " + media.srtp());
            }
            rtp.update(media.remoteRtp(), media.sendAudio());
            rtcp.update(media.remoteRtp());
        });
    }

    @Override
    public void digitFromSignalling(char digit) {
        loop.execute(() -> keyPressed(keys.signalled(digit, System.nanoTime())));
    }

    // ---- on the loop ----

    /** A key press from any path, {@link DtmfKey#NONE} when there was none (or it was a repeat). */
    void keyPressed(char press) {
        if (press != DtmfKey.NONE && started) {
            fire(new DigitReceived(press));
        }
    }

    /**
     * The meeting let this call in, on this loop, within its one pass over the lobby: the caller hears
     * the meeting now, and its first meeting packet is reported to {@code timing} (may be null).
     */
    void admittedNow(io.confbridge.meeting.LobbyAdmission timing) {
        if (closed) {
            if (timing != null) {
                timing.gone();
            }
            return;
        }
        playout.reportFirstMeetingPacket(timing);
        fire(new CallEvent.Admitted());
    }

    /** Hands an event to the call from any thread. */
    void post(CallEvent event) {
        loop.execute(() -> fire(event));
    }

    /** Handles an event now; on the loop only. */
    void fire(CallEvent event) {
        if (closed || (endingByBridge && !(event instanceof HungUp))) {
            return;
        }
        if (dispatching) {
            post(event); // an effect produced an event: handle it after the current one
            return;
        }
        dispatching = true;
        putMdc();
        try {
            CallState before = machine.state();
            List<CallEffect> next = machine.handle(event, System.nanoTime());
            for (int i = 0; i < next.size(); i++) {
                effects.apply(next.get(i));
            }
            if (before != machine.state() && collectingPin(machine.state()) && !collectingPin(before)) {
                // The organizer starts typing a PIN: read their record now, not after the # (issue 11 §5).
                effects.preparePinCheck(machine.meeting());
            }
        } catch (RuntimeException e) {
            // One broken call must not take the loop down: end this call and go on.
            log.error("call {}: failed handling {} in {}", info.callId(), event, machine.state(), e);
            outcome = BridgeMetrics.CallOutcome.FAILED;
            endReason = "internal error";
            signalling.hangUp("internal error");
            close();
        } finally {
            dispatching = false;
        }
        if (machine.state() == CallState.ENDED) {
            close();
        } else if (started) {
            countStage();
        }
        clearMdc();
    }

    /**
     * The drain time of a stopping bridge passed: the caller hears {@link Prompt#MEETING_ENDING}, then
     * gets a BYE. From any thread.
     */
    void endForShutdown() {
        endSaying(Prompt.MEETING_ENDING, "bridge shutting down");
    }

    @Override
    public void goodbye(String reason) {
        endSaying(Prompt.GOODBYE, reason);
    }

    /**
     * The bridge ends the call whatever stage it is in: it leaves its meeting or lobby at once, the caller
     * hears {@code prompt}, then gets a BYE. From any thread; the first such end wins.
     */
    private void endSaying(Prompt prompt, String reason) {
        loop.execute(() -> {
            if (closed || endingByBridge) {
                return;
            }
            endingByBridge = true;
            effects.cancelTimer();
            seat.leave();
            playout.clearOverlay();
            playout.stopHoldMusic();
            EncodedAudio closing = effects.prompt(prompt);
            playout.appendOverlay(closing);
            long sayMs = (long) closing.frames() * MediaClock.TICK_NS / 1_000_000 + BYE_AFTER_PROMPT_MARGIN_MS;
            loop.schedule(() -> {
                if (!closed) {
                    endReason = reason;
                    log.info("call {}: ended by the bridge ({}) in {}", info.callId(), reason, machine.state());
                    signalling.hangUp(reason);
                    fire(new HungUp());
                    close();
                }
            }, sayMs, TimeUnit.MILLISECONDS);
        });
    }

    /** The caller sent no RTP nor RTCP for {@code rtp.inactivityTimeoutMs}: BYE, and the call ends as if hung up. */
    private void silentTooLong(long silentMs) {
        if (closed) {
            return;
        }
        log.info("call {}: no RTP or RTCP from the caller for {} ms (rtp.inactivityTimeoutMs), ending it in {}",
                info.callId(), silentMs, machine.state());
        endReason = "no media for " + silentMs + " ms";
        signalling.hangUp("no media for " + silentMs + " ms");
        fire(new HungUp());
        close();
    }

    /** Releases everything this call holds; idempotent. */
    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (watchdog != null) {
            watchdog.stop();
        }
        effects.cancelTimer();
        seat.leave();
        playout.stop();
        if (started) {
            clock.removeSender(playout);
        }
        rtcp.close();
        rtp.close();
        if (started) {
            metrics.stageChanged(stage, null);
            stage = null;
            metrics.rtpEnded(this);
            double jitterS = rtcp.reception().jitter() / (double) rtcp.reception().clockRate();
            metrics.jitter(jitterS);
            metrics.callEnded(outcome);
            logSummary(jitterS);
        }
        factory.callEnded(this, rtpPort);
        log.debug("call {} closed: {} RTP packets in, {} out, {} foreign and {} malformed dropped; {}; {}", info.callId(),
                rtp.packetsReceived(), rtp.packetsSent(), rtp.foreignDropped(), rtp.malformedDropped(),
                rtcp.summary(), srtp == null ? "SRTP off" : srtp.summary());
    }

    /** Set once by the factory, on the loop, before the call receives media. */
    void srtp(SrtpStream stream) {
        this.srtp = stream;
    }

    /** The call's SRTP, for its drop counters; null only before the factory set it. */
    SrtpStream srtp() {
        return srtp;
    }

    /**
     * The one line per call at hang-up (issue 10 §6): duration, stages, codec, packets, loss, jitter and
     * why it ended, also as key-value pairs for the JSON log.
     */
    private void logSummary(double jitterS) {
        long durationMs = (System.nanoTime() - startedNs) / 1_000_000;
        long lost = lost();
        // What the caller's RTCP said of the bridge's stream (issue 8 §5): -1 for what it never told.
        int fraction = rtcp.peerFractionLost();
        long callerLossPercent = fraction < 0 ? -1 : fraction * 100L / 256;
        String callerView = fraction < 0 ? "no report from the caller"
                : "caller sees loss " + callerLossPercent + "% jitter " + rtcp.peerJitterMs() + " ms, rtt "
                + (rtcp.rttMs() < 0 ? "?" : rtcp.rttMs() + " ms");
        putMdc();
        log.atInfo()
                .addKeyValue("durationMs", durationMs)
                .addKeyValue("stages", stagesVisited.toString())
                .addKeyValue("codec", rtp.codec().name())
                .addKeyValue("packetsIn", rtp.packetsReceived())
                .addKeyValue("packetsOut", rtp.packetsSent())
                .addKeyValue("packetsLost", lost)
                .addKeyValue("jitterMs", jitterS * 1000)
                .addKeyValue("callerLossPercent", callerLossPercent)
                .addKeyValue("callerJitterMs", rtcp.peerJitterMs())
                .addKeyValue("rttMs", rtcp.rttMs())
                .addKeyValue("endReason", endReason)
                .addKeyValue("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                .log("call summary: {} ms, stages {}, {}, packets in {} out {} lost {}, jitter {} ms, {}, ended: {}",
                        durationMs, stagesVisited, rtp.codec(), rtp.packetsReceived(), rtp.packetsSent(), lost,
                        String.format(java.util.Locale.ROOT, "%.1f", jitterS * 1000), callerView, endReason);
        clearMdc();
    }

    /** Why the call ended, for the summary line; the first reason given stays. */
    void endReason(String reason) {
        if (reason != null && END_REASON_UNKNOWN.equals(endReason)) {
            endReason = reason;
        }
    }

    /** The call's fields on every log line while this thread works for it (issue 10 §6). */
    private void putMdc() {
        MDC.put("callId", info.callId());
        MDC.put("stage", machine.state().name());
        MeetingRecord meeting = machine.meeting();
        if (meeting != null) {
            MDC.put("conferenceId", meeting.conferenceId());
        }
    }

    private static void clearMdc() {
        MDC.remove("callId");
        MDC.remove("stage");
        MDC.remove("conferenceId");
    }

    /** Moves this call's count in {@code confbridge_calls_active} to its current stage. On the loop only. */
    private void countStage() {
        BridgeMetrics.Stage now = stageOf(machine.state());
        if (now != stage && now != null) {
            if (!stagesVisited.isEmpty()) {
                stagesVisited.append('>');
            }
            stagesVisited.append(now.name().toLowerCase(java.util.Locale.ROOT));
        }
        metrics.stageChanged(stage, now);
        stage = now;
    }

    private static boolean collectingPin(CallState state) {
        return state == CallState.COLLECTING_PIN || state == CallState.LOBBY_COLLECTING_PIN;
    }

    static BridgeMetrics.Stage stageOf(CallState state) {
        return switch (state) {
            case IN_LOBBY, LOBBY_COLLECTING_PIN, LOBBY_VERIFYING_PIN -> BridgeMetrics.Stage.LOBBY;
            case IN_MEETING -> BridgeMetrics.Stage.MEETING;
            case ENDED -> null;
            default -> BridgeMetrics.Stage.IVR;
        };
    }

    // ---- BridgeMetrics.RtpCounts: plain reads, from the scraping thread too ----

    @Override
    public long packetsIn() {
        return rtp.packetsReceived();
    }

    @Override
    public long packetsOut() {
        return rtp.packetsSent();
    }

    @Override
    public long dropped(BridgeMetrics.DropReason reason) {
        return switch (reason) {
            case FOREIGN_SOURCE -> rtp.foreignDropped();
            case MALFORMED -> rtp.malformedDropped();
            case SRTP_AUTH -> srtp == null ? 0 : srtp.authDropped();
            case REPLAY -> srtp == null ? 0 : srtp.replayDropped();
        };
    }

    @Override
    public long jitterBufferLate() {
        return audio.jitterBufferLatePackets();
    }

    @Override
    public int jitterBufferDepthMs() {
        return playout.inMeeting() ? audio.jitterBufferDepthMs() : -1; // a racy read is fine for a gauge
    }

    @Override
    public long lost() {
        return Math.max(0, rtcp.reception().cumulativeLost());
    }

    /** RTP accepted and RTCP received from the caller: what shows it is still there. On the loop only. */
    private long packetsHeard() {
        return rtp.packetsReceived() + rtcp.reportsReceived() + rtcp.malformedDropped();
    }

    /**
     * When the caller's last valid RTCP arrived ({@code System.nanoTime()} scale), 0 if none yet: RTCP
     * counts as liveness for the media inactivity watchdog. On the loop only.
     */
    long lastRtcpReceivedNs() {
        return rtcp.lastRtcpReceivedNs();
    }

    /** The caller's state, for diagnostics. */
    CallState state() {
        return machine.state();
    }

    String callId() {
        return info.callId();
    }

    @Override
    public String toString() {
        return "Call[" + info.callId() + ", " + machine.state() + "]";
    }
}
