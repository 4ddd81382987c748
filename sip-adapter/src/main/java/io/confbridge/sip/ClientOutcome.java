package io.confbridge.sip;

import javax.sip.message.Response;

/**
 * What to do with the outcome of a request the bridge sent itself inside a call (keepalive OPTIONS,
 * session refresh): kept as the client transaction's application data and called by the router on a
 * SIP stack thread, so implementations only post or end the call.
 */
interface ClientOutcome {

    /** A response arrived (provisional ones included). */
    void onResponse(Response response);

    /** No final response came before the transaction gave up (Timer F or B, RFC 3261 §17.1). */
    void onTimeout();
}
