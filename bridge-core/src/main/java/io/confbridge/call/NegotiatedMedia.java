package io.confbridge.call;

import io.confbridge.codec.Codec;
import io.confbridge.rtp.RtpSession;
import io.confbridge.rtp.SrtpKeys;

import java.net.InetSocketAddress;

/**
 * The outcome of an SDP offer/answer exchange after the first (a re-INVITE, or the answer in the ACK
 * to the bridge's own offer): where to send, in which codec and payload types, and whether to send.
 *
 * @param remoteRtp                 where to send RTP; null when not known (nothing is sent then)
 * @param codec                     the codec to send and decode
 * @param audioPayloadType          the payload type of that codec in this exchange
 * @param telephoneEventPayloadType the RFC 4733 payload type, or -1 when none was agreed
 * @param sendAudio                 false while the caller holds the call (sendonly, inactive, c=0.0.0.0)
 * @param srtp                      the SDES keys now in force, or null for plain RTP; a key that changed
 *                                  means a new SRTP context for that direction
 * @param packetTimeMs              the packet time to send in (10–60 ms), from the caller's {@code a=ptime}
 * @param maxPlaybackRate           Opus: the caller's {@code maxplaybackrate} (Hz, 48000 when unsaid)
 */
public record NegotiatedMedia(
        InetSocketAddress remoteRtp,
        Codec codec,
        int audioPayloadType,
        int telephoneEventPayloadType,
        boolean sendAudio,
        SrtpKeys srtp,
        int packetTimeMs,
        int maxPlaybackRate) {

    /** Media with no Opus playback limit. */
    public NegotiatedMedia(InetSocketAddress remoteRtp, Codec codec, int audioPayloadType,
                           int telephoneEventPayloadType, boolean sendAudio, SrtpKeys srtp, int packetTimeMs) {
        this(remoteRtp, codec, audioPayloadType, telephoneEventPayloadType, sendAudio, srtp, packetTimeMs,
                NewCall.FULL_PLAYBACK_RATE);
    }

    /** Media on plain RTP in 20 ms packets. */
    public NegotiatedMedia(InetSocketAddress remoteRtp, Codec codec, int audioPayloadType,
                           int telephoneEventPayloadType, boolean sendAudio) {
        this(remoteRtp, codec, audioPayloadType, telephoneEventPayloadType, sendAudio, null);
    }

    /** Media in 20 ms packets. */
    public NegotiatedMedia(InetSocketAddress remoteRtp, Codec codec, int audioPayloadType,
                           int telephoneEventPayloadType, boolean sendAudio, SrtpKeys srtp) {
        this(remoteRtp, codec, audioPayloadType, telephoneEventPayloadType, sendAudio, srtp,
                RtpSession.DEFAULT_PACKET_TIME_MS);
    }
}
