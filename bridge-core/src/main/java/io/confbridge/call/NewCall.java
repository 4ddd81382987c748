package io.confbridge.call;

import io.confbridge.codec.Codec;
import io.confbridge.rtp.RtpSession;
import io.confbridge.rtp.SrtpKeys;

import java.net.InetSocketAddress;

/**
 * What the signalling side negotiated for a new inbound call, handed to {@link CallAcceptor}.
 *
 * @param callId             the SIP Call-ID, for logs only
 * @param requestUriUser     the user part of the Request-URI ({@code 4711001} in {@code sip:4711001@bridge}), or "" if none
 * @param callerId           the From user (caller ID), or "" if anonymous
 * @param signallingSource   where the INVITE came from (the source address for lockout counters)
 * @param remoteRtp          where to send RTP, from the SDP offer's c= and m= lines; null for a call
 *                           without an offer (the bridge offers; the answer comes later through
 *                           {@link CallHandle#updateMedia}, before {@link CallHandle#start})
 * @param codec              the chosen G.711 variant
 * @param audioPayloadType   the payload type the offer used for that codec (0 or 8 normally)
 * @param telephoneEventPayloadType the negotiated RFC 4733 payload type, or -1 if the offer had none
 * @param sendAudio          false when the offer put us on hold (sendonly/inactive or c=0.0.0.0)
 * @param authenticatedOrganizerId the organizer whose SIP digest credentials this INVITE proved, or
 *                           {@link #ANONYMOUS}: unauthenticated and wrongly authenticated callers alike
 * @param remoteRtcp         the offer's {@code a=rtcp} address (RFC 3605), or null for RTP port + 1
 * @param rtcpMux            the offer had {@code a=rtcp-mux} and the answer accepts it (RFC 5761)
 * @param srtp               the SDES keys agreed for SRTP, or null for plain RTP (and for a call without
 *                           an offer, whose keys come with the answer through {@link CallHandle#updateMedia})
 * @param sourceKey          whom the PIN back-off counts this caller's address as: the signalling source's
 *                           address, or for a caller behind one of {@code sip.trustedProxies} its identity
 *                           ({@code caller:<P-Asserted-Identity or From user>}); null for the source address
 * @param packetTimeMs       the packet time to send in (10–60 ms), chosen from the offer's {@code a=ptime}
 *                           and {@code a=maxptime}; 20 for a call without an offer until its answer says
 * @param maxPlaybackRate    Opus: the most the caller plays out, its {@code maxplaybackrate} (Hz, 48000 when
 *                           unsaid); the bridge codes no wider a band for it
 */
public record NewCall(
        String callId,
        String requestUriUser,
        String callerId,
        InetSocketAddress signallingSource,
        InetSocketAddress remoteRtp,
        Codec codec,
        int audioPayloadType,
        int telephoneEventPayloadType,
        boolean sendAudio,
        long authenticatedOrganizerId,
        InetSocketAddress remoteRtcp,
        boolean rtcpMux,
        SrtpKeys srtp,
        String sourceKey,
        int packetTimeMs,
        int maxPlaybackRate) {

    /** No Opus playback limit (RFC 7587 §6.1's default). */
    public static final int FULL_PLAYBACK_RATE = 48_000;

    /** A call with no Opus playback limit. */
    public NewCall(String callId, String requestUriUser, String callerId, InetSocketAddress signallingSource,
                   InetSocketAddress remoteRtp, Codec codec, int audioPayloadType, int telephoneEventPayloadType,
                   boolean sendAudio, long authenticatedOrganizerId, InetSocketAddress remoteRtcp, boolean rtcpMux,
                   SrtpKeys srtp, String sourceKey, int packetTimeMs) {
        this(callId, requestUriUser, callerId, signallingSource, remoteRtp, codec, audioPayloadType,
                telephoneEventPayloadType, sendAudio, authenticatedOrganizerId, remoteRtcp, rtcpMux, srtp, sourceKey,
                packetTimeMs, FULL_PLAYBACK_RATE);
    }

    /** A call sent to in 20 ms packets. */
    public NewCall(String callId, String requestUriUser, String callerId, InetSocketAddress signallingSource,
                   InetSocketAddress remoteRtp, Codec codec, int audioPayloadType, int telephoneEventPayloadType,
                   boolean sendAudio, long authenticatedOrganizerId, InetSocketAddress remoteRtcp, boolean rtcpMux,
                   SrtpKeys srtp, String sourceKey) {
        this(callId, requestUriUser, callerId, signallingSource, remoteRtp, codec, audioPayloadType,
                telephoneEventPayloadType, sendAudio, authenticatedOrganizerId, remoteRtcp, rtcpMux, srtp, sourceKey,
                RtpSession.DEFAULT_PACKET_TIME_MS);
    }

    /** A call on plain RTP. */
    public NewCall(String callId, String requestUriUser, String callerId, InetSocketAddress signallingSource,
                   InetSocketAddress remoteRtp, Codec codec, int audioPayloadType, int telephoneEventPayloadType,
                   boolean sendAudio, long authenticatedOrganizerId, InetSocketAddress remoteRtcp, boolean rtcpMux) {
        this(callId, requestUriUser, callerId, signallingSource, remoteRtp, codec, audioPayloadType,
                telephoneEventPayloadType, sendAudio, authenticatedOrganizerId, remoteRtcp, rtcpMux, null, null);
    }

    /** No organizer identity was proved for this call. */
    public static final long ANONYMOUS = -1;
}
