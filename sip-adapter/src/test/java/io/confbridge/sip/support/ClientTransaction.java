package io.confbridge.sip.support;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * A request {@link SipTestClient#start started} as a client transaction (RFC 3261 §17.1): matched to
 * its responses by top Via branch and CSeq method, retransmitted over UDP until the first response.
 */
public final class ClientTransaction {

    final String text;
    final InetSocketAddress destination;
    private final Consumer<SipMessage> onResponse;
    private final CompletableFuture<SipMessage> finalResponse = new CompletableFuture<>();
    volatile boolean responded;
    volatile ScheduledFuture<?> retransmit;

    ClientTransaction(String text, InetSocketAddress destination, Consumer<SipMessage> onResponse) {
        this.text = text;
        this.destination = destination;
        this.onResponse = onResponse;
    }

    /** The first final response; later copies go to the listener only. */
    public CompletableFuture<SipMessage> finalResponse() {
        return finalResponse;
    }

    /** On the client's receive thread, for every response and every copy of one. */
    void receive(SipMessage response) {
        responded = true;
        ScheduledFuture<?> pending = retransmit;
        if (pending != null) {
            pending.cancel(false);
        }
        try {
            onResponse.accept(response);
        } finally {
            if (response.statusCode() >= 200) {
                finalResponse.complete(response);
            }
        }
    }
}
