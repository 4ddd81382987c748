package io.confbridge.sip;

import io.confbridge.call.CallHandle;
import io.confbridge.call.CallSignalling;
import io.confbridge.call.NegotiatedMedia;
import io.confbridge.codec.Codec;
import io.confbridge.rtp.SrtpContext;
import io.confbridge.rtp.SrtpKeys;
import io.confbridge.sip.sdp.AudioOffer;
import io.confbridge.sip.sdp.BridgeOffer;
import io.confbridge.sip.sdp.SdesCrypto;
import io.confbridge.sip.sdp.SdpAnswer;
import io.confbridge.sip.sdp.SdpOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.address.Hop;
import javax.sip.header.ContactHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * One inbound SIP call (an INVITE dialog) and the core's {@link CallHandle} for it.
 *
 * <p>Lifecycle:
 * <ol>
 *   <li>{@link Phase#OFFERED}: the INVITE was accepted by the core; 180 may have gone out and the
 *       answer waits for the answer delay. CANCEL or the bridge's hang-up end it here.</li>
 *   <li>{@link Phase#ANSWERED}: 200 OK with the SDP answer sent and the handle started; or, for an
 *       INVITE without SDP (late offer), 200 OK with our offer, the handle waiting for the answer.</li>
 *   <li>{@link Phase#CONFIRMED}: the ACK arrived (with the answer to our offer, which starts the handle,
 *       or ends the call with BYE when unusable). re-INVITE and INFO are handled in 2 and 3.</li>
 *   <li>{@link Phase#ENDED}: BYE either way, CANCEL, or a timeout; nothing more is sent.</li>
 * </ol>
 *
 * <p>Every method may run on any SIP stack thread, the answer timer or a core thread. State changes
 * happen under the call's lock through {@link #transition}; messages are sent and the handle called
 * after the lock is released, so that jain-sip's own locks never nest inside ours.
 */
final class SipCall implements CallSignalling {

    private static final Logger log = LoggerFactory.getLogger(SipCall.class);

    enum Phase {
        /** The INVITE was accepted by the core and the answer is pending. */
        OFFERED,
        /** 200 OK sent; waiting for the ACK. */
        ANSWERED,
        /** ACK received: the dialog is confirmed. */
        CONFIRMED,
        /** Over, by either side or by a timeout. */
        ENDED
    }

    /** What a re-INVITE turned into, for the router to send after the lock is released. */
    record Reoffer(String answerSdp, boolean mediaChanged, NegotiatedMedia media) {
    }

    private final String callId;
    private final ServerTransaction inviteTransaction;
    private final Dialog dialog;
    private final String localTag;
    private final SipMessaging sip;
    private final Consumer<SipCall> onEnded;
    private final long sdpSessionId = ThreadLocalRandom.current().nextLong(1, Integer.MAX_VALUE);

    private Phase phase = Phase.OFFERED;
    private CallHandle handle;
    private Future<?> pendingAnswer;
    /** The caller's last offer; null while the call runs on our own offer. */
    private SdpOffer offer;
    /** The stream as agreed; null until the answer to our offer arrives (late offer). */
    private AudioOffer audio;
    /** Our offer, for an INVITE that had none (late offer); null otherwise. */
    private final BridgeOffer ourOffer;
    /** Our offer is in the 200 OK and its answer is due in the ACK. */
    private boolean awaitingFirstAnswer;
    /** Our current description went out as an offer to an offer-less re-INVITE: the ACK answers it. */
    private boolean awaitingReofferAnswer;
    /** The codecs both sides agreed to: a re-INVITE may switch among these. */
    private Set<Codec> negotiated;
    private InetSocketAddress remoteRtp;
    private long sdpVersion = 1;
    private String answerSdp;
    /** The caller's Contact (the dialog's remote target) and, when that is not where its requests come from, their source. */
    private ContactHeader remoteContact;
    private Hop callerSource;
    /** Where the caller's latest request came from: a loopback media address is accepted only from there. */
    private InetAddress lastSource;
    private volatile CallerSource admittedAs;
    private volatile Consumer<SipCall> onConferenceIdRejected = call -> { };
    /** A reliable 180 went out and its PRACK has not come (RFC 3262): the 200 OK must wait for it. */
    private boolean awaitingPrack;
    /** The answer delay ran out while {@link #awaitingPrack}: answer when the PRACK comes. */
    private boolean answerDeferred;
    /** RFC 4028 terms agreed in the INVITE, null for none; put on the 200 OK. */
    private SessionTimer.Terms sessionTerms;

    /** Fresh SDES keys of the bridge's own (RFC 4568 §6.1: from a cryptographically strong source). */
    private static final SecureRandom KEYS = new SecureRandom();
    /** SDES keys may be used on this call: rtp.srtp is not off, and TLS or rtp.srtpOverInsecureSignalling. */
    private boolean keysAllowed;
    /** rtp.srtp=mandatory: no call without SRTP. */
    private boolean srtpMandatory;
    /** The bridge's key in force and the caller's, both null on plain RTP. */
    private SdesCrypto localCrypto;
    private SdesCrypto remoteCrypto;
    /** The keys our own offer (late offer) carries, one per suite; empty when it offers none. */
    private List<SdesCrypto> offeredCryptos = List.of();

    /**
     * @param offer     the INVITE's offer, or null for a late-offer INVITE (then {@code audio} and
     *                  {@code remoteRtp} are null too, and {@code ourOffer} is what the 200 OK offers)
     */
    SipCall(String callId, ServerTransaction inviteTransaction, SdpOffer offer, AudioOffer audio,
            InetSocketAddress remoteRtp, BridgeOffer ourOffer, SipMessaging sip, Consumer<SipCall> onEnded) {
        this.callId = callId;
        this.inviteTransaction = inviteTransaction;
        this.dialog = inviteTransaction.getDialog();
        this.localTag = SipMessaging.newTag();
        this.offer = offer;
        this.audio = audio;
        this.remoteRtp = remoteRtp;
        this.ourOffer = offer == null ? ourOffer : null;
        this.negotiated = audio == null ? EnumSet.noneOf(Codec.class) : EnumSet.of(audio.codec());
        this.sip = sip;
        this.onEnded = onEnded;
    }

    String callId() {
        return callId;
    }

    /**
     * The SRTP terms of the call, set by the router before the core sees the call: whether SDES keys may
     * be used and are required, and for an offer with SRTP accepted the caller's key (ours is made here).
     * For a late offer with keys allowed, our offer's keys are made here too.
     */
    synchronized void srtp(boolean allowed, boolean mandatory, SdesCrypto callersKey) {
        this.keysAllowed = allowed;
        this.srtpMandatory = mandatory;
        this.remoteCrypto = callersKey;
        this.localCrypto = callersKey == null ? null : SdesCrypto.fresh(callersKey.tag(), callersKey.suite(), KEYS);
        if (ourOffer != null && allowed) {
            offeredCryptos = List.of(SdesCrypto.fresh(1, SrtpContext.Suite.AES_CM_128_HMAC_SHA1_80, KEYS),
                    SdesCrypto.fresh(2, SrtpContext.Suite.AES_CM_128_HMAC_SHA1_32, KEYS));
        }
    }

    /** Whether SDES keys may be used on this call, and whether SRTP is required. */
    synchronized boolean[] srtpTerms() {
        return new boolean[] {keysAllowed, srtpMandatory};
    }

    /** The SRTP keys in force, null on plain RTP. */
    synchronized SrtpKeys srtpKeys() {
        return localCrypto == null || remoteCrypto == null ? null : localCrypto.keysWith(remoteCrypto);
    }

    String localTag() {
        return localTag;
    }

    Dialog dialog() {
        return dialog;
    }

    /**
     * A request of this call from the caller, with the address its packets came from: in-dialog requests
     * go there from now on if its Contact names somewhere else (a NAT), RFC 3581 in spirit.
     */
    void heardFrom(Request request, InetSocketAddress source) {
        synchronized (this) {
            ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
            if (contact != null) {
                remoteContact = contact;
            }
            lastSource = source == null ? null : source.getAddress();
            callerSource = SourceRouter.sourceHop(request, source,
                    SipMessaging.transportOf(request).toUpperCase(Locale.ROOT), remoteContact);
        }
    }

    /** Whom this call counts against in the flood limits (see {@link CallerSource}); set once, before it is registered. */
    void admittedAs(CallerSource source) {
        this.admittedAs = source;
    }

    CallerSource admittedAs() {
        return admittedAs;
    }

    /** Where in-dialog requests to the caller go instead of its Contact, or null for the Contact. */
    synchronized Hop callerSource() {
        return callerSource;
    }

    Request inviteRequest() {
        return inviteTransaction.getRequest();
    }

    synchronized Phase phase() {
        return phase;
    }

    /**
     * Gives the call the core's handle. False when the call ended while the core was deciding (a
     * CANCEL raced the acceptor); the caller then tells the handle.
     */
    synchronized boolean bind(CallHandle handle) {
        if (phase == Phase.ENDED) {
            return false; // not kept: see end()
        }
        this.handle = handle;
        return true;
    }

    synchronized void sessionTerms(SessionTimer.Terms terms) {
        this.sessionTerms = terms;
    }

    synchronized SessionTimer.Terms sessionTerms() {
        return sessionTerms;
    }

    synchronized void answerLater(Future<?> pending) {
        if (phase == Phase.OFFERED) {
            this.pendingAnswer = pending;
        } else {
            pending.cancel(false);
        }
    }

    /**
     * 180 Ringing while the answer delay runs; sent reliably (RFC 3262: Require: 100rel and RSeq,
     * retransmitted by the stack until the caller's PRACK) when the INVITE required 100rel.
     */
    void ring(boolean reliable) {
        try {
            Response ringing;
            if (reliable) {
                ringing = dialog.createReliableProvisionalResponse(Response.RINGING);
                ((ToHeader) ringing.getHeader(ToHeader.NAME)).setTag(localTag);
            } else {
                ringing = sip.response(Response.RINGING, inviteTransaction.getRequest(), localTag);
            }
            sip.addContact(ringing, SipMessaging.transportOf(inviteTransaction.getRequest()),
                    SipMessaging.sipsDialog(inviteTransaction.getRequest()));
            if (reliable) {
                synchronized (this) {
                    awaitingPrack = true; // before sending: the PRACK may come back at once
                }
                try {
                    dialog.sendReliableProvisionalResponse(ringing);
                } catch (SipException | RuntimeException e) {
                    synchronized (this) {
                        awaitingPrack = false;
                    }
                    throw e;
                }
            } else {
                sendOnInvite(ringing);
            }
        } catch (ParseException | SipException | InvalidArgumentException | RuntimeException e) {
            log.debug("call {}: 180 not sent: {}", callId, e.toString());
        }
    }

    /**
     * The PRACK for our reliable 180 arrived; the answer goes out now if it was waiting for it. On the
     * set-up thread.
     */
    void pracked() {
        boolean answerNow;
        synchronized (this) {
            awaitingPrack = false;
            answerNow = answerDeferred;
            answerDeferred = false;
        }
        if (answerNow) {
            answer();
        }
    }

    /**
     * Our reliable 180 was retransmitted for 64 T1 without a PRACK: the INVITE is refused with 500
     * (RFC 3262 §3), and the core hears it as a hang-up.
     */
    void prackTimedOut() {
        synchronized (this) {
            if (!awaitingPrack) {
                return;
            }
        }
        end(new Ending("no PRACK for the reliable 180", Response.SERVER_INTERNAL_ERROR, 0,
                "no PRACK for the reliable 180", false, true), true);
    }

    /**
     * Sends the 200 OK with the SDP answer, unless the call ended first, then starts the handle. While
     * a reliable 180 waits for its PRACK the answer waits too: the stack refuses a 2xx before it.
     */
    void answer() {
        synchronized (this) {
            if (phase == Phase.OFFERED && awaitingPrack) {
                answerDeferred = true;
                return;
            }
        }
        CallHandle started;
        String sdp;
        SessionTimer.Terms terms;
        synchronized (this) {
            if (phase != Phase.OFFERED) {
                return;
            }
            transition(Phase.ANSWERED, "answer");
            pendingAnswer = null;
            if (ourOffer != null) {
                // Late offer: we offer, the answer comes in the ACK, and the call starts then.
                answerSdp = ourOffer.build(sip.advertisedHost(), handle.localRtpPort(), sdpSessionId, sdpVersion,
                        offeredCryptos, srtpMandatory && !offeredCryptos.isEmpty());
                awaitingFirstAnswer = true;
                started = null;
            } else {
                answerSdp = SdpAnswer.build(offer, audio, sip.advertisedHost(), handle.localRtpPort(), sdpSessionId,
                        sdpVersion, localCrypto);
                started = handle;
            }
            sdp = answerSdp;
            terms = sessionTerms;
        }
        try {
            Response ok = sip.okWithSdp(inviteTransaction.getRequest(), localTag, sdp);
            if (terms != null) {
                terms.addTo(ok, sip);
            }
            sendOnInvite(ok);
        } catch (ParseException | SipException | RuntimeException e) {
            log.warn("call {}: 200 OK could not be sent, ending the call: {}", callId, e.toString());
            end(new Ending("200 OK not sent", 0, 0, null, false, true), false);
            return;
        }
        if (started != null) {
            started.start();
        }
    }

    /** CANCEL before the answer: 487 to the INVITE (RFC 3261 §9.2). False when the answer won the race. */
    boolean cancel() {
        return end(new Ending("CANCEL", Response.REQUEST_TERMINATED, 0, null, false, true), true);
    }

    /**
     * The core could not take the call: the final response to the INVITE (with Retry-After when
     * {@code retryAfterS} is above 0), unless the caller gave up first.
     */
    void refuse(int status, int retryAfterS, String why) {
        end(new Ending("refused: " + why, status, retryAfterS, null, false, false), true);
    }

    /** The caller's BYE (already answered with 200 by the router). */
    void remoteBye() {
        end(new Ending("BYE received", Response.REQUEST_TERMINATED, 0, null, false, true), false);
    }

    /** Who counts this call's wrong conference IDs (the router's flood limits); set before the core sees the call. */
    void onConferenceIdRejected(Consumer<SipCall> listener) {
        this.onConferenceIdRejected = listener;
    }

    @Override
    public void conferenceIdRejected() {
        onConferenceIdRejected.accept(this);
    }

    /** The bridge ends the call: BYE once answered, an error response to the INVITE before. */
    @Override
    public void hangUp(String reason) {
        end(new Ending("hang-up: " + reason, Response.TEMPORARILY_UNAVAILABLE, 0, reason, true, false), false);
    }

    /**
     * Ends the call because the transaction layer gave up (no ACK for our 200 OK, RFC 3261 §13.3.1.4)
     * or the dialog vanished: BYE best-effort, and the core hears it as a hang-up.
     */
    void lost(String why, boolean bye) {
        end(new Ending(why, 0, 0, why, bye, true), false);
    }

    /**
     * The signalling side ends the call (its source was banned): once answered, the core says "Goodbye"
     * and then hangs up through {@link #hangUp}; before that, it simply ends with a BYE or error response.
     */
    void goodbye(String reason) {
        CallHandle toTell;
        synchronized (this) {
            toTell = (phase == Phase.ANSWERED || phase == Phase.CONFIRMED) ? handle : null;
        }
        if (toTell != null) {
            toTell.goodbye(reason);
        } else {
            lost(reason, true);
        }
    }

    /** The server is closing: end the call towards the caller and release the core's side. */
    void shutdown() {
        end(new Ending("server closing", Response.SERVICE_UNAVAILABLE, 0, "bridge shutting down", true, true), false);
    }

    /**
     * How a call ends.
     *
     * @param why           for the log
     * @param inviteStatus  the final response if the INVITE is still unanswered, 0 for none
     * @param retryAfterS   the Retry-After of that response in seconds, 0 for none
     * @param reason        the Reason header text (RFC 3326) of that response and of the BYE, or null
     * @param bye           whether an answered call gets a BYE
     * @param tellCore      whether the core hears a hang-up (not when it asked for the end itself)
     */
    private record Ending(String why, int inviteStatus, int retryAfterS, String reason, boolean bye, boolean tellCore) {
    }

    /**
     * The one way a call ends, whoever ends it: the state changes under the lock, then the caller and
     * the core are told. False when the call had already ended (or, with {@code onlyUnanswered}, had been
     * answered) and nothing was done.
     */
    private boolean end(Ending ending, boolean onlyUnanswered) {
        Phase before;
        CallHandle toNotify;
        synchronized (this) {
            before = phase;
            if (before == Phase.ENDED || (onlyUnanswered && before != Phase.OFFERED)) {
                return false;
            }
            transition(Phase.ENDED, ending.why());
            toNotify = handle;
            // jain-sip keeps the dialog, and this call as its application data, for its linger time after
            // the end (tens of seconds). Holding the core's call that long kept its media (jitter buffer,
            // sessions, closed sockets) alive too: ~4x the live calls at 600 calls/s, all of it copied by
            // every young collection, which set the call-setup p99.
            handle = null;
        }
        // Forgotten before the caller hears of it: whoever sees the response finds the call gone.
        onEnded.accept(this);
        if (before == Phase.OFFERED) {
            if (ending.inviteStatus() != 0) {
                respondOnInvite(ending.inviteStatus(), ending.retryAfterS(), ending.reason());
            }
        } else if (ending.bye()) {
            sendBye(ending.reason());
        }
        if (ending.tellCore() && toNotify != null) {
            toNotify.remoteHungUp();
        }
        return true;
    }

    /**
     * A re-INVITE's offer (RFC 3264 §8): the stream may move, go on or off hold, or switch to another of
     * the codecs the call negotiated ({@link #negotiated}); null when the offer has none of those, and
     * the call stays as it was.
     */
    Reoffer reoffer(SdpOffer newOffer) {
        synchronized (this) {
            if (phase == Phase.ENDED || phase == Phase.OFFERED || handle == null || audio == null) {
                return null;
            }
            SdpOffer.SecuredAudio secured = newOffer.selectAudio(negotiated, keysAllowed, srtpMandatory).orElse(null);
            // The call stays as secure as it started: SRTP does not come or go in a re-INVITE.
            if (secured == null || (secured.crypto() == null) != (remoteCrypto == null)) {
                return null;
            }
            AudioOffer selected = secured.audio();
            InetSocketAddress newRemote = MediaAddress.of(selected.connectionAddress(), selected.port());
            if (newRemote == null) {
                return null;
            }
            String refused = MediaAddress.refusal(newRemote, lastSource, true);
            if (refused != null) {
                log.info("call {}: re-offer refused: {} {}", callId, refused, newRemote);
                return null;
            }
            SdesCrypto newRemoteCrypto = secured.crypto();
            SdesCrypto newLocalCrypto = null;
            if (newRemoteCrypto != null) {
                // The caller's key unchanged: ours stays (under the tag it now offers); a new key of the
                // caller's (RFC 4568 §7.1.4 rekeying) gets a new one of ours, and both sides new contexts.
                newLocalCrypto = newRemoteCrypto.sameKey(remoteCrypto)
                        ? localCrypto.withTag(newRemoteCrypto.tag())
                        : SdesCrypto.fresh(newRemoteCrypto.tag(), newRemoteCrypto.suite(), KEYS);
            }
            boolean rekeyed = newRemoteCrypto != null && !newRemoteCrypto.sameKey(remoteCrypto);
            boolean mediaChanged = changes(selected, newRemote) || rekeyed;
            String sdp = SdpAnswer.build(newOffer, selected, sip.advertisedHost(), handle.localRtpPort(), sdpSessionId,
                    sdpVersion, newLocalCrypto);
            // RFC 3264 §8: the o= version goes up exactly when our description changes.
            if (!sdp.equals(answerSdp)) {
                sdpVersion++;
                sdp = SdpAnswer.build(newOffer, selected, sip.advertisedHost(), handle.localRtpPort(), sdpSessionId,
                        sdpVersion, newLocalCrypto);
            }
            offer = newOffer;
            audio = selected;
            remoteRtp = newRemote;
            answerSdp = sdp;
            remoteCrypto = newRemoteCrypto;
            localCrypto = newLocalCrypto;
            return new Reoffer(sdp, mediaChanged, media(selected, newRemote));
        }
    }

    /**
     * The ACK to our 200 OK arrived, with {@code answer} when it carried SDP (null otherwise; {@code
     * unreadable} when it carried a body we could not parse as SDP). After our own offer (a late-offer
     * INVITE, or an offer-less re-INVITE) the ACK holds the answer (RFC 3264 §5, RFC 3261 §13.2.1):
     * applied here. A first answer that is missing or unusable ends the call with BYE, since the call
     * has no media without it; one to a re-offer that is unusable leaves the media as they were.
     * True when this ACK confirmed the dialog (the first one), so dialog timers may start.
     */
    boolean acknowledged(SdpOffer answer, boolean unreadable) {
        CallHandle toStart = null;
        CallHandle toUpdate = null;
        CallHandle toConfirm = null;
        NegotiatedMedia update = null;
        boolean fail = false;
        synchronized (this) {
            if (phase != Phase.ANSWERED && phase != Phase.CONFIRMED) {
                return false;
            }
            boolean first = phase == Phase.ANSWERED && awaitingFirstAnswer;
            if (phase == Phase.ANSWERED) {
                transition(Phase.CONFIRMED, "ACK");
                toConfirm = handle;
            }
            if (first) {
                awaitingFirstAnswer = false;
                BridgeOffer.Agreed agreed = answer == null ? null
                        : ourOffer.accept(answer, offeredCryptos, srtpMandatory).orElse(null);
                InetSocketAddress remote = agreed == null ? null
                        : MediaAddress.of(agreed.audio().connectionAddress(), agreed.audio().port());
                if (remote != null && MediaAddress.refusal(remote, lastSource, false) != null) {
                    log.info("call {}: {} {} in the ACK's answer", callId, MediaAddress.refusal(remote, lastSource, false), remote);
                    remote = null;
                }
                if (remote == null) {
                    fail = true;
                } else {
                    audio = agreed.audio();
                    negotiated = EnumSet.copyOf(agreed.codecs());
                    agreedKeys(agreed.srtp());
                    remoteRtp = remote;
                    update = media(audio, remote);
                    toUpdate = handle;
                    toStart = handle;
                }
            } else if (answer != null && awaitingReofferAnswer) {
                awaitingReofferAnswer = false;
                SdpOffer.SecuredAudio secured = answer.selectAudio(negotiated, keysAllowed, srtpMandatory).orElse(null);
                if (secured != null && (secured.crypto() == null) != (remoteCrypto == null)) {
                    secured = null; // an answer that would turn SRTP on or off: the media stay as they were
                }
                AudioOffer selected = secured == null ? null : secured.audio();
                InetSocketAddress remote = selected == null ? null
                        : MediaAddress.of(selected.connectionAddress(), selected.port());
                if (remote != null && MediaAddress.refusal(remote, lastSource, true) != null) {
                    log.info("call {}: {} {} in the ACK's answer ignored", callId, MediaAddress.refusal(remote, lastSource, true), remote);
                    remote = null;
                }
                boolean rekeyed = secured != null && secured.crypto() != null && !secured.crypto().sameKey(remoteCrypto);
                if (remote != null && audio != null && (changes(selected, remote) || rekeyed)) {
                    if (rekeyed) {
                        remoteCrypto = secured.crypto();
                    }
                    audio = selected;
                    remoteRtp = remote;
                    update = media(selected, remote);
                    toUpdate = handle;
                }
            } else {
                awaitingReofferAnswer = false;
            }
        }
        if (fail) {
            log.info("call {}: {} in the ACK to our offer, ending the call", callId,
                    answer == null ? (unreadable ? "unreadable SDP" : "no SDP answer") : "no acceptable answer");
            end(new Ending("no usable SDP answer in the ACK", 0, 0, "no acceptable SDP answer", true, true), false);
            return false;
        }
        if (toUpdate != null) {
            log.info("call {} media now {} {} pt {} send={}", callId, update.remoteRtp(), update.codec(),
                    update.audioPayloadType(), update.sendAudio());
            toUpdate.updateMedia(update);
        }
        if (toStart != null) {
            toStart.start();
        }
        if (toConfirm != null) {
            toConfirm.confirmed(); // the ACK shows the caller wants our audio: RTP may flow now
        }
        return toConfirm != null;
    }

    /**
     * Our offer is out and its answer (in the ACK) not yet in: a re-INVITE now gets 491 (RFC 3261
     * §14.2), as two offers may not cross.
     */
    synchronized boolean offerPending() {
        return awaitingFirstAnswer || awaitingReofferAnswer;
    }

    /** Our offer went out in a 200 to an offer-less re-INVITE: the ACK carries the answer. */
    synchronized void reofferSent() {
        awaitingReofferAnswer = true;
    }

    /** Whether {@code next} sent to {@code nextRemote} differs from the stream as it is, for the core. */
    private boolean changes(AudioOffer next, InetSocketAddress nextRemote) {
        return !nextRemote.equals(remoteRtp) || next.sendAudio() != audio.sendAudio() || next.codec() != audio.codec()
                || next.payloadType() != audio.payloadType()
                || next.telephoneEventPayloadType() != audio.telephoneEventPayloadType()
                || next.packetTimeMs() != audio.packetTimeMs() || next.maxPlaybackRate() != audio.maxPlaybackRate();
    }

    private NegotiatedMedia media(AudioOffer audio, InetSocketAddress remote) {
        return new NegotiatedMedia(remote, audio.codec(), audio.payloadType(), audio.telephoneEventPayloadType(),
                audio.sendAudio(), localCrypto == null || remoteCrypto == null ? null : localCrypto.keysWith(remoteCrypto),
                audio.packetTimeMs(), audio.maxPlaybackRate());
    }

    /** The keys the answer to our offer agreed on: which of ours it took, and the answer's own. */
    private void agreedKeys(SrtpKeys keys) {
        if (keys == null) {
            localCrypto = null;
            remoteCrypto = null;
            return;
        }
        for (SdesCrypto ours : offeredCryptos) {
            if (ours.suite() == keys.suite() && java.util.Arrays.equals(ours.masterKey(), keys.localKey())) {
                localCrypto = ours;
                remoteCrypto = new SdesCrypto(ours.tag(), keys.suite(), keys.remoteKey(), keys.remoteSalt());
                return;
            }
        }
    }

    /** Our current description, for a re-INVITE without an offer (we then offer what we have). */
    synchronized String currentSdp() {
        return answerSdp;
    }

    synchronized CallHandle handle() {
        return handle;
    }

    /** A key press from SIP INFO. */
    void digit(char digit) {
        CallHandle h = handle();
        if (h != null) {
            h.digitFromSignalling(digit);
        }
    }

    private void transition(Phase next, String reason) {
        log.debug("call {}: {} -> {} ({})", callId, phase, next, reason);
        phase = next;
        if (next == Phase.ENDED && pendingAnswer != null) {
            pendingAnswer.cancel(false);
            pendingAnswer = null;
        }
    }

    private void sendBye(String reason) {
        try {
            sip.sendBye(dialog, reason, callerSource());
        } catch (ParseException | SipException | RuntimeException e) {
            // The dialog may already be gone (the caller's BYE crossed ours); nothing else to do.
            log.debug("call {}: BYE not sent: {}", callId, e.toString());
        }
    }

    private void respondOnInvite(int status, int retryAfterS, String reason) {
        try {
            Response response = sip.response(status, inviteTransaction.getRequest(), localTag);
            if (retryAfterS > 0) {
                sip.addRetryAfter(response, retryAfterS);
            }
            if (reason != null) {
                sip.addReason(response, reason);
            }
            sendOnInvite(response);
        } catch (ParseException | SipException | RuntimeException e) {
            log.debug("call {}: {} not sent: {}", callId, status, e.toString());
        }
    }

    private void sendOnInvite(Response response) throws SipException {
        try {
            inviteTransaction.sendResponse(response);
        } catch (InvalidArgumentException e) {
            throw new SipException("cannot send " + response.getStatusCode(), e);
        }
    }
}
