package io.confbridge.call;

import io.confbridge.codec.Codec;
import io.confbridge.dtmf.DtmfReceiver;
import io.confbridge.mixer.ParticipantAudio;
import io.confbridge.rtp.RtpReceptionStats;
import io.confbridge.rtp.RtpSession;
import io.netty.buffer.ByteBuf;

/**
 * What the caller sends in RTP, on the call's loop: telephone-events and audio go to the call's
 * {@link DtmfReceiver}, and the audio also goes to the meeting's mixer while the caller is in it.
 */
final class CallerMedia implements RtpSession.Receiver {
    private final Call call;
    private final DtmfReceiver keys;
    private final Playout playout;
    private final ParticipantAudio audio;
    /** The caller's RFC 3550 reception statistics, updated before each packet reaches us: their jitter sizes the buffer. */
    private final RtpReceptionStats reception;

    CallerMedia(Call call, DtmfReceiver keys, Playout playout, ParticipantAudio audio, RtpReceptionStats reception) {
        this.reception = reception;
        this.call = call;
        this.keys = keys;
        this.playout = playout;
        this.audio = audio;
    }

    @Override
    public void onTelephoneEvent(ByteBuf buf, int payloadOffset, int payloadLength, long rtpTimestamp,
                                 boolean marker) {
        long now = System.nanoTime();
        // A phone sending events may leave the key's tones in its audio as well: keep them from the mix.
        audio.keyToneHeard(now);
        call.keyPressed(keys.telephoneEvent(buf, payloadOffset, payloadLength, rtpTimestamp, marker, now));
    }

    @Override
    public void onAudio(int sequenceNumber, ByteBuf buf, int payloadOffset, int payloadLength) {
        long now = System.nanoTime();
        char key = keys.audio(buf, payloadOffset, payloadLength, now);
        if (keys.keyToneInAudio()) {
            audio.keyToneHeard(now);
        }
        call.keyPressed(key);
        if (playout.inMeeting()) {
            // The jitter buffer counts in 8 kHz units; Opus's RTP clock is 48 kHz.
            audio.received(sequenceNumber, buf, payloadOffset, payloadLength,
                    reception.jitter() * Codec.CLOCK_RATE / reception.clockRate());
        }
    }
}
