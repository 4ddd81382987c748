package io.confbridge.sip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.message.Request;
import javax.sip.message.Response;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code sip.keepaliveIntervalMs}: an in-dialog OPTIONS to each confirmed call every interval, so a
 * caller that vanished without a BYE (crashed, unplugged, NAT binding lost) does not hold its place
 * and ports for ever. A 481 (the caller knows no such dialog) or 408, or no answer at all (the client
 * transaction's Timer F), ends the call with BYE, and the core hears it as a hang-up. Any other
 * answer, 405 and 501 included, proves the caller is alive (RFC 5057 §5.1: only 481 and 408 end a
 * dialog's usage).
 *
 * <p>Probes run on the scheduler the server gives us, never on a SIP or media thread; a probe is
 * sent only once the previous one has been answered or has timed out, so a dead caller is never
 * probed twice at once. First probes are spread over the interval, so calls that arrived together
 * are not all probed in the same instant.
 */
final class Keepalive {

    private static final Logger log = LoggerFactory.getLogger(Keepalive.class);

    private final ScheduledExecutorService timers;
    private final long intervalMs;
    private final SipMessaging sip;
    private final Map<SipCall, Future<?>> scheduled = new ConcurrentHashMap<>();

    /** @param intervalMs above 0; a server with keepalives off makes no {@code Keepalive} */
    Keepalive(ScheduledExecutorService timers, long intervalMs, SipMessaging sip) {
        if (intervalMs <= 0) {
            throw new IllegalArgumentException("keepalive interval " + intervalMs);
        }
        this.timers = timers;
        this.intervalMs = intervalMs;
        this.sip = sip;
    }

    /** The call's dialog is confirmed (ACK received): start probing it. */
    void start(SipCall call) {
        long first = intervalMs / 2 + ThreadLocalRandom.current().nextLong(intervalMs / 2 + 1);
        schedule(call, first);
    }

    /** The call ended: no more probes. */
    void stop(SipCall call) {
        Future<?> pending = scheduled.remove(call);
        if (pending != null) {
            pending.cancel(false);
        }
    }

    private void schedule(SipCall call, long delayMs) {
        if (call.phase() == SipCall.Phase.ENDED) {
            stop(call);
            return;
        }
        try {
            scheduled.put(call, timers.schedule(() -> probe(call), delayMs, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException closing) {
            scheduled.remove(call);
        }
        // The call may have ended between the check and the put: then nothing would ever remove it.
        if (call.phase() == SipCall.Phase.ENDED) {
            stop(call);
        }
    }

    private void probe(SipCall call) {
        if (call.phase() != SipCall.Phase.CONFIRMED) {
            stop(call);
            return;
        }
        try {
            sip.sendInDialog(call.dialog(), Request.OPTIONS, call.callerSource(), new Probe(call));
        } catch (Exception e) {
            // The dialog is gone under us (a BYE crossed the probe): the call ends by that path.
            log.debug("call {}: keepalive OPTIONS not sent: {}", call.callId(), e.toString());
            schedule(call, intervalMs);
        }
    }

    /** The outcome of one OPTIONS probe. */
    private final class Probe implements ClientOutcome {
        private final SipCall call;

        Probe(SipCall call) {
            this.call = call;
        }

        @Override
        public void onResponse(Response response) {
            int status = response.getStatusCode();
            if (status < 200) {
                return;
            }
            if (status == Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST || status == Response.REQUEST_TIMEOUT) {
                log.info("call {}: keepalive OPTIONS answered {}, ending the call", call.callId(), status);
                stop(call);
                call.lost("keepalive OPTIONS answered " + status, true);
                return;
            }
            schedule(call, intervalMs);
        }

        @Override
        public void onTimeout() {
            log.info("call {}: no answer to keepalive OPTIONS, ending the call", call.callId());
            stop(call);
            call.lost("no answer to keepalive OPTIONS", true);
        }
    }
}
