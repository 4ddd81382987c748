package io.confbridge.sip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.Dialog;
import javax.sip.SipException;
import javax.sip.header.CSeqHeader;
import javax.sip.header.Header;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.text.ParseException;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * SIP session timers (RFC 4028). A caller that asks for them ({@code Session-Expires} in its INVITE)
 * gets them:
 * <ol>
 *   <li>An interval below our {@code Min-SE} of {@value #MIN_SE_S} s is refused with 422 and Min-SE
 *       (§9); a caller's own Min-SE raises the floor.</li>
 *   <li>The 2xx carries {@code Session-Expires: N;refresher=uac|uas}, and {@code Require: timer} when
 *       the caller supports timers. The refresher is the caller's choice; without one it is the caller
 *       when it supports timers, else the bridge (§9).</li>
 *   <li>Refresher {@code uas}: the bridge sends a re-INVITE with its current SDP every N/2 (§10); a
 *       481 or 408 or no answer to it ends the call with BYE.</li>
 *   <li>Refresher {@code uac}: every re-INVITE or UPDATE from the caller restarts the session; none
 *       before N minus min(32, N/3) s and the bridge sends BYE (§10).</li>
 * </ol>
 * Timers run on the scheduler the server gives us, never on a SIP or media thread.
 */
final class SessionTimer {

    private static final Logger log = LoggerFactory.getLogger(SessionTimer.class);

    /** The smallest interval we accept, and the RFC's recommended floor (§4). */
    static final int MIN_SE_S = 90;
    static final String SESSION_EXPIRES = "Session-Expires";
    static final String MIN_SE = "Min-SE";
    static final String TIMER = "timer";

    /** What a request asked for. {@code seconds} is 0 when it asked for no session timer. */
    record Ask(int seconds, int minSe, String refresher, boolean callerSupportsTimer) {
    }

    /** The agreed session: its interval, and whether the bridge refreshes it. */
    record Terms(int seconds, boolean bridgeRefreshes, boolean callerSupportsTimer) {

        /** Session-Expires (and Require: timer when the caller supports it) on our 2xx (§9). */
        void addTo(Response response, SipMessaging sip) throws ParseException {
            sip.addHeader(response, SESSION_EXPIRES, seconds + ";refresher=" + (bridgeRefreshes ? "uas" : "uac"));
            if (callerSupportsTimer) {
                sip.addHeader(response, "Require", TIMER);
            }
        }
    }

    /** The request's session-timer headers are malformed: 400. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    private final ScheduledExecutorService timers;
    private final SipMessaging sip;
    private final Map<SipCall, Future<?>> scheduled = new ConcurrentHashMap<>();
    private final Map<SipCall, Terms> sessions = new ConcurrentHashMap<>();
    /** Milliseconds in one of the headers' seconds: 1000, except in tests that cannot wait minutes. */
    private final long secondMs;

    SessionTimer(ScheduledExecutorService timers, SipMessaging sip, long secondMs) {
        this.timers = timers;
        this.sip = sip;
        this.secondMs = secondMs;
    }

    /** Reads Session-Expires, Min-SE and Supported from an INVITE, re-INVITE or UPDATE. */
    static Ask ask(Request request) throws Malformed {
        String se = firstValue(request, SESSION_EXPIRES, "x");
        boolean supports = hasOptionTag(request, "Supported", "k", TIMER);
        String minSeText = firstValue(request, MIN_SE, null);
        int minSe = minSeText == null ? 0 : deltaSeconds(stripParameters(minSeText), MIN_SE);
        if (se == null) {
            return new Ask(0, minSe, null, supports);
        }
        String[] parts = se.split(";");
        int seconds = deltaSeconds(parts[0].trim(), SESSION_EXPIRES);
        if (seconds == 0) {
            throw new Malformed("Session-Expires of 0");
        }
        String refresher = null;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("refresher=")) {
                refresher = p.substring("refresher=".length()).trim();
                if (!refresher.equals("uac") && !refresher.equals("uas")) {
                    throw new Malformed("refresher=" + refresher);
                }
            }
        }
        return new Ask(seconds, minSe, refresher, supports);
    }

    /**
     * The terms for a request that asked for a session timer, null for one that did not (the call then
     * runs without). Call {@link #tooSmall} first.
     */
    static Terms terms(Ask ask) {
        if (ask.seconds() == 0) {
            return null;
        }
        boolean bridgeRefreshes;
        if (!ask.callerSupportsTimer()) {
            bridgeRefreshes = true; // §9: a caller without timer support cannot refresh
        } else if (ask.refresher() != null) {
            bridgeRefreshes = ask.refresher().equals("uas");
        } else {
            bridgeRefreshes = false;
        }
        return new Terms(ask.seconds(), bridgeRefreshes, ask.callerSupportsTimer());
    }

    /** Whether the asked interval is below our Min-SE: the request then gets 422 (§9). */
    static boolean tooSmall(Ask ask) {
        return ask.seconds() != 0 && ask.seconds() < MIN_SE_S;
    }

    /** The 422 response's Min-SE header. */
    void addMinSe(Response response, Ask ask) throws ParseException {
        sip.addHeader(response, MIN_SE, Integer.toString(Math.max(MIN_SE_S, ask.minSe())));
    }

    /** The call is confirmed, or was refreshed by the caller: (re)start its session with {@code terms}. */
    void start(SipCall call, Terms terms) {
        if (terms == null) {
            return;
        }
        sessions.put(call, terms);
        long delayMs;
        if (terms.bridgeRefreshes()) {
            delayMs = terms.seconds() * secondMs / 2;
        } else {
            delayMs = (terms.seconds() - Math.min(32, terms.seconds() / 3)) * secondMs;
        }
        schedule(call, delayMs, terms.bridgeRefreshes() ? () -> refresh(call) : () -> expired(call));
    }

    /** The call ended: no more timers. */
    void stop(SipCall call) {
        sessions.remove(call);
        Future<?> pending = scheduled.remove(call);
        if (pending != null) {
            pending.cancel(false);
        }
    }

    private void schedule(SipCall call, long delayMs, Runnable task) {
        Future<?> previous;
        try {
            previous = scheduled.put(call, timers.schedule(task, delayMs, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException closing) {
            return;
        }
        if (previous != null) {
            previous.cancel(false);
        }
        if (call.phase() == SipCall.Phase.ENDED) {
            stop(call);
        }
    }

    private void expired(SipCall call) {
        if (call.phase() == SipCall.Phase.ENDED) {
            stop(call);
            return;
        }
        Terms terms = sessions.get(call);
        log.info("call {}: no session refresh within {} s (RFC 4028), ending the call", call.callId(),
                terms == null ? "?" : terms.seconds());
        stop(call);
        call.lost("session timer expired", true);
    }

    /** We are the refresher: a re-INVITE with our current SDP and the same terms (§7.4). */
    private void refresh(SipCall call) {
        Terms terms = sessions.get(call);
        if (terms == null || call.phase() != SipCall.Phase.CONFIRMED) {
            stop(call);
            return;
        }
        String sdp = call.currentSdp();
        try {
            Dialog dialog = call.dialog();
            Request invite = dialog.createRequest(Request.INVITE);
            sip.addHeader(invite, SESSION_EXPIRES, terms.seconds() + ";refresher=uas");
            sip.addHeader(invite, "Supported", TIMER);
            if (invite.getHeader("Contact") == null) {
                sip.addContact(invite, SipMessaging.transportOf(invite), dialog.isSecure());
            }
            if (sdp != null) {
                sip.setSdp(invite, sdp);
            }
            sip.send(dialog, invite, call.callerSource(), new Refresh(call, terms));
        } catch (Exception e) {
            // A request of the caller's in progress (glare) or the dialog gone: try again a little later.
            log.debug("call {}: session refresh not sent: {}", call.callId(), e.toString());
            schedule(call, Math.max(1, terms.seconds() / 8) * secondMs, () -> refresh(call));
        }
    }

    /** The outcome of one of our refreshing re-INVITEs. */
    private final class Refresh implements ClientOutcome {
        private final SipCall call;
        private final Terms terms;

        Refresh(SipCall call, Terms terms) {
            this.call = call;
            this.terms = terms;
        }

        @Override
        public void onResponse(Response response) {
            int status = response.getStatusCode();
            if (status < 200) {
                return;
            }
            if (status < 300) {
                ack(response);
                start(call, terms);
                return;
            }
            if (status == Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST || status == Response.REQUEST_TIMEOUT) {
                log.info("call {}: session refresh answered {}, ending the call", call.callId(), status);
                stop(call);
                call.lost("session refresh answered " + status, true);
                return;
            }
            // 491 and the like: the session still stands until it expires; try again soon (§10).
            log.debug("call {}: session refresh answered {}", call.callId(), status);
            schedule(call, Math.max(1, terms.seconds() / 8) * secondMs, () -> refresh(call));
        }

        @Override
        public void onTimeout() {
            log.info("call {}: no answer to the session refresh, ending the call", call.callId());
            stop(call);
            call.lost("no answer to session refresh", true);
        }

        private void ack(Response ok) {
            try {
                Dialog dialog = call.dialog();
                long cseq = ((CSeqHeader) ok.getHeader(CSeqHeader.NAME)).getSeqNumber();
                dialog.sendAck(dialog.createAck(cseq));
            } catch (SipException | javax.sip.InvalidArgumentException | RuntimeException e) {
                log.debug("call {}: ACK of the session refresh not sent: {}", call.callId(), e.toString());
            }
        }
    }

    /** The value of the first {@code name} (or its compact form) header, without the name, or null. */
    static String firstValue(Message message, String name, String compact) {
        Header header = message.getHeader(name);
        if (header == null && compact != null) {
            header = message.getHeader(compact);
        }
        return header == null ? null : valueOf(header);
    }

    static boolean hasOptionTag(Message message, String name, String compact, String tag) {
        for (String headerName : compact == null ? new String[] {name} : new String[] {name, compact}) {
            ListIterator<?> it = message.getHeaders(headerName);
            while (it != null && it.hasNext()) {
                for (String t : valueOf((Header) it.next()).split(",")) {
                    if (t.trim().equalsIgnoreCase(tag)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String valueOf(Header header) {
        String text = header.toString().trim();
        int colon = text.indexOf(':');
        return colon < 0 ? text : text.substring(colon + 1).trim();
    }

    private static String stripParameters(String value) {
        int semi = value.indexOf(';');
        return (semi < 0 ? value : value.substring(0, semi)).trim();
    }

    private static int deltaSeconds(String text, String header) throws Malformed {
        if (text.isEmpty() || text.length() > 10) {
            throw new Malformed(header + ": '" + text + "'");
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                throw new Malformed(header + ": '" + text + "'");
            }
        }
        long value = Long.parseLong(text);
        return (int) Math.min(value, Integer.MAX_VALUE);
    }
}
