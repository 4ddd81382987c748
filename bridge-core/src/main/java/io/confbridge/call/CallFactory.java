package io.confbridge.call;

import io.confbridge.media.MediaClock;
import io.confbridge.media.MediaEngine;
import io.confbridge.media.PortPairBinder;
import io.confbridge.metrics.BridgeMetrics;
import io.confbridge.rtp.RtcpSession;
import io.confbridge.rtp.RtpPortAllocator;
import io.confbridge.rtp.RtpSession;
import io.confbridge.rtp.SrtpStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Makes the core's side of inbound calls for the signalling side: picks a media loop, binds an
 * RTP/RTCP port pair from the configured range there, and creates the {@link Call} with its
 * {@link RtpSession} and {@link RtcpSession}. Keeps the set of
 * live calls for shutdown. Nothing here blocks the calling (SIP) thread.
 */
public final class CallFactory implements CallAcceptor {
    private static final Logger log = LoggerFactory.getLogger(CallFactory.class);
    /** Ports come free as calls end; a caller refused for want of one may try again this soon. */
    static final int NO_PORT_RETRY_AFTER_S = 10;

    private final MediaEngine engine;
    private final PortPairBinder portPairs;
    private final boolean latching;
    private final CallServices services;
    private final Set<Call> live = ConcurrentHashMap.newKeySet();
    private volatile boolean accepting = true;
    /** Retry-After of the 503 that new INVITEs get once the factory stopped accepting; 0 for none. */
    private volatile int stoppedRetryAfterS;
    /** See {@link #holdNewCallsWhile}. */
    private volatile IntSupplier held = () -> -1;
    private final CompletableFuture<Void> idleAfterStop = new CompletableFuture<>();
    private volatile BridgeMetrics metrics = BridgeMetrics.disabled();

    public CallFactory(MediaEngine engine, RtpPortAllocator ports, InetAddress rtpBindAddress,
                       boolean latching, CallServices services) {
        this.engine = engine;
        this.portPairs = new PortPairBinder(engine, ports, rtpBindAddress);
        this.latching = latching;
        this.services = services;
    }

    @Override
    public CompletableFuture<CallHandle> accept(NewCall call, CallSignalling signalling) {
        // The same rule as OPTIONS answers by: a draining factory, or a hold (a cluster node cut off).
        int retryAfterS = refusingNewCalls();
        if (retryAfterS >= 0) {
            metrics.callEnded(BridgeMetrics.CallOutcome.REJECTED);
            String reason = accepting ? "not ready" : "shutting down";
            return CompletableFuture.failedFuture(retryAfterS > 0
                    ? new CallRejectedException(503, reason, retryAfterS)
                    : new CallRejectedException(503, reason));
        }
        MediaClock clock = engine.nextClock();
        RtpSession session = new RtpSession(call.codec(), call.audioPayloadType(),
                call.telephoneEventPayloadType(), call.remoteRtp(), call.sendAudio(), latching);
        session.packetTime(call.packetTimeMs());
        RtcpSession rtcp = new RtcpSession(call.remoteRtp(), call.remoteRtcp(), call.rtcpMux(), call.audioPayloadType(),
                call.codec().clockRate());
        return portPairs.bind(clock.loop(), session.handler(), rtcp.rtcpHandler())
                .<CallHandle>handle((pair, failure) -> {
                    if (failure != null) {
                        metrics.callEnded(BridgeMetrics.CallOutcome.REJECTED);
                        throw refusal(call, failure);
                    }
                    try {
                        Call created = new Call(call, signalling, services, clock, session, rtcp, pair.rtpPort(), this);
                        session.reportWith(rtcp);
                        SrtpStream srtp = new SrtpStream(pair.rtp(), pair.rtcp());
                        srtp.rekey(call.srtp()); // at the head of the pipeline: the session (and through it RTCP) sees plain RTP
                        created.srtp(srtp);
                        session.allowConnectedTwin(!srtp.active());
                        session.attach(pair.rtp(), pair.rtcp(), created.callerMedia());
                        rtcp.start(pair.rtp(), pair.rtcp(), session::confirmed);
                        live.add(created);
                        return created;
                    } catch (RuntimeException e) {
                        pair.rtp().close();
                        pair.rtcp().close();
                        portPairs.release(pair.rtpPort());
                        throw e;
                    }
                });
    }

    private static CompletionException refusal(NewCall call, Throwable failure) {
        if (failure instanceof PortPairBinder.NoFreePortException) {
            log.warn("call {} refused: {}", call.callId(), failure.getMessage());
            return new CompletionException(
                    new CallRejectedException(503, "no RTP port free", NO_PORT_RETRY_AFTER_S));
        }
        return failure instanceof CompletionException c ? c : new CompletionException(failure);
    }

    /** Where calls count themselves; set before the first call. */
    public void metrics(BridgeMetrics metrics) {
        this.metrics = metrics;
    }

    BridgeMetrics metrics() {
        return metrics;
    }

    /** Live calls now. */
    public int liveCalls() {
        return live.size();
    }

    @Override
    public int refusingNewCalls() {
        if (!accepting) {
            return stoppedRetryAfterS;
        }
        return held.getAsInt();
    }

    /**
     * Another reason to take no new calls for now, asked at each INVITE and out-of-dialog OPTIONS: the
     * Retry-After in seconds (0 for none) while it holds, -1 otherwise. A cluster node cut off from the
     * database holds (issue 12). Calls in progress are not touched. Must be cheap: a SIP thread asks.
     */
    public void holdNewCallsWhile(IntSupplier retryAfterS) {
        this.held = retryAfterS;
    }

    /** Stops taking calls (new INVITEs get 503). */
    public void stopAccepting() {
        accepting = false;
        completeIfIdle();
    }

    /** Stops taking calls: new INVITEs get 503 with {@code Retry-After: retryAfterS} (a draining bridge). */
    public void stopAccepting(int retryAfterS) {
        stoppedRetryAfterS = retryAfterS;
        stopAccepting();
    }

    /** Completes once the factory stopped accepting and the last live call ended. */
    public CompletableFuture<Void> idleAfterStop() {
        return idleAfterStop;
    }

    /** Every live call hears the closing prompt and gets a BYE (the end of a drain). */
    public void endAllForShutdown() {
        for (Call call : live) {
            call.endForShutdown();
        }
    }

    void callEnded(Call call, int port) {
        live.remove(call);
        portPairs.release(port);
        completeIfIdle();
    }

    private void completeIfIdle() {
        if (!accepting && live.isEmpty()) {
            idleAfterStop.complete(null);
        }
    }
}
