package io.confbridge.sip.sdp;

import io.confbridge.codec.Codec;

import java.util.List;

/**
 * Builds the bridge's SDP answer (RFC 3264 §6) to an offer: one answered audio stream with the chosen
 * codec's payload (Opus with its format parameters) and telephone-event, every other {@code m=} section rejected with port 0 so the
 * answer has as many sections as the offer, as §6 requires.
 */
public final class SdpAnswer {

    /** Events 0-15 are the DTMF keys, 16 is flash (RFC 4733 §3.2); offering them all is what UAs expect. */
    static final String TELEPHONE_EVENT_FMTP = "0-16";
    /**
     * What the bridge asks of an Opus sender and says of its own stream (RFC 7587 §6.1): mono, with in-band
     * FEC (a lost packet is rebuilt from the next), and no more than 16 kHz, which is what the mix carries.
     */
    static final String OPUS_FMTP = "maxplaybackrate=16000;sprop-maxcapturerate=16000;stereo=0;sprop-stereo=0;useinbandfec=1";

    private SdpAnswer() {
    }

    /**
     * @param offer        the parsed offer
     * @param audio        what was selected from it
     * @param localAddress the address RTP is received on (advertised address)
     * @param localRtpPort the local RTP port
     * @param sessionId    the {@code o=} session id, fixed for the call
     * @param version      the {@code o=} version, to be incremented whenever the answer changes
     */
    public static String build(SdpOffer offer, AudioOffer audio, String localAddress, int localRtpPort,
                               long sessionId, long version) {
        return build(offer, audio, localAddress, localRtpPort, sessionId, version, null);
    }

    /**
     * As {@link #build(SdpOffer, AudioOffer, String, int, long, long)}, with SRTP: {@code crypto} is the
     * bridge's own key under the tag of the offer line it accepted (RFC 4568 §5.1.2), one {@code a=crypto}
     * line in the answered stream; null for plain RTP. The profile is the offer's (RTP/SAVP stays SAVP).
     */
    public static String build(SdpOffer offer, AudioOffer audio, String localAddress, int localRtpPort,
                               long sessionId, long version, SdesCrypto crypto) {
        StringBuilder sb = sessionHeader(localAddress, sessionId, version);
        List<SdpMedia> media = offer.media();
        for (int i = 0; i < media.size(); i++) {
            SdpMedia m = media.get(i);
            if (i == audio.mediaIndex()) {
                appendAudio(sb, audio, localRtpPort);
                if (crypto != null) {
                    line(sb, "a=crypto:" + crypto.attributeValue());
                }
                if (m.rtcpMux()) {
                    line(sb, "a=rtcp-mux"); // RFC 5761 §5.1.1: accepted, RTCP shares the RTP port
                }
            } else {
                String firstFormat = m.formats().isEmpty() ? "0" : m.formats().get(0);
                line(sb, "m=" + m.type() + " 0 " + m.protocol() + " " + firstFormat);
            }
        }
        return sb.toString();
    }

    private static void appendAudio(StringBuilder sb, AudioOffer audio, int localRtpPort) {
        int pt = audio.payloadType();
        int te = audio.telephoneEventPayloadType();
        line(sb, "m=audio " + localRtpPort + " " + audio.protocol() + " " + pt + (te >= 0 ? " " + te : ""));
        line(sb, "a=rtpmap:" + pt + " " + audio.codec().rtpmap());
        if (audio.codec() == Codec.OPUS) {
            line(sb, "a=fmtp:" + pt + " " + OPUS_FMTP);
        }
        if (te >= 0) {
            line(sb, "a=rtpmap:" + te + " telephone-event/8000");
            line(sb, "a=fmtp:" + te + " " + TELEPHONE_EVENT_FMTP);
        }
        // RFC 3264 §6.1: the packet time we send in, the caller's as far as we can (Opus in whole 20 ms
        // frames: 20, 40 or 60); and (RFC 4566 §6) the longest packets we take from it.
        line(sb, "a=ptime:" + audio.codec().sentPacketTimeMs(audio.packetTimeMs()));
        line(sb, "a=maxptime:" + PacketTime.MAX_MS);
        line(sb, "a=" + audio.direction().answer().attribute());
    }

    /** {@code IP6} for an IPv6 literal, else {@code IP4} (RFC 4566 §5.7). */
    /**
     * The session part of the bridge's SDP (RFC 4566 §5: v=, o=, s=, c=, t=) for {@code localAddress}, in
     * a builder the media lines are appended to; answers and offers share it.
     */
    static StringBuilder sessionHeader(String localAddress, long sessionId, long version) {
        String addrType = addressType(localAddress);
        StringBuilder sb = new StringBuilder(320);
        line(sb, "v=0");
        line(sb, "o=confbridge " + sessionId + " " + version + " IN " + addrType + " " + localAddress);
        line(sb, "s=confbridge");
        line(sb, "c=IN " + addrType + " " + localAddress);
        line(sb, "t=0 0");
        return sb;
    }

    static String addressType(String address) {
        return address.indexOf(':') >= 0 ? "IP6" : "IP4";
    }

    static void line(StringBuilder sb, String line) {
        sb.append(line).append("\r\n");
    }
}
