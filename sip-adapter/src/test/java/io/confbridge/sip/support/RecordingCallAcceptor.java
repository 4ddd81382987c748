package io.confbridge.sip.support;

import io.confbridge.call.CallAcceptor;
import io.confbridge.call.CallHandle;
import io.confbridge.call.CallRejectedException;
import io.confbridge.call.CallSignalling;
import io.confbridge.call.NewCall;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A hand-written {@link CallAcceptor} that records what it was given and hands out recording handles. */
public final class RecordingCallAcceptor implements CallAcceptor {

    public static final int FIRST_RTP_PORT = 40000;

    public final List<NewCall> calls = new CopyOnWriteArrayList<>();
    private final Map<String, RecordingCallHandle> handles = new ConcurrentHashMap<>();
    private final Map<String, CallSignalling> signalling = new ConcurrentHashMap<>();
    private final AtomicInteger nextPort = new AtomicInteger(FIRST_RTP_PORT);
    private volatile Throwable failure;
    private volatile RuntimeException thrown;
    private volatile boolean holding;
    private final Map<String, CompletableFuture<CallHandle>> held = new ConcurrentHashMap<>();

    /** Makes the next calls fail with this SIP status (0: accept). */
    public void rejectWith(int status) {
        failWith(status == 0 ? null : new CallRejectedException(status, "test rejects"));
    }

    /** Makes the next calls fail with this (null: accept), as the core's future would. */
    public void failWith(Throwable failure) {
        this.failure = failure;
    }

    /** Makes the next calls throw this from {@code accept} itself (null: do not), breaking the contract. */
    public void throwOnAccept(RuntimeException thrown) {
        this.thrown = thrown;
    }

    /** Makes the next calls wait for {@link #decide} instead of being taken at once, as a slow media bind would. */
    public void holdDecisions() {
        holding = true;
    }

    /** Completes a held call with its handle, from the test's thread (standing in for a media loop). */
    public void decide(String callId) {
        CompletableFuture<CallHandle> decision = held.remove(callId);
        if (decision == null) {
            throw new AssertionError("no decision held for " + callId);
        }
        decision.complete(handle(callId));
    }

    /** Drops the acceptor's own hold on a call's handle (the call's signalling side is still kept). */
    public RecordingCallHandle forgetHandle(String callId) {
        return handles.remove(callId);
    }

    @Override
    public CompletableFuture<CallHandle> accept(NewCall call, CallSignalling callSignalling) {
        calls.add(call);
        if (thrown != null) {
            throw thrown;
        }
        Throwable refusal = failure;
        if (refusal != null) {
            return CompletableFuture.failedFuture(refusal);
        }
        RecordingCallHandle handle = new RecordingCallHandle(nextPort.getAndAdd(2));
        handles.put(call.callId(), handle);
        signalling.put(call.callId(), callSignalling);
        if (holding) {
            CompletableFuture<CallHandle> decision = new CompletableFuture<>();
            held.put(call.callId(), decision);
            return decision;
        }
        return CompletableFuture.completedFuture(handle);
    }

    public RecordingCallHandle handle(String callId) {
        RecordingCallHandle handle = handles.get(callId);
        if (handle == null) {
            throw new AssertionError("no call accepted with Call-ID " + callId + "; got " + calls);
        }
        return handle;
    }

    public CallSignalling signalling(String callId) {
        return signalling.get(callId);
    }

    public NewCall call(String callId) {
        return calls.stream().filter(c -> c.callId().equals(callId)).findFirst()
                .orElseThrow(() -> new AssertionError("no call " + callId));
    }
}
