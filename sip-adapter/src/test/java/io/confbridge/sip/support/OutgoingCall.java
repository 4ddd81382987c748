package io.confbridge.sip.support;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A call a test phone places, run as a phone's UA core runs it over a {@link SipTestClient}:
 * <ol>
 *   <li>{@link #place} sends INVITE in a client transaction; 1xx are noted;</li>
 *   <li>a 401 is ACKed and, once a call, answered with the {@link SipLogin}: the INVITE again, same Call-ID
 *       and From tag, next CSeq, with {@code Authorization} (a second 401 is final: wrong realm, replay);</li>
 *   <li>every other final response ends the INVITE: a 2xx sets up the dialog and is ACKed to the remote
 *       target, every copy of it; a 3xx–6xx is ACKed in its transaction (§17.1.1.3), every copy;</li>
 *   <li>in the dialog: {@link #bye}, {@link #info}; the server's BYE is {@link #answerBye answered}.</li>
 * </ol>
 * Record-Route is not honoured: the bridge is a user agent, not a proxy.
 */
public final class OutgoingCall {

    private static final String ALLOW = "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO\r\n";

    private final SipTestClient client;
    private final TestDialog dialog;
    private final String sdp;
    /** Answers a challenge with this account; null: the call answers none. */
    private final SipLogin login;
    private final Consumer<SipMessage> onAnswered;
    /** For an INVITE without SDP: the answer to the 2xx's offer, sent in the ACK; null otherwise. */
    private volatile Function<SipMessage, String> answerInAck;
    /** The final response that ends the INVITE (a 401 that is answered does not). */
    private final CompletableFuture<SipMessage> outcome = new CompletableFuture<>();
    private final CompletableFuture<Void> provisional = new CompletableFuture<>();
    private final CompletableFuture<Void> byeFromServer = new CompletableFuture<>();
    private final List<Integer> finalStatuses = new CopyOnWriteArrayList<>();
    /** The INVITE transactions (by branch) that have had their final response: later ones are copies. */
    private final Set<String> finallyAnswered = ConcurrentHashMap.newKeySet();
    private volatile SipMessage finalResponse;
    private volatile SipLogin.Answer digestAnswer;
    private volatile boolean challengeAnswered;
    private volatile boolean established;
    private volatile String ack2xx;
    private volatile boolean ended;

    private OutgoingCall(SipTestClient client, TestDialog dialog, String sdp, SipLogin login,
                         Consumer<SipMessage> onAnswered) {
        this.client = client;
        this.dialog = dialog;
        this.sdp = sdp;
        this.login = login;
        this.onAnswered = onAnswered;
    }

    /**
     * Sends the INVITE with {@code sdp}, and {@code authorization} (an {@code Authorization} value) if not
     * null, answering a 401 with {@code login} if not null. {@code onAnswered} gets the first 2xx on the
     * receive thread before {@link #outcome} completes, to take up the SDP answer.
     */
    public static OutgoingCall place(SipTestClient client, TestDialog dialog, String sdp, SipLogin login,
                                     String authorization, Consumer<SipMessage> onAnswered) {
        OutgoingCall call = new OutgoingCall(client, dialog, sdp, login, onAnswered);
        call.sendInvite(authorization);
        return call;
    }

    /**
     * Sends an INVITE without SDP (late offer, RFC 3261 §13.2.1): the 2xx carries the server's offer and
     * {@code answerInAck} turns that 2xx into the SDP answer the ACK carries (null: an ACK without one).
     */
    public static OutgoingCall placeWithoutOffer(SipTestClient client, TestDialog dialog,
                                                 Function<SipMessage, String> answerInAck,
                                                 Consumer<SipMessage> onAnswered) {
        OutgoingCall call = new OutgoingCall(client, dialog, null, null, onAnswered);
        call.answerInAck = answerInAck;
        call.sendInvite(null);
        return call;
    }

    /**
     * Sends a re-INVITE in the dialog with {@code sdp} (null: none, the 2xx then offers and
     * {@code answerInAck} answers it in the ACK); every 2xx is ACKed. Completes with the final response.
     */
    public CompletableFuture<SipMessage> reInvite(String sdp, Function<SipMessage, String> answerInAck) {
        requireDialog("re-INVITE in");
        String reInvite = dialog.reInvite(sdp);
        String[] ack = new String[1];
        return client.start(reInvite, dialog.destination(), response -> {
            if (response.statusCode() >= 200 && response.statusCode() < 300) {
                synchronized (ack) {
                    if (ack[0] == null) {
                        ack[0] = answerInAck == null ? dialog.ack(response) : dialog.ackWithSdp(response, answerInAck.apply(response));
                    }
                }
                client.send(ack[0], dialog.destination());
            } else if (response.statusCode() >= 300) {
                client.send(dialog.ack(response), dialog.destination());
            }
        }).finalResponse();
    }

    public String callId() {
        return dialog.callId();
    }

    /** The final response that ended the INVITE. */
    public CompletableFuture<SipMessage> outcome() {
        return outcome;
    }

    /** Completes on the first 1xx or 2xx: from then on RFC 3261 §9.1 lets a UAC send CANCEL. */
    public CompletableFuture<Void> provisional() {
        return provisional;
    }

    /** Every final response to the call's INVITEs in arrival order, retransmissions included. */
    public List<Integer> finalStatuses() {
        return List.copyOf(finalStatuses);
    }

    /** The final response to the last INVITE, for assertions on its headers. */
    public Optional<SipMessage> finalResponse() {
        return Optional.ofNullable(finalResponse);
    }

    /** The challenge this call answered and the {@code Authorization} it sent, if any. */
    public Optional<SipLogin.Answer> digestAnswer() {
        return Optional.ofNullable(digestAnswer);
    }

    /** Set up and not yet ended by either side. */
    public boolean isUp() {
        return established && !ended;
    }

    /** Sends CANCEL for the pending INVITE; completes with the CANCEL's final response. */
    public CompletableFuture<SipMessage> cancel() {
        return client.start(dialog.cancel(), client.server(), response -> { }).finalResponse();
    }

    /** Sends BYE in the dialog; the call has ended once it is answered. */
    public CompletableFuture<SipMessage> bye() {
        requireDialog("hang up");
        return client.start(dialog.bye(), dialog.destination(), response -> ended = true).finalResponse();
    }

    /** Sends INFO in the dialog. */
    public CompletableFuture<SipMessage> info(String contentType, String body) {
        requireDialog("send INFO in");
        return client.start(dialog.info(contentType, body), dialog.destination(), response -> { }).finalResponse();
    }

    /** Answers the server's BYE in this call 200: the call has ended. */
    public void answerBye(SipMessage bye) {
        client.respond(bye, 200, "OK");
        ended = true;
        byeFromServer.complete(null);
    }

    /** Completes once the server has sent BYE. */
    public CompletableFuture<Void> byeFromServer() {
        return byeFromServer;
    }

    private void requireDialog(String toDo) {
        if (!established) {
            throw new IllegalStateException("no established dialog to " + toDo + ": " + callId());
        }
    }

    private void sendInvite(String authorization) {
        String invite = dialog.inviteWithHeaders(
                ALLOW + (authorization == null ? "" : "Authorization: " + authorization + "\r\n"), sdp);
        client.start(invite, client.server(), this::onInviteResponse);
    }

    private void onInviteResponse(SipMessage response) {
        int status = response.statusCode();
        if (status < 200) {
            provisional.complete(null);
            return;
        }
        finalStatuses.add(status);
        if (status < 300) {
            onAccepted(response);
        } else {
            client.send(dialog.ack(response), client.server());
        }
        if (!finallyAnswered.add(response.topViaBranch()) || outcome.isDone()) {
            return;
        }
        finalResponse = response;
        if (status != 401 || !answerChallenge(response)) {
            outcome.complete(response);
        }
    }

    private void onAccepted(SipMessage ok) {
        if (!established) {
            if (ok.contactUri().isEmpty() || ok.toTag().isEmpty()) {
                outcome.completeExceptionally(new AssertionError("2xx without Contact or To tag:\n" + ok));
                return;
            }
            try {
                onAnswered.accept(ok);
            } catch (RuntimeException | AssertionError e) {
                outcome.completeExceptionally(e);
            }
            Function<SipMessage, String> answering = answerInAck;
            ack2xx = answering == null ? dialog.ack(ok) : dialog.ackWithSdp(ok, answering.apply(ok));
            established = true;
        }
        // Every retransmission of the 2xx gets the same ACK again.
        client.send(ack2xx, dialog.destination());
        provisional.complete(null);
    }

    /** False when the call has no account or already answered one challenge. */
    private boolean answerChallenge(SipMessage unauthorized) {
        if (login == null || challengeAnswered) {
            return false;
        }
        challengeAnswered = true;
        try {
            SipLogin.Answer answered = login.answer(unauthorized.headerLines("WWW-Authenticate"), "INVITE",
                    dialog.requestUri());
            digestAnswer = answered;
            sendInvite(answered.authorization());
        } catch (RuntimeException | AssertionError e) {
            outcome.completeExceptionally(e);
        }
        return true;
    }
}
