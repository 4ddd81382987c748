package io.confbridge.call;

import java.util.concurrent.CompletableFuture;

/** The core's entry point for inbound calls, used by the signalling adapter. */
public interface CallAcceptor {

    /**
     * Starts taking a new call and returns at once: the media side is bound on a media loop, and the
     * future completes there with the call's handle, not yet started. The signalling side must not
     * block the completing thread: it continues on its own executor. A handle that arrives after the
     * caller gave up must still be told {@link CallHandle#remoteHungUp()}, which releases its ports.
     *
     * @return the handle, or a failure: {@link CallRejectedException} when the call cannot be taken (no
     *         RTP port free, shutting down), any other exception when taking it went wrong
     */
    CompletableFuture<CallHandle> accept(NewCall call, CallSignalling signalling);

    /**
     * The Retry-After (seconds, 0 for none) of a node that takes no new calls now (a drain), or -1 while it
     * takes them: an out-of-dialog OPTIONS, the probe of a load balancer such as Kamailio's dispatcher, is
     * then answered 503, so the balancer sends new calls elsewhere while the calls here go on.
     */
    default int refusingNewCalls() {
        return -1;
    }
}
