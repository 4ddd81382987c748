package io.confbridge.sip;

import gov.nist.javax.sip.DialogTimeoutEvent;
import gov.nist.javax.sip.SipListenerExt;
import gov.nist.javax.sip.message.SIPRequest;
import io.confbridge.call.CallAcceptor;
import io.confbridge.call.CallHandle;
import io.confbridge.call.CallRejectedException;
import io.confbridge.call.NewCall;
import io.confbridge.call.NegotiatedMedia;
import io.confbridge.codec.Codec;
import io.confbridge.config.BridgeConfig;
import io.confbridge.sip.logging.NioHandlerUnlock;
import io.confbridge.sip.sdp.AudioOffer;
import io.confbridge.sip.sdp.BridgeOffer;
import io.confbridge.sip.sdp.RtcpOffer;
import io.confbridge.sip.sdp.SdesCrypto;
import io.confbridge.sip.sdp.SdpOffer;
import io.confbridge.sip.sdp.SdpParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.TransactionUnavailableException;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.RequireHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The jain-sip listener: turns requests into core calls and answers them. Runs on jain-sip threads,
 * concurrently ({@code REENTRANT_LISTENER}), so it does only quick work; the core posts to its own
 * loops. Every callback catches at its boundary: one bad request never escapes into the stack.
 */
final class SipEventRouter implements SipListenerExt {

    private static final Logger log = LoggerFactory.getLogger(SipEventRouter.class);

    private static final String SDP = "application/sdp";
    private static final int WARNING_INCOMPATIBLE_MEDIA = 305;
    /** RFC 4028 §6. */
    private static final int SESSION_INTERVAL_TOO_SMALL = 422;

    private final CallAcceptor acceptor;
    private final SipProvider provider;
    private final SipMessaging sip;
    /** Sends what follows the core's decision and runs the answer delay; never a media loop. */
    private final ScheduledExecutorService setup;
    private final long answerDelayMs;
    /** Null when the bridge has no SIP accounts: nobody is challenged and REGISTER gets 405. */
    private final SipAuthenticator authenticator;
    private final Map<String, SipCall> calls = new ConcurrentHashMap<>();
    /** The codecs calls may use, best first ({@code rtp.codecs}); set once before the listener is added. */
    private volatile List<Codec> codecs = List.of(Codec.values());
    /** What the bridge offers to a caller that sent no offer: {@link #codecs}, in that order. */
    private volatile BridgeOffer ourOffer = BridgeOffer.allCodecs();
    /** Null when {@code sip.keepaliveIntervalMs} is 0. */
    private final Keepalive keepalive;
    private final SessionTimer sessionTimer;
    /** rtp.srtp and rtp.srtpOverInsecureSignalling; set once before the listener is added. */
    private volatile BridgeConfig.SipConfig.Srtp srtp = BridgeConfig.SipConfig.Srtp.DEFAULT;
    /** The flood limits (issue 9 §2); replaced before the stack starts, see {@link #admission(RequestAdmission)}. */
    private volatile RequestAdmission admission = new RequestAdmission(BridgeConfig.LimitsConfig.DEFAULTS);

    SipEventRouter(CallAcceptor acceptor, SipProvider provider, SipMessaging sip,
                   ScheduledExecutorService setup, long answerDelayMs, SipAuthenticator authenticator) {
        this(acceptor, provider, sip, setup, answerDelayMs, authenticator, 0, 1000);
    }

    SipEventRouter(CallAcceptor acceptor, SipProvider provider, SipMessaging sip,
                   ScheduledExecutorService setup, long answerDelayMs, SipAuthenticator authenticator,
                   long keepaliveIntervalMs, long sessionTimerSecondMs) {
        this.acceptor = acceptor;
        this.provider = provider;
        this.sip = sip;
        this.setup = setup;
        this.answerDelayMs = answerDelayMs;
        this.authenticator = authenticator;
        this.keepalive = keepaliveIntervalMs > 0 ? new Keepalive(setup, keepaliveIntervalMs, sip) : null;
        this.sessionTimer = new SessionTimer(setup, sip, sessionTimerSecondMs);
    }

    /** The codecs, best first (rtp.codecs), before the first request. */
    void codecs(List<Codec> preference) {
        this.codecs = List.copyOf(preference);
        this.ourOffer = new BridgeOffer(preference);
    }

    /** The SRTP policy (rtp.srtp), before the first request. */
    void srtp(BridgeConfig.SipConfig.Srtp policy) {
        this.srtp = policy;
    }

    SipEventRouter admission(RequestAdmission admission) {
        this.admission = admission;
        return this;
    }

    RequestAdmission admission() {
        return admission;
    }

    int activeCalls() {
        return calls.size();
    }

    Collection<SipCall> calls() {
        return List.copyOf(calls.values());
    }

    @Override
    public void processRequest(RequestEvent event) {
        SipExchange exchange = new SipExchange(event, provider);
        Request request = event.getRequest();
        String method = request.getMethod();
        sip.metrics().sipRequest(method);
        if (!viaTransportServed(request)) {
            // jain-sip answers on the Via's transport and throws a NullPointerException for one it has no
            // listening point for (SIP/2.0/XYZ): no response can go back, so the request is dropped.
            log.debug("{} {} dropped: Via transport not served", method, RequestParts.callIdOf(request));
            return;
        }
        try {
            if (refusedByLimits(exchange, method)) {
                return;
            }
            if (hasToTag(request)) {
                SipCall inDialog = callOf(event);
                if (inDialog != null) {
                    inDialog.heardFrom(request, signallingSource(request));
                }
            }
            switch (method) {
                case Request.INVITE -> onInvite(exchange);
                case Request.ACK -> onAck(exchange);
                case Request.BYE -> onBye(exchange);
                case Request.CANCEL -> onCancel(exchange);
                case Request.OPTIONS -> onOptions(exchange);
                case Request.INFO -> onInfo(exchange);
                case Request.UPDATE -> onUpdate(exchange);
                case Request.PRACK -> onPrack(exchange);
                case Request.REGISTER -> onRegister(exchange);
                default -> onUnsupported(exchange);
            }
        } catch (SipExchange.Retransmission e) {
            log.debug("{} retransmission absorbed: {}", method, e.getMessage());
        } catch (TransactionUnavailableException e) {
            // jain-sip refuses a transaction to a request that lacks what RFC 3261 §8.1.1 makes mandatory
            // (Max-Forwards): the sender's fault, so a 400 and no warning anyone on the network could repeat.
            log.debug("{} {} refused by the stack: {}", method, RequestParts.callIdOf(request), e.getMessage());
            respondAfterFailure(exchange, Response.BAD_REQUEST);
        } catch (Exception e) {
            if (NioHandlerUnlock.isCause(e)) {
                log.debug("{} {}: no response can reach the sender, its connection is gone", method,
                        RequestParts.callIdOf(request));
                return;
            }
            // Exception, not only what the signatures declare: Netty and jain-sip can throw checked
            // exceptions undeclared, and whatever escapes here leaves the sender without an answer.
            log.warn("{} {} failed: {}", method, RequestParts.callIdOf(request), e.toString());
            log.debug("{} failure detail", method, e);
            respondAfterFailure(exchange, Response.SERVER_INTERNAL_ERROR);
        }
    }

    /**
     * The flood limits, first of all and O(1): a new INVITE or a REGISTER over its source's (or the
     * global) budget gets a stateless 503 with Retry-After, so a flood creates no transaction, no call
     * and no log line beyond one a minute per source.
     */
    private boolean refusedByLimits(SipExchange exchange, String method) throws ParseException, SipException {
        Request request = exchange.request();
        boolean invite = Request.INVITE.equals(method) && !hasToTag(request);
        if (!invite && !Request.REGISTER.equals(method)) {
            return false;
        }
        CallerSource source = callerSource(request);
        RequestAdmission.Refusal refusal = invite
                ? admission.admitInvite(source, System.nanoTime())
                : admission.admitRegister(source, System.nanoTime());
        if (refusal == null) {
            return false;
        }
        if (refusal.silent()) {
            return true;
        }
        Response busy = sip.response(Response.SERVICE_UNAVAILABLE, request);
        sip.addRetryAfter(busy, refusal.retryAfterS());
        exchange.respondStatelessly(busy);
        return true;
    }

    private CallerSource callerSource(Request request) {
        return CallerSource.of(request, signallingSource(request).getAddress(), admission.limits().trustedProxies());
    }

    private void onInvite(SipExchange exchange) throws ParseException, SipException, SipExchange.Retransmission {
        Request request = exchange.request();
        if (hasToTag(request)) {
            onReInvite(exchange);
            return;
        }
        // RFC 3261 §8.1.1.8: an INVITE must name where the dialog's requests go.
        if (request.getHeader(ContactHeader.NAME) == null) {
            reject(exchange, Response.BAD_REQUEST, null);
            return;
        }
        String unsupported = unsupportedRequirements(request);
        if (unsupported != null) {
            Response response = sip.response(Response.BAD_EXTENSION, request);
            sip.addUnsupported(response, unsupported);
            exchange.respond(response);
            return;
        }
        SessionTimer.Ask sessionAsk = sessionAsk(exchange);
        if (sessionAsk == null) {
            return;
        }
        String callId = RequestParts.callIdOf(request);
        if (calls.containsKey(callId)) {
            // A second INVITE with the Call-ID of a call in progress but no To tag: a merged request
            // arriving by another path (RFC 3261 §8.2.2.2).
            reject(exchange, Response.LOOP_DETECTED, null);
            return;
        }
        ServerTransaction transaction = exchange.transaction();
        exchange.respond(sip.response(Response.TRYING, request));

        // After the transaction exists, so a retransmission racing us is absorbed, not taken for a replay.
        long organizerId = NewCall.ANONYMOUS;
        if (authenticator != null) {
            SipAuthenticator.Outcome auth = authenticator.forInvite(request, sourceAddressOf(request));
            if (auth.kind() == SipAuthenticator.Kind.CHALLENGE) {
                challenge(exchange, auth.stale());
                return;
            }
            if (auth.kind() == SipAuthenticator.Kind.AUTHENTICATED) {
                organizerId = auth.account().organizerId();
            }
        }

        // SDES keys travel in the SDP: only over TLS do they stay secret (RFC 4568 §8.3).
        boolean secure = transaction instanceof gov.nist.javax.sip.stack.SIPTransaction t && t.isSecure();
        BridgeConfig.SipConfig.Srtp policy = srtp;
        boolean keysAllowed = policy.keysAllowed(secure);
        boolean mandatory = policy.mode() == BridgeConfig.SipConfig.Srtp.Mode.MANDATORY;
        if (mandatory && !keysAllowed) {
            reject(exchange, Response.NOT_ACCEPTABLE_HERE, "SRTP required: call over TLS (sips:, transport=tls)");
            return;
        }
        CallerSource source = callerSource(request);
        NewCall newCall;
        SipCall call;
        if (request.getContent() == null) {
            // Late offer (RFC 3261 §13.2.1, Cisco CUCM's default): our offer goes in the 200 OK, the
            // answer comes in the ACK. Until then the core holds the call with our first codec and no
            // remote address, so it sends nothing; it starts once the answer is applied.
            newCall = new NewCall(callId, RequestParts.userOf(request.getRequestURI()), RequestParts.callerId(request),
                    signallingSource(request), null, ourOffer.firstCodec(), ourOffer.firstCodec().staticPayloadType(),
                    BridgeOffer.TELEPHONE_EVENT_PAYLOAD_TYPE, true, organizerId, null, false, null, source.key());
            call = new SipCall(callId, transaction, null, null, null, ourOffer, sip, this::forget);
            call.srtp(keysAllowed, mandatory, null);
        } else {
            OfferCheck check = checkOffer(request, keysAllowed, mandatory, secure);
            if (check.status != 0) {
                reject(exchange, check.status, check.warning);
                return;
            }
            AudioOffer audio = check.audio;
            InetSocketAddress remoteRtp = MediaAddress.of(audio.connectionAddress(), audio.port());
            if (remoteRtp == null) {
                reject(exchange, Response.NOT_ACCEPTABLE_HERE, "Incompatible network address format");
                return;
            }
            RtcpOffer rtcp = RtcpOffer.of(check.offer, audio);
            InetSocketAddress remoteRtcp = rtcp.port() > 0 ? MediaAddress.of(rtcp.host(), rtcp.port()) : null;
            InetAddress from = source.address();
            String refused = MediaAddress.refusal(remoteRtp, from, false);
            if (refused == null && remoteRtcp != null) {
                refused = MediaAddress.refusal(remoteRtcp, from, false);
            }
            if (refused != null) {
                log.info("call {} from {}: {} {} refused", callId, from, refused, remoteRtcp == null ? remoteRtp : remoteRtp + "/" + remoteRtcp);
                reject(exchange, Response.NOT_ACCEPTABLE_HERE, "Media address refused");
                return;
            }
            call = new SipCall(callId, transaction, check.offer, audio, remoteRtp, ourOffer, sip, this::forget);
            call.srtp(keysAllowed, mandatory, check.crypto);
            newCall = new NewCall(callId, RequestParts.userOf(request.getRequestURI()), RequestParts.callerId(request),
                    signallingSource(request), remoteRtp, audio.codec(), audio.payloadType(),
                    audio.telephoneEventPayloadType(), audio.sendAudio(), organizerId,
                    remoteRtcp, rtcp.mux(), call.srtpKeys(), source.key(), audio.packetTimeMs(), audio.maxPlaybackRate());
        }
        call.heardFrom(request, newCall.signallingSource());
        call.sessionTerms(SessionTimer.terms(sessionAsk));
        if (call.dialog() != null) {
            call.dialog().setApplicationData(call);
        }
        if (!admission.callStarted(source, System.nanoTime())) {
            Response busy = sip.response(Response.SERVICE_UNAVAILABLE, request);
            sip.addRetryAfter(busy, CALLS_PER_SOURCE_RETRY_AFTER_S);
            exchange.respond(busy);
            return;
        }
        call.admittedAs(source);
        call.onConferenceIdRejected(this::conferenceIdRejected);
        // Registered before the core decides, so a CANCEL that races the acceptor finds the call.
        calls.put(callId, call);
        CompletableFuture<CallHandle> accepted;
        try {
            accepted = acceptor.accept(newCall, call);
        } catch (RuntimeException e) {
            accepted = CompletableFuture.failedFuture(e);
        }
        // The core completes on a media loop; responses are sent from our own executor, never there.
        accepted.whenCompleteAsync((handle, failure) -> onAccepted(call, newCall, handle, failure), this::onSetupThread);
    }

    /**
     * A caller dialled a conference ID that does not exist. Past {@code limits.conferenceIdFailuresPerSource}
     * in a minute, every call of that source hears "Goodbye" and gets a BYE, and its new INVITEs get 503 for
     * a growing time.
     */
    private void conferenceIdRejected(SipCall call) {
        CallerSource source = call.admittedAs();
        if (source == null || !admission.conferenceIdFailed(source, System.nanoTime())) {
            return;
        }
        onSetupThread(() -> {
            for (SipCall other : calls.values()) {
                CallerSource from = other.admittedAs();
                if (from != null && from.key().equals(source.key())) {
                    other.goodbye("too many wrong conference IDs");
                }
            }
        });
    }

    /** Once the server is closing its executor refuses work; the decision is then handled where it arrives. */
    private void onSetupThread(Runnable task) {
        try {
            setup.execute(task);
        } catch (RejectedExecutionException closing) {
            task.run();
        }
    }

    /**
     * The core's decision on a new call. Every way through ends the INVITE with a final response (or
     * finds the call already ended by a CANCEL): a caller never waits for nothing.
     */
    private void onAccepted(SipCall call, NewCall newCall, CallHandle handle, Throwable failure) {
        try {
            if (failure != null) {
                refuse(call, failure instanceof CompletionException ? failure.getCause() : failure);
                return;
            }
            if (!call.bind(handle)) {
                handle.remoteHungUp();
                return;
            }
            if (newCall.remoteRtp() == null) {
                log.info("call {} from {} to '{}' accepted without an offer: ours goes in the 200 OK", call.callId(),
                        newCall.signallingSource(), newCall.requestUriUser());
            } else {
                log.info("call {} from {} to '{}' accepted: {} pt {} te {} -> {}{}", call.callId(), newCall.signallingSource(),
                        newCall.requestUriUser(), newCall.codec(), newCall.audioPayloadType(),
                        newCall.telephoneEventPayloadType(), newCall.remoteRtp(),
                        newCall.srtp() == null ? "" : " over SRTP " + newCall.srtp().suite());
            }
            if (answerDelayMs > 0) {
                boolean reliable = requires(call.inviteRequest(), RELIABLE_PROVISIONAL);
                call.ring(reliable);
                if (reliable) {
                    setup.schedule(call::prackTimedOut, RELIABLE_PROVISIONAL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                }
                call.answerLater(setup.schedule(() -> answerSafely(call), answerDelayMs, TimeUnit.MILLISECONDS));
            } else {
                call.answer();
            }
        } catch (RuntimeException e) {
            log.warn("call {}: setting up failed: {}", call.callId(), e.toString());
            call.refuse(Response.SERVER_INTERNAL_ERROR, 0, e.toString());
            if (handle != null) {
                handle.remoteHungUp();
            }
        }
    }

    private void refuse(SipCall call, Throwable failure) {
        if (failure instanceof CallRejectedException rejected) {
            int status = rejected.sipStatus() >= 300 && rejected.sipStatus() <= 699
                    ? rejected.sipStatus() : Response.SERVER_INTERNAL_ERROR;
            log.info("call {} rejected with {}: {}", call.callId(), status, rejected.getMessage());
            call.refuse(status, rejected.retryAfterS(), rejected.getMessage());
        } else {
            log.warn("call {}: the core failed to take it: {}", call.callId(), String.valueOf(failure));
            log.debug("call {} failure detail", call.callId(), failure);
            call.refuse(Response.SERVER_INTERNAL_ERROR, 0, String.valueOf(failure));
        }
    }

    private void answerSafely(SipCall call) {
        try {
            call.answer();
        } catch (RuntimeException e) {
            log.warn("call {}: answer failed: {}", call.callId(), e.toString());
            call.hangUp("internal error");
        }
    }

    private void onReInvite(SipExchange exchange) throws ParseException, SipException, SipExchange.Retransmission {
        Request request = exchange.request();
        SipCall call = callOf(exchange.event());
        if (call == null) {
            reject(exchange, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        if (call.offerPending()) {
            reject(exchange, Response.REQUEST_PENDING, null);
            return;
        }
        SessionTimer.Ask sessionAsk = sessionAsk(exchange);
        if (sessionAsk == null) {
            return;
        }
        if (request.getContent() == null) {
            // No offer: we offer our current description; the answer comes in the ACK (RFC 3264 §5),
            // where it is applied like a re-offer. Session refreshes look like this.
            String current = call.currentSdp();
            if (current == null) {
                reject(exchange, Response.REQUEST_PENDING, null);
                return;
            }
            call.reofferSent();
            exchange.respond(refreshed(call, sessionAsk, sip.okWithSdp(request, null, current)));
            return;
        }
        boolean[] terms = call.srtpTerms();
        OfferCheck check = checkOffer(request, terms[0], terms[1], true);
        if (check.status != 0) {
            reject(exchange, check.status, check.warning);
            return;
        }
        SipCall.Reoffer result = call.reoffer(check.offer);
        if (result == null) {
            reject(exchange, Response.NOT_ACCEPTABLE_HERE, "Incompatible media format");
            return;
        }
        exchange.respond(refreshed(call, sessionAsk, sip.okWithSdp(request, null, result.answerSdp())));
        if (result.mediaChanged()) {
            CallHandle handle = call.handle();
            NegotiatedMedia media = result.media();
            log.info("call {} media now {} {} pt {} send={}", call.callId(), media.remoteRtp(), media.codec(),
                    media.audioPayloadType(), media.sendAudio());
            if (handle != null) { // null once the call has ended meanwhile
                handle.updateMedia(media);
            }
        }
    }

    private void onAck(SipExchange exchange) {
        SipCall call = callOf(exchange.event());
        // ACKs for our error responses (and for calls already over) need nothing from us.
        if (call == null) {
            return;
        }
        Request ack = exchange.request();
        SdpOffer answer = null;
        boolean unreadable = false;
        if (ack.getContent() != null) {
            try {
                answer = isSdp(ack) ? SdpOffer.parse(bodyOf(ack)) : null;
                unreadable = answer == null;
            } catch (SdpParseException e) {
                log.debug("call {}: SDP in ACK unreadable: {}", call.callId(), e.getMessage());
                unreadable = true;
            }
        }
        // The answer to an offer of ours (late offer, or an offer-less re-INVITE), if we made one.
        if (call.acknowledged(answer, unreadable)) {
            if (keepalive != null) {
                keepalive.start(call);
            }
            sessionTimer.start(call, call.sessionTerms());
        }
    }

    /**
     * PRACK for our reliable 180 (RFC 3262 §3): the stack has matched its RAck to the response and
     * stopped retransmitting it; we answer 200, and the 200 OK to the INVITE, if it was waiting for
     * the PRACK, goes out.
     */
    private void onPrack(SipExchange exchange) throws ParseException, SipException, SipExchange.Retransmission {
        SipCall call = callOf(exchange.event());
        if (call == null) {
            reject(exchange, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        exchange.respond(sip.response(Response.OK, exchange.request()));
        onSetupThread(call::pracked);
    }

    /**
     * UPDATE (RFC 3311): without a body, a session refresh (RFC 4028) answered with 200; with an offer,
     * handled as a re-INVITE's offer.
     */
    private void onUpdate(SipExchange exchange) throws ParseException, SipException, SipExchange.Retransmission {
        Request request = exchange.request();
        if (request.getContent() != null) {
            onReInvite(exchange);
            return;
        }
        SipCall call = callOf(exchange.event());
        if (call == null) {
            reject(exchange, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        SessionTimer.Ask sessionAsk = sessionAsk(exchange);
        if (sessionAsk == null) {
            return;
        }
        Response ok = sip.response(Response.OK, request);
        sip.addContact(ok, SipMessaging.transportOf(request), SipMessaging.sipsDialog(request));
        exchange.respond(refreshed(call, sessionAsk, ok));
    }

    /**
     * The session-timer headers of a request (RFC 4028), or null when it has been answered already: 400
     * for malformed ones, 422 with our Min-SE for an interval below it.
     */
    private SessionTimer.Ask sessionAsk(SipExchange exchange)
            throws ParseException, SipException, SipExchange.Retransmission {
        Request request = exchange.request();
        SessionTimer.Ask ask;
        try {
            ask = SessionTimer.ask(request);
        } catch (SessionTimer.Malformed e) {
            log.debug("{}: {}", RequestParts.callIdOf(request), e.getMessage());
            reject(exchange, Response.BAD_REQUEST, null);
            return null;
        }
        if (SessionTimer.tooSmall(ask)) {
            Response tooSmall = sip.response(SESSION_INTERVAL_TOO_SMALL, request);
            tooSmall.setReasonPhrase("Session Interval Too Small");
            sessionTimer.addMinSe(tooSmall, ask);
            exchange.respond(tooSmall);
            return null;
        }
        return ask;
    }

    /**
     * A re-INVITE or UPDATE accepted with {@code ok}: a session refresh restarts the session with the
     * terms it asked for (RFC 4028 §9), and one without Session-Expires turns the timer off.
     */
    private Response refreshed(SipCall call, SessionTimer.Ask ask, Response ok) throws ParseException {
        SessionTimer.Terms terms = SessionTimer.terms(ask);
        call.sessionTerms(terms);
        if (terms == null) {
            sessionTimer.stop(call);
        } else {
            terms.addTo(ok, sip);
            sessionTimer.start(call, terms);
        }
        return ok;
    }

    private void onBye(SipExchange exchange) throws ParseException, SipException, SipExchange.Retransmission {
        SipCall call = callOf(exchange.event());
        if (call == null) {
            reject(exchange, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        exchange.respond(sip.response(Response.OK, exchange.request()));
        log.info("call {} hung up by caller", call.callId());
        call.remoteBye();
    }

    private void onCancel(SipExchange exchange) throws ParseException, SipException, SipExchange.Retransmission {
        Request request = exchange.request();
        SipCall call = calls.get(RequestParts.callIdOf(request));
        if (call == null) {
            reject(exchange, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        // RFC 3261 §9.2: the CANCEL gets its 200 whether or not the INVITE can still be cancelled.
        exchange.respond(sip.response(Response.OK, request));
        if (call.cancel()) {
            log.info("call {} cancelled before answer", call.callId());
        }
    }

    private void onOptions(SipExchange exchange) throws ParseException, SipException, SipExchange.Retransmission {
        Request request = exchange.request();
        int retryAfterS = acceptor.refusingNewCalls();
        if (retryAfterS >= 0 && !hasToTag(request)) {
            // A draining node: Kamailio's dispatcher probe marks it down, and new calls go to the other
            // nodes; in-dialog OPTIONS (a caller's keep-alive) still get 200, its call goes on.
            Response draining = sip.response(Response.SERVICE_UNAVAILABLE, request);
            if (retryAfterS > 0) {
                sip.addRetryAfter(draining, retryAfterS);
            }
            exchange.respond(draining);
            return;
        }
        Response ok = sip.response(Response.OK, request);
        sip.addAllow(ok);
        sip.addAccept(ok, SDP);
        exchange.respond(ok);
    }

    /**
     * INFO carries DTMF for UAs that do not send RFC 4733. Any other body type gets 415 with the
     * types we accept, as RFC 3261 §21.4.13 asks of a body we do not understand (and RFC 6086 §4.2.2 of
     * an INFO package we did not announce), so the sender learns it is not being heard rather than
     * believing its 200. An INFO without a body (a keep-alive some UAs send) gets 200.
     */
    private void onInfo(SipExchange exchange) throws ParseException, SipException, SipExchange.Retransmission {
        Request request = exchange.request();
        SipCall call = callOf(exchange.event());
        if (call == null) {
            reject(exchange, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
            return;
        }
        if (request.getContent() == null) {
            exchange.respond(sip.response(Response.OK, request));
            return;
        }
        String type = contentTypeOf(request);
        char digit;
        try {
            if (DtmfInfoBody.DTMF_RELAY.equals(type)) {
                digit = DtmfInfoBody.parseDtmfRelay(bodyOf(request));
            } else if (DtmfInfoBody.DTMF.equals(type)) {
                digit = DtmfInfoBody.parseDtmf(bodyOf(request));
            } else {
                Response response = sip.response(Response.UNSUPPORTED_MEDIA_TYPE, request);
                sip.addAccept(response, DtmfInfoBody.DTMF_RELAY, DtmfInfoBody.DTMF);
                exchange.respond(response);
                return;
            }
        } catch (IllegalArgumentException e) {
            log.debug("call {}: bad DTMF INFO: {}", call.callId(), e.getMessage());
            exchange.respond(sip.response(Response.BAD_REQUEST, request));
            return;
        }
        // Hand the key to the call before the 200: jain-sip runs requests on several threads, and a
        // phone sends its next INFO as soon as this one is answered, so answering first could let
        // the next key overtake this one.
        call.digit(digit);
        exchange.respond(sip.response(Response.OK, request));
    }

    /**
     * Organizers' softphones register so that they hold a valid nonce and know their password works.
     * The bridge never calls out, so bindings are not stored: a 200 echoes the Contact and expiry asked
     * for (RFC 3261 §10.3 step 8) and nothing else happens.
     */
    private void onRegister(SipExchange exchange) throws ParseException, SipException, SipExchange.Retransmission {
        if (authenticator == null) {
            onUnsupported(exchange);
            return;
        }
        exchange.transaction();
        Request request = exchange.request();
        SipAuthenticator.Outcome auth = authenticator.forRegister(request, sourceAddressOf(request));
        switch (auth.kind()) {
            case CHALLENGE -> challenge(exchange, auth.stale());
            case REFUSE -> exchange.respond(sip.response(auth.status(), request));
            case AUTHENTICATED -> {
                log.info("REGISTER {}: SIP user '{}' (organizer {}) registered", RequestParts.callIdOf(request),
                        auth.account().username(), auth.account().organizerId());
                exchange.respond(sip.registered(request));
            }
            case ANONYMOUS -> throw new IllegalStateException("REGISTER outcome: " + auth.kind());
        }
    }

    private void challenge(SipExchange exchange, boolean stale)
            throws ParseException, SipException, SipExchange.Retransmission {
        Response response = sip.response(Response.UNAUTHORIZED, exchange.request());
        for (String challenge : authenticator.challenges(stale)) {
            sip.addHeader(response, WWWAuthenticateHeader.NAME, challenge);
        }
        exchange.respond(response);
    }

    private void onUnsupported(SipExchange exchange) throws ParseException, SipException, SipExchange.Retransmission {
        reject(exchange, Response.METHOD_NOT_ALLOWED, null);
    }

    @Override
    public void processResponse(ResponseEvent event) {
        // Responses to our BYEs: the dialog layer consumes them; nothing depends on them. Requests we
        // send to learn something (keepalive, session refresh) carry who wants the answer.
        Response response = event.getResponse();
        log.debug("response {} to {}", response.getStatusCode(), RequestParts.callIdOf(response));
        try {
            if (event.getClientTransaction() != null
                    && event.getClientTransaction().getApplicationData() instanceof ClientOutcome outcome) {
                outcome.onResponse(response);
            }
        } catch (RuntimeException e) {
            log.warn("response handling failed: {}", e.toString());
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        try {
            if (event.isServerTransaction()) {
                ServerTransaction st = event.getServerTransaction();
                SipCall call = st.getDialog() == null ? null : asCall(st.getDialog().getApplicationData());
                if (call != null && Request.INVITE.equals(st.getRequest().getMethod())) {
                    call.lost("no ACK for the INVITE response", true);
                }
            } else {
                log.debug("client transaction timed out: {}", event.getClientTransaction().getRequest().getMethod());
                if (event.getClientTransaction().getApplicationData() instanceof ClientOutcome outcome) {
                    outcome.onTimeout();
                }
            }
        } catch (RuntimeException e) {
            log.warn("timeout handling failed: {}", e.toString());
        }
    }

    @Override
    public void processDialogTimeout(DialogTimeoutEvent event) {
        try {
            SipCall call = asCall(event.getDialog().getApplicationData());
            if (call != null) {
                log.info("call {}: dialog timeout {}", call.callId(), event.getReason());
                call.lost("dialog timeout: " + event.getReason(), true);
            }
        } catch (RuntimeException e) {
            log.warn("dialog timeout handling failed: {}", e.toString());
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        log.debug("I/O error towards {}:{} ({})", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
        // Transactions end on their own timers; calls end with their dialogs.
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        try {
            SipCall call = asCall(event.getDialog().getApplicationData());
            if (call != null) {
                call.lost("dialog terminated", false);
                forget(call);
            }
        } catch (RuntimeException e) {
            log.warn("dialog termination handling failed: {}", e.toString());
        }
    }

    private void forget(SipCall call) {
        if (calls.remove(call.callId(), call) && call.admittedAs() != null) {
            admission.callEnded(call.admittedAs().key());
        }
        if (keepalive != null) {
            keepalive.stop(call);
        }
        sessionTimer.stop(call);
    }

    /** The outcome of looking at an INVITE's body: a selected stream, or the status to refuse with. */
    private record OfferCheck(SdpOffer offer, AudioOffer audio, int status, String warning, SdesCrypto crypto) {
        OfferCheck(SdpOffer offer, AudioOffer audio, int status, String warning) {
            this(offer, audio, status, warning, null);
        }
    }

    /**
     * Looks at a request's SDP offer under the SRTP policy ({@code keysAllowed}: SDES keys may be taken;
     * {@code mandatory}: only SRTP will do; {@code secure}: the request came over TLS); a request without
     * a body is for the caller to handle.
     */
    private OfferCheck checkOffer(Request request, boolean keysAllowed, boolean mandatory, boolean secure) {
        if (!isSdp(request)) {
            return new OfferCheck(null, null, Response.UNSUPPORTED_MEDIA_TYPE, null);
        }
        SdpOffer offer;
        try {
            offer = SdpOffer.parse(bodyOf(request));
        } catch (SdpParseException e) {
            log.debug("call {}: unparseable SDP: {}", RequestParts.callIdOf(request), e.getMessage());
            return new OfferCheck(null, null, Response.NOT_ACCEPTABLE_HERE, "Incompatible media format");
        }
        SdpOffer.SecuredAudio secured = offer.selectAudioPreferring(codecs, keysAllowed, mandatory).orElse(null);
        if (secured == null) {
            String why = "Incompatible media format";
            if (mandatory) {
                why = "SRTP required: no usable a=crypto (AES_CM_128_HMAC_SHA1_80 or _32)";
            } else if (!keysAllowed && !secure && srtp.mode() != BridgeConfig.SipConfig.Srtp.Mode.OFF
                    && offer.selectAudioPreferring(codecs, true, true).isPresent()) {
                why = "SDES keys refused over insecure signalling: call over TLS";
            } else if (srtp.mode() == BridgeConfig.SipConfig.Srtp.Mode.OFF
                    && offer.selectAudioPreferring(codecs, true, true).isPresent()) {
                why = "SRTP is off here: offer RTP/AVP";
            }
            log.info("call {}: offer refused with 488: {}", RequestParts.callIdOf(request), why);
            return new OfferCheck(offer, null, Response.NOT_ACCEPTABLE_HERE, why);
        }
        return new OfferCheck(offer, secured.audio(), 0, null, secured.crypto());
    }

    private void reject(SipExchange exchange, int status, String warning)
            throws ParseException, SipException, SipExchange.Retransmission {
        reject(exchange, null, status, warning);
    }

    private void reject(SipExchange exchange, String localTag, int status, String warning)
            throws ParseException, SipException, SipExchange.Retransmission {
        Request request = exchange.request();
        Response response = sip.response(status, request, localTag);
        if (warning != null) {
            sip.addWarning(response, WARNING_INCOMPATIBLE_MEDIA, warning);
        }
        if (status == Response.UNSUPPORTED_MEDIA_TYPE) {
            sip.addAccept(response, SDP);
        }
        if (status == Response.METHOD_NOT_ALLOWED) {
            sip.addAllow(response);
        }
        exchange.respond(response);
    }

    private boolean viaTransportServed(Request request) {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        String transport = via == null ? null : via.getTransport();
        return transport != null && provider.getListeningPoint(transport) != null;
    }

    private void respondAfterFailure(SipExchange exchange, int status) {
        Request request = exchange.request();
        if (Request.ACK.equals(request.getMethod()) || exchange.finalResponseSent()) {
            return;
        }
        try {
            Response response = sip.response(status, request);
            try {
                exchange.respond(response);
            } catch (SipException | SipExchange.Retransmission | RuntimeException e) {
                exchange.respondStatelessly(response);
            }
        } catch (ParseException | SipException | RuntimeException e) {
            log.debug("{} not sent: {}", status, e.toString());
        }
    }

    private SipCall callOf(RequestEvent event) {
        Dialog dialog = event.getDialog();
        SipCall call = dialog == null ? null : asCall(dialog.getApplicationData());
        if (call == null) {
            call = calls.get(RequestParts.callIdOf(event.getRequest()));
        }
        // A dialog outlives its call briefly (until jain-sip's timers end it): requests then get 481.
        return call == null || call.phase() == SipCall.Phase.ENDED ? null : call;
    }

    private static SipCall asCall(Object applicationData) {
        return applicationData instanceof SipCall call ? call : null;
    }

    private static boolean hasToTag(Request request) {
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        return to != null && to.getTag() != null;
    }

    /** Retry-After of a 503 for a source at {@code limits.callsPerSource}: calls last minutes, not seconds. */
    private static final int CALLS_PER_SOURCE_RETRY_AFTER_S = 30;
    /** RFC 3262 §3: 64 T1 of retransmitting a reliable provisional response without a PRACK. */
    private static final long RELIABLE_PROVISIONAL_TIMEOUT_MS = 64 * 500;
    /** RFC 3262's option tag. */
    private static final String RELIABLE_PROVISIONAL = "100rel";
    /** Option tags a request may require of us: session timers (RFC 4028), reliable provisional responses (RFC 3262). */
    private static final Set<String> SUPPORTED_OPTION_TAGS =
            Set.of(SessionTimer.TIMER, RELIABLE_PROVISIONAL);

    private static boolean requires(Request request, String optionTag) {
        return SessionTimer.hasOptionTag(request, RequireHeader.NAME, null, optionTag);
    }

    /** Option tags in Require that we do not support: all of them (RFC 3261 §8.2.2.3), or null. */
    private static String unsupportedRequirements(Request request) {
        List<String> tags = new ArrayList<>();
        ListIterator<?> it = request.getHeaders(RequireHeader.NAME);
        while (it != null && it.hasNext()) {
            String tag = ((RequireHeader) it.next()).getOptionTag();
            if (!SUPPORTED_OPTION_TAGS.contains(tag.toLowerCase(Locale.ROOT))) {
                tags.add(tag);
            }
        }
        return tags.isEmpty() ? null : String.join(", ", tags);
    }

    private static boolean isSdp(Request request) {
        return SDP.equals(contentTypeOf(request));
    }

    private static String contentTypeOf(Request request) {
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        if (type == null) {
            return "";
        }
        return (type.getContentType() + "/" + type.getContentSubType()).toLowerCase(Locale.ROOT);
    }

    private static String bodyOf(Request request) {
        Object content = request.getContent();
        if (content instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return content == null ? "" : content.toString();
    }

    /** Where the request's packets came from (not what its Via claims): the key for lockout counters. */
    /** The source's IP address as text, the key of the per-source digest guessing limit. */
    private static String sourceAddressOf(Request request) {
        return signallingSource(request).getAddress().getHostAddress();
    }

    private static InetSocketAddress signallingSource(Request request) {
        if (request instanceof SIPRequest sipRequest) {
            InetAddress address = sipRequest.getPeerPacketSourceAddress();
            int port = sipRequest.getPeerPacketSourcePort();
            if (address == null) {
                address = sipRequest.getRemoteAddress();
                port = sipRequest.getRemotePort();
            }
            if (address != null) {
                return new InetSocketAddress(address, Math.max(port, 0));
            }
        }
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }
}
