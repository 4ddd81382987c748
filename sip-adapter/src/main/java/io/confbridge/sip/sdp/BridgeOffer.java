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
 * <p>The codec list is {@code rtp.codecs}, best first.
 */
public final class BridgeOffer {

    /** The dynamic payload type we offer telephone-event on; the answer should echo it (RFC 3264 §6.1). */
    public static final int TELEPHONE_EVENT_PAYLOAD_TYPE = 101;
    private static final String PROTOCOL = "RTP/AVP";
    private static final String SECURE_PROTOCOL = "RTP/SAVP";

    private final List<Codec> codecs;

    /** @param codecs what to offer, most preferred first, each on its RFC 3551 static payload type */
    public BridgeOffer(List<Codec> codecs) {
        if (codecs.isEmpty()) {
            throw new IllegalArgumentException("an offer needs a codec");
        }
        this.codecs = List.copyOf(codecs);
    }

    /** Every codec the bridge speaks, in {@link Codec} order (G.722 first). */
    public static BridgeOffer allCodecs() {
        return new BridgeOffer(List.of(Codec.values()));
    }

    /** The codec the core starts with before the answer arrives: the most preferred one. */
    public Codec firstCodec() {
        return codecs.get(0);
    }

    /** The SDP body of the offer. */
    public String build(String localAddress, int localRtpPort, long sessionId, long version) {
        return build(localAddress, localRtpPort, sessionId, version, List.of(), false);
    }

    /**
     * The SDP body of the offer with SDES keys of ours ({@code cryptos}, one {@code a=crypto} line each):
     * as RTP/SAVP when {@code savpOnly} ({@code rtp.srtp=mandatory}), else as RTP/AVP with crypto lines,
     * which the answerer may take (SRTP) or leave (plain RTP), best-effort SRTP as softphones offer it.
     */
    public String build(String localAddress, int localRtpPort, long sessionId, long version,
                        List<SdesCrypto> cryptos, boolean savpOnly) {
        StringBuilder sb = SdpAnswer.sessionHeader(localAddress, sessionId, version);
        StringBuilder m = new StringBuilder("m=audio ").append(localRtpPort).append(' ')
                .append(savpOnly ? SECURE_PROTOCOL : PROTOCOL);
        for (Codec c : codecs) {
            m.append(' ').append(c.offeredPayloadType());
        }
        m.append(' ').append(TELEPHONE_EVENT_PAYLOAD_TYPE);
        SdpAnswer.line(sb, m.toString());
        for (Codec c : codecs) {
            SdpAnswer.line(sb, "a=rtpmap:" + c.offeredPayloadType() + " " + c.rtpmap());
            if (c == Codec.OPUS) {
                SdpAnswer.line(sb, "a=fmtp:" + c.offeredPayloadType() + " " + SdpAnswer.OPUS_FMTP);
            }
        }
        SdpAnswer.line(sb, "a=rtpmap:" + TELEPHONE_EVENT_PAYLOAD_TYPE + " telephone-event/" + Codec.CLOCK_RATE);
        SdpAnswer.line(sb, "a=fmtp:" + TELEPHONE_EVENT_PAYLOAD_TYPE + " " + SdpAnswer.TELEPHONE_EVENT_FMTP);
        SdpAnswer.line(sb, "a=ptime:" + PacketTime.DEFAULT_MS);
        SdpAnswer.line(sb, "a=maxptime:" + PacketTime.MAX_MS);
        SdpAnswer.line(sb, "a=" + MediaDirection.SENDRECV.attribute());
        for (SdesCrypto crypto : cryptos) {
            SdpAnswer.line(sb, "a=crypto:" + crypto.attributeValue());
        }
        return sb.toString();
    }

    /**
     * What the answer to this offer agreed on, or empty when it is no acceptable answer: not one
     * {@code m=} section as offered (RFC 3264 §6), the stream refused (port 0), or none of our codecs
     * on the payload types we offered them on.
     */
    public Optional<Agreed> accept(SdpOffer answer) {
        return accept(answer, List.of(), false);
    }

    /**
     * As {@link #accept(SdpOffer)} for an offer that carried {@code ourCryptos}: an answer with a crypto
     * line naming one of our tags with its suite agrees on SRTP ({@link Agreed#srtp()}: our key of that
     * tag, the answer's key); one without crypto agrees on plain RTP, unless {@code mandatory} or it
     * answered RTP/SAVP, which make it unacceptable, as does a crypto line matching none of ours.
     */
    public Optional<Agreed> accept(SdpOffer answer, List<SdesCrypto> ourCryptos, boolean mandatory) {
        if (answer.media().size() != 1) {
            return Optional.empty();
        }
        SdpOffer.SecuredAudio secured = answer.selectAudio(EnumSet.copyOf(codecs), !ourCryptos.isEmpty(), mandatory)
                .orElse(null);
        AudioOffer audio = secured == null ? null : secured.audio();
        if (audio == null || audio.payloadType() != audio.codec().offeredPayloadType()) {
            return Optional.empty();
        }
        io.confbridge.rtp.SrtpKeys srtp = null;
        if (secured.crypto() != null) {
            SdesCrypto theirs = secured.crypto();
            SdesCrypto ours = ourCryptos.stream()
                    .filter(c -> c.tag() == theirs.tag() && c.suite() == theirs.suite()).findFirst().orElse(null);
            if (ours == null) {
                return Optional.empty();
            }
            srtp = ours.keysWith(theirs);
        }
        Set<Codec> agreed = EnumSet.noneOf(Codec.class);
        for (String format : answer.media().get(0).formats()) {
            for (Codec c : codecs) {
                if (format.equals(Integer.toString(c.offeredPayloadType()))) {
                    agreed.add(c);
                }
            }
        }
        if (audio.telephoneEventPayloadType() >= 0 && audio.telephoneEventPayloadType() != TELEPHONE_EVENT_PAYLOAD_TYPE) {
            // telephone-event on a number we did not offer: no RFC 4733 then, keys are heard in-band.
            audio = new AudioOffer(audio.mediaIndex(), audio.connectionAddress(), audio.port(), audio.protocol(),
                    audio.codec(), audio.payloadType(), -1, audio.direction(), audio.packetTimeMs(),
                    audio.maxPlaybackRate());
        }
        return Optional.of(new Agreed(audio, agreed, srtp));
    }

    /**
     * @param audio  the stream as answered: where to send, the codec to start with (the answer's first),
     *               telephone-event, direction
     * @param codecs every codec of ours the answer accepted: later re-INVITEs may switch among them
     * @param srtp   the SRTP keys agreed, null for plain RTP
     */
    public record Agreed(AudioOffer audio, Set<Codec> codecs, io.confbridge.rtp.SrtpKeys srtp) {
        public Agreed {
            codecs = Set.copyOf(codecs);
        }

        public Agreed(AudioOffer audio, Set<Codec> codecs) {
            this(audio, codecs, null);
        }
    }
}
