package io.confbridge.sip.sdp;

import io.confbridge.codec.Codec;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The bridge's own SDP offer (RFC 3264 §5), for a caller that sent none: in the 200 OK to an INVITE
 * without a body (delayed offer, RFC 3261 §13.2.1), whose answer then comes in the ACK. One audio
 * stream with every codec the bridge speaks, in order of preference, and telephone-event.
 *
 * <p>The codec list is a parameter so that codecs added later (wideband) are offered by passing them.
 */
public final class BridgeOffer {

    /** The dynamic payload type we offer telephone-event on; the answer should echo it (RFC 3264 §6.1). */
    public static final int TELEPHONE_EVENT_PAYLOAD_TYPE = 101;
    private static final String PROTOCOL = "RTP/AVP";

    private final List<Codec> codecs;

    /** @param codecs what to offer, most preferred first, each on its RFC 3551 static payload type */
    public BridgeOffer(List<Codec> codecs) {
        if (codecs.isEmpty()) {
            throw new IllegalArgumentException("an offer needs a codec");
        }
        this.codecs = List.copyOf(codecs);
    }

    /** Every codec the bridge speaks, in {@link Codec} order (PCMU first). */
    public static BridgeOffer allCodecs() {
        return new BridgeOffer(List.of(Codec.values()));
    }

    /** The codec the core starts with before the answer arrives: the most preferred one. */
    public Codec firstCodec() {
        return codecs.get(0);
    }

    /** The SDP body of the offer. */
    public String build(String localAddress, int localRtpPort, long sessionId, long version) {
        StringBuilder sb = SdpAnswer.sessionHeader(localAddress, sessionId, version);
        StringBuilder m = new StringBuilder("m=audio ").append(localRtpPort).append(' ').append(PROTOCOL);
        for (Codec c : codecs) {
            m.append(' ').append(c.staticPayloadType());
        }
        m.append(' ').append(TELEPHONE_EVENT_PAYLOAD_TYPE);
        SdpAnswer.line(sb, m.toString());
        for (Codec c : codecs) {
            SdpAnswer.line(sb, "a=rtpmap:" + c.staticPayloadType() + " " + c.encodingName() + "/" + Codec.CLOCK_RATE);
        }
        SdpAnswer.line(sb, "a=rtpmap:" + TELEPHONE_EVENT_PAYLOAD_TYPE + " telephone-event/" + Codec.CLOCK_RATE);
        SdpAnswer.line(sb, "a=fmtp:" + TELEPHONE_EVENT_PAYLOAD_TYPE + " " + SdpAnswer.TELEPHONE_EVENT_FMTP);
        SdpAnswer.line(sb, "a=ptime:" + SdpAnswer.PTIME_MS);
        SdpAnswer.line(sb, "a=" + MediaDirection.SENDRECV.attribute());
        return sb.toString();
    }

    /**
     * What the answer to this offer agreed on, or empty when it is no acceptable answer: not one
     * {@code m=} section as offered (RFC 3264 §6), the stream refused (port 0), or none of our codecs
     * on the payload types we offered them on.
     */
    public Optional<Agreed> accept(SdpOffer answer) {
        if (answer.media().size() != 1) {
            return Optional.empty();
        }
        AudioOffer audio = answer.selectAudio(EnumSet.copyOf(codecs)).orElse(null);
        if (audio == null || audio.payloadType() != audio.codec().staticPayloadType()) {
            return Optional.empty();
        }
        Set<Codec> agreed = EnumSet.noneOf(Codec.class);
        for (String format : answer.media().get(0).formats()) {
            for (Codec c : codecs) {
                if (format.equals(Integer.toString(c.staticPayloadType()))) {
                    agreed.add(c);
                }
            }
        }
        if (audio.telephoneEventPayloadType() >= 0 && audio.telephoneEventPayloadType() != TELEPHONE_EVENT_PAYLOAD_TYPE) {
            // telephone-event on a number we did not offer: no RFC 4733 then, keys are heard in-band.
            audio = new AudioOffer(audio.mediaIndex(), audio.connectionAddress(), audio.port(), audio.protocol(),
                    audio.codec(), audio.payloadType(), -1, audio.direction());
        }
        return Optional.of(new Agreed(audio, agreed));
    }

    /**
     * @param audio  the stream as answered: where to send, the codec to start with (the answer's first),
     *               telephone-event, direction
     * @param codecs every codec of ours the answer accepted: later re-INVITEs may switch among them
     */
    public record Agreed(AudioOffer audio, Set<Codec> codecs) {
        public Agreed {
            codecs = Set.copyOf(codecs);
        }
    }
}
