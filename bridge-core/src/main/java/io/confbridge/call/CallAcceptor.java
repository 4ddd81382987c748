package io.confbridge.call;

/** The core's entry point for inbound calls, used by the signalling adapter. */
public interface CallAcceptor {

    /**
     * Binds the media side of a new call and returns its handle, not yet started.
     *
     * @throws CallRejectedException when the call cannot be taken (no RTP port free, shutting down)
     */
    CallHandle accept(NewCall call, CallSignalling signalling) throws CallRejectedException;
}
