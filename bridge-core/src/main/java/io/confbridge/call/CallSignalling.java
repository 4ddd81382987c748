package io.confbridge.call;

/**
 * What the core asks of the signalling side for one call. Implemented by the SIP adapter; may be
 * called from any thread, so implementations hand the work to their own stack.
 */
public interface CallSignalling {

    /** Ends the call from the bridge's side (SIP: send BYE). Called at most once per call. */
    void hangUp(String reason);

    /**
     * The caller dialled a conference ID that does not exist (not a timeout nor an empty entry): the
     * signalling side counts these per source ({@code limits.conferenceIdFailuresPerSource}) and may end
     * the source's calls. Called from a worker thread.
     */
    default void conferenceIdRejected() {
    }
}
