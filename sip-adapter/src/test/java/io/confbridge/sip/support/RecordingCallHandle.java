package io.confbridge.sip.support;

import io.confbridge.call.CallHandle;
import io.confbridge.call.NegotiatedMedia;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link CallHandle} that records every call the SIP side makes on it. */
public final class RecordingCallHandle implements CallHandle {

    public record MediaUpdate(InetSocketAddress remoteRtp, boolean sendAudio) {
    }

    private final int localRtpPort;
    public final AtomicInteger starts = new AtomicInteger();
    public final AtomicInteger remoteHangUps = new AtomicInteger();
    public final AtomicInteger confirmations = new AtomicInteger();
    public final List<MediaUpdate> mediaUpdates = new CopyOnWriteArrayList<>();
    public final List<Character> digits = new CopyOnWriteArrayList<>();
    /** Reasons of {@link #goodbye} calls. */
    public final List<String> goodbyes = new CopyOnWriteArrayList<>();
    /** Every update in full (codec and payload types too), in the order of {@link #mediaUpdates}. */
    public final List<NegotiatedMedia> negotiated = new CopyOnWriteArrayList<>();

    RecordingCallHandle(int localRtpPort) {
        this.localRtpPort = localRtpPort;
    }

    @Override
    public int localRtpPort() {
        return localRtpPort;
    }

    @Override
    public void start() {
        starts.incrementAndGet();
    }

    @Override
    public void confirmed() {
        confirmations.incrementAndGet();
    }

    @Override
    public void remoteHungUp() {
        remoteHangUps.incrementAndGet();
    }

    @Override
    public void updateMedia(NegotiatedMedia media) {
        negotiated.add(media);
        mediaUpdates.add(new MediaUpdate(media.remoteRtp(), media.sendAudio()));
    }

    @Override
    public void digitFromSignalling(char digit) {
        digits.add(digit);
    }

    @Override
    public void goodbye(String reason) {
        goodbyes.add(reason);
    }
}
