package io.confbridge.sip;

import javax.sip.InvalidArgumentException;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionUnavailableException;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * One inbound request and its server transaction while the listener handles it: created lazily, so
 * requests we only drop never cost a transaction, and remembering whether a final response went out,
 * so that the error path knows whether a 500 is still possible.
 */
final class SipExchange {

    /** A retransmission that raced the first copy into the listener; the transaction answers it. */
    static final class Retransmission extends Exception {
        Retransmission(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private final RequestEvent event;
    private final SipProvider provider;
    private ServerTransaction transaction;
    private boolean finalResponseSent;

    SipExchange(RequestEvent event, SipProvider provider) {
        this.event = event;
        this.provider = provider;
        this.transaction = event.getServerTransaction();
    }

    Request request() {
        return event.getRequest();
    }

    RequestEvent event() {
        return event;
    }

    ServerTransaction transaction() throws SipException, Retransmission {
        if (transaction == null) {
            try {
                transaction = provider.getNewServerTransaction(event.getRequest());
            } catch (TransactionAlreadyExistsException e) {
                throw new Retransmission(e);
            }
        }
        return transaction;
    }

    void respond(Response response) throws SipException, Retransmission {
        ServerTransaction st;
        try {
            st = transaction();
        } catch (TransactionUnavailableException e) {
            // jain-sip refuses a transaction for a request it finds incomplete (an INVITE without
            // Contact); the refusal still has to reach the sender.
            respondStatelessly(response);
            return;
        }
        try {
            st.sendResponse(response);
        } catch (InvalidArgumentException e) {
            throw new SipException("cannot send " + response.getStatusCode(), e);
        }
        if (response.getStatusCode() >= 200) {
            finalResponseSent = true;
        }
    }

    /** Sends without a transaction: for responses after the transaction failed. */
    void respondStatelessly(Response response) throws SipException {
        provider.sendResponse(response);
        finalResponseSent = true;
    }

    boolean finalResponseSent() {
        return finalResponseSent;
    }
}
