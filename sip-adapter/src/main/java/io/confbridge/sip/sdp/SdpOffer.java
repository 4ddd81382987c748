package io.confbridge.sip.sdp;

import io.confbridge.codec.Codec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An SDP offer (RFC 4566) reduced to what a G.711 audio bridge needs: connection addresses, the
 * {@code m=} sections with their formats, {@code rtpmap}/{@code fmtp} and direction attributes.
 *
 * <p>Parsing is strict where an answer depends on it ({@code m=} and {@code c=} lines) and lenient
 * elsewhere: unknown line types and attributes are skipped, a malformed {@code a=rtpmap} is ignored,
 * {@code \n} and {@code \r\n} line ends are both accepted (many UAs get this wrong).
 *
 * @param sessionConnectionAddress the session-level {@code c=} address, or null
 * @param sessionDirection         the session-level direction attribute, or null
 * @param media                    the {@code m=} sections in order
 */
public record SdpOffer(String sessionConnectionAddress, MediaDirection sessionDirection, List<SdpMedia> media) {

    private static final String TELEPHONE_EVENT = "telephone-event";

    public SdpOffer {
        media = List.copyOf(media);
    }

    /** Parses an SDP body. */
    public static SdpOffer parse(String sdp) throws SdpParseException {
        if (sdp == null || sdp.isBlank()) {
            throw new SdpParseException("empty SDP");
        }
        String sessionAddress = null;
        MediaDirection sessionDirection = null;
        List<SdpMedia> media = new ArrayList<>();
        MediaBuilder current = null;
        boolean sawVersion = false;

        for (String rawLine : sdp.split("\n", -1)) {
            String line = rawLine.endsWith("\r") ? rawLine.substring(0, rawLine.length() - 1) : rawLine;
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw new SdpParseException("not an SDP line: " + abbreviate(line));
            }
            char type = line.charAt(0);
            String value = line.substring(2).trim();
            switch (type) {
                case 'v' -> {
                    if (!"0".equals(value)) {
                        throw new SdpParseException("unsupported SDP version: " + abbreviate(value));
                    }
                    sawVersion = true;
                }
                case 'c' -> {
                    String address = parseConnection(value);
                    if (current == null) {
                        sessionAddress = address;
                    } else {
                        current.connectionAddress = address;
                    }
                }
                case 'm' -> {
                    if (current != null) {
                        media.add(current.build());
                    }
                    current = MediaBuilder.parse(value);
                }
                case 'a' -> {
                    if (current == null) {
                        MediaDirection d = MediaDirection.fromAttribute(value);
                        if (d != null) {
                            sessionDirection = d;
                        }
                    } else {
                        current.attribute(value);
                    }
                }
                default -> {
                    // o=, s=, t=, b=, i=, ... carry nothing the bridge answers differently for.
                }
            }
        }
        if (!sawVersion) {
            throw new SdpParseException("no v= line");
        }
        if (current != null) {
            media.add(current.build());
        }
        return new SdpOffer(sessionAddress, sessionDirection, media);
    }

    /**
     * Picks the first usable audio stream and in it the first offered payload that is Opus, G.722, PCMU or PCMA,
     * plus {@code telephone-event/8000} if offered.
     */
    public Optional<AudioOffer> selectAudio() {
        return select(null, -1);
    }

    /**
     * Like {@link #selectAudio()}, but only accepts the given codec on the given payload type: a
     * re-INVITE may move or hold the stream but the core cannot switch codecs mid-call.
     */
    public Optional<AudioOffer> selectAudio(Codec codec, int payloadType) {
        return select(codec, payloadType, null);
    }

    /**
     * Like {@link #selectAudio()}, but only among {@code allowed} codecs, on any payload type: a
     * re-INVITE may switch among the codecs the call negotiated.
     */
    public Optional<AudioOffer> selectAudio(Set<Codec> allowed) {
        return select(null, -1, allowed);
    }

    private Optional<AudioOffer> select(Codec requiredCodec, int requiredPt) {
        return select(requiredCodec, requiredPt, null);
    }

    private Optional<AudioOffer> select(Codec requiredCodec, int requiredPt, Set<Codec> allowed) {
        for (int i = 0; i < media.size(); i++) {
            SdpMedia m = media.get(i);
            if (!m.isPlainRtpAudio()) {
                continue;
            }
            AudioOffer audio = audioIn(i, m, requiredCodec, requiredPt, allowed, null);
            if (audio != null) {
                return Optional.of(audio);
            }
        }
        return Optional.empty();
    }

    /**
     * The stream picked under an SRTP policy (RFC 4568 SDES): {@code crypto} is the caller's key offer
     * the bridge takes, null for plain RTP.
     */
    public record SecuredAudio(AudioOffer audio, SdesCrypto crypto) {
    }

    /**
     * Like {@link #selectAudio(Set)} ({@code allowed} null for any codec), under {@code rtp.srtp}: the
     * first audio stream the policy lets through. A stream offered as RTP/SAVP needs a usable
     * {@code a=crypto} line and keys allowed on this signalling; one offered as RTP/AVP with crypto
     * lines (best-effort SRTP, as baresip's {@code mediaenc srtp} sends) gets SRTP when keys are allowed
     * and plain RTP otherwise, unless the policy is mandatory. A stream whose crypto lines are malformed
     * counts as one without usable crypto.
     *
     * @param keysAllowed {@code rtp.srtp} is not off and the signalling is TLS or
     *                    {@code rtp.srtpOverInsecureSignalling} is set
     * @param mandatory   {@code rtp.srtp=mandatory}: only a stream with SRTP will do
     */
    public Optional<SecuredAudio> selectAudio(Set<Codec> allowed, boolean keysAllowed, boolean mandatory) {
        return selectSecured(allowed, null, keysAllowed, mandatory);
    }

    /**
     * Like {@link #selectAudio(Set, boolean, boolean)} for a new call: in the stream, the codec taken is
     * the first of {@code preference} ({@code rtp.codecs}, best first) that the offer carries, whatever
     * the offer's own order (issue 11: the best codec both sides have); codecs not in it are refused.
     */
    public Optional<SecuredAudio> selectAudioPreferring(List<Codec> preference, boolean keysAllowed,
                                                        boolean mandatory) {
        return selectSecured(null, preference, keysAllowed, mandatory);
    }

    private Optional<SecuredAudio> selectSecured(Set<Codec> allowed, List<Codec> preference, boolean keysAllowed,
                                                 boolean mandatory) {
        for (int i = 0; i < media.size(); i++) {
            SdpMedia m = media.get(i);
            if (!m.isRtpAudio()) {
                continue;
            }
            SdesCrypto crypto = keysAllowed ? firstUsable(m.cryptos()) : null;
            if (crypto == null && (m.isSecureProfile() || mandatory)) {
                continue;
            }
            AudioOffer audio = audioIn(i, m, null, -1, allowed, preference);
            if (audio != null) {
                return Optional.of(new SecuredAudio(audio, crypto));
            }
        }
        return Optional.empty();
    }

    /** The usable crypto lines of the stream {@code audio} was picked from, in offer order. */
    public List<SdesCrypto> cryptosOf(AudioOffer audio) {
        try {
            return SdesCrypto.usable(media.get(audio.mediaIndex()).cryptos());
        } catch (SdpParseException e) {
            return List.of();
        }
    }

    private static SdesCrypto firstUsable(List<String> cryptoValues) {
        try {
            List<SdesCrypto> usable = SdesCrypto.usable(cryptoValues);
            return usable.isEmpty() ? null : usable.get(0);
        } catch (SdpParseException e) {
            return null;
        }
    }

    /**
     * The audio of {@code m} (section {@code i}) if it carries an acceptable codec, else null: the first
     * offered, or with a {@code preference} the best ranked in it.
     */
    private AudioOffer audioIn(int i, SdpMedia m, Codec requiredCodec, int requiredPt, Set<Codec> allowed,
                               List<Codec> preference) {
        String address = m.connectionAddress() != null ? m.connectionAddress() : sessionConnectionAddress;
        if (address == null) {
            return null;
        }
        Codec codec = null;
        int codecPt = -1;
        int codecRank = Integer.MAX_VALUE;
        int eventPt = -1;
        for (String format : m.formats()) {
            int pt = payloadType(format);
            if (pt < 0) {
                continue;
            }
            Codec candidate = codecOf(m, pt);
            if (candidate != null
                    && (requiredCodec == null || (candidate == requiredCodec && pt == requiredPt))
                    && (allowed == null || allowed.contains(candidate))) {
                int rank = preference == null ? 0 : preference.indexOf(candidate);
                if (rank >= 0 && rank < codecRank) {
                    codec = candidate;
                    codecPt = pt;
                    codecRank = rank;
                }
            }
            if (eventPt < 0 && m.carries(pt, TELEPHONE_EVENT, Codec.CLOCK_RATE, -1)) {
                eventPt = pt;
            }
        }
        if (codec == null) {
            return null;
        }
        MediaDirection direction = m.direction() != null ? m.direction()
                : sessionDirection != null ? sessionDirection : MediaDirection.SENDRECV;
        return new AudioOffer(i, address, m.port(), m.protocol(), codec, codecPt, eventPt, direction,
                PacketTime.choose(m.ptimeMs(), m.maxPtimeMs()),
                codec == Codec.OPUS ? maxPlaybackRate(m.fmtps().get(codecPt)) : AudioOffer.FULL_PLAYBACK_RATE);
    }

    /**
     * The {@code maxplaybackrate} of an Opus {@code a=fmtp} (RFC 7587 §6.1: "maxplaybackrate=8000;
     * useinbandfec=1"), in Hz; {@link AudioOffer#FULL_PLAYBACK_RATE} when absent or unreadable, and
     * no less than 8000, the least Opus codes.
     */
    static int maxPlaybackRate(String fmtp) {
        if (fmtp == null) {
            return AudioOffer.FULL_PLAYBACK_RATE;
        }
        for (String parameter : fmtp.split(";")) {
            int eq = parameter.indexOf('=');
            if (eq > 0 && parameter.substring(0, eq).trim().equalsIgnoreCase("maxplaybackrate")) {
                try {
                    long hz = Long.parseLong(parameter.substring(eq + 1).trim());
                    return (int) Math.max(8000, Math.min(AudioOffer.FULL_PLAYBACK_RATE, hz));
                } catch (NumberFormatException e) {
                    return AudioOffer.FULL_PLAYBACK_RATE;
                }
            }
        }
        return AudioOffer.FULL_PLAYBACK_RATE;
    }

    private static Codec codecOf(SdpMedia m, int pt) {
        for (Codec c : Codec.values()) {
            if (m.carries(pt, c.encodingName(), c.clockRate(), c.staticPayloadType())) {
                return c;
            }
        }
        return null;
    }

    private static int payloadType(String format) {
        try {
            int pt = Integer.parseInt(format);
            return pt >= 0 && pt <= 127 ? pt : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** {@code IN IP4 192.0.2.1[/ttl]} → the address. */
    private static String parseConnection(String value) throws SdpParseException {
        String[] parts = value.split("\\s+");
        if (parts.length != 3 || !"IN".equals(parts[0]) || !("IP4".equals(parts[1]) || "IP6".equals(parts[1]))) {
            throw new SdpParseException("bad c= line: " + abbreviate(value));
        }
        String address = parts[2];
        int slash = address.indexOf('/');
        if (slash >= 0) {
            address = address.substring(0, slash);
        }
        if (address.isEmpty()) {
            throw new SdpParseException("bad c= line: " + abbreviate(value));
        }
        return address;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    /** Collects one {@code m=} section while its attribute lines are read. */
    private static final class MediaBuilder {
        private final String type;
        private final int port;
        private final String protocol;
        private final List<String> formats;
        private String connectionAddress;
        private MediaDirection direction;
        private final Map<Integer, String> rtpmaps = new HashMap<>();
        private final Map<Integer, String> fmtps = new HashMap<>();
        private boolean rtcpMux;
        private String rtcp;
        private final List<String> cryptos = new ArrayList<>();
        private int ptimeMs = -1;
        private int maxPtimeMs = -1;

        private MediaBuilder(String type, int port, String protocol, List<String> formats) {
            this.type = type;
            this.port = port;
            this.protocol = protocol;
            this.formats = formats;
        }

        /** {@code audio 49170[/2] RTP/AVP 0 8 101}. */
        static MediaBuilder parse(String value) throws SdpParseException {
            String[] parts = value.split("\\s+");
            if (parts.length < 4) {
                throw new SdpParseException("bad m= line: " + abbreviate(value));
            }
            String portText = parts[1];
            int slash = portText.indexOf('/');
            if (slash >= 0) {
                portText = portText.substring(0, slash);
            }
            int port;
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw new SdpParseException("bad m= port: " + abbreviate(value));
            }
            if (port < 0 || port > 65535) {
                throw new SdpParseException("m= port out of range: " + port);
            }
            List<String> formats = new ArrayList<>();
            for (int i = 3; i < parts.length; i++) {
                formats.add(parts[i]);
            }
            return new MediaBuilder(parts[0], port, parts[2], formats);
        }

        void attribute(String value) {
            MediaDirection d = MediaDirection.fromAttribute(value);
            if (d != null) {
                direction = d;
                return;
            }
            if (value.startsWith("rtpmap:")) {
                putByPayloadType(rtpmaps, value.substring("rtpmap:".length()));
            } else if (value.startsWith("fmtp:")) {
                putByPayloadType(fmtps, value.substring("fmtp:".length()));
            } else if (value.equals("rtcp-mux")) {
                rtcpMux = true;
            } else if (value.startsWith("rtcp:")) {
                rtcp = value.substring("rtcp:".length()).trim();
            } else if (value.startsWith("crypto:")) {
                cryptos.add(value.substring("crypto:".length()).trim());
            } else if (value.startsWith("ptime:")) {
                ptimeMs = milliseconds(value.substring("ptime:".length()));
            } else if (value.startsWith("maxptime:")) {
                maxPtimeMs = milliseconds(value.substring("maxptime:".length()));
            }
        }

        /**
         * {@code 20}, or {@code 22.5} as some UAs write it (RFC 4566 §6 leaves the format open): whole
         * milliseconds, the fraction cut off so that what is chosen from it never exceeds it; -1 when it
         * is no positive number.
         */
        private static int milliseconds(String value) {
            String v = value.trim();
            int dot = v.indexOf('.');
            String whole = dot >= 0 ? v.substring(0, dot) : v;
            if (whole.isEmpty() || whole.length() > 6) {
                return -1;
            }
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if ((c < '0' || c > '9') && i != dot) {
                    return -1;
                }
            }
            int ms = Integer.parseInt(whole);
            return ms > 0 ? ms : -1;
        }

        /** {@code 101 telephone-event/8000}; malformed ones are skipped, the static meaning then applies. */
        private static void putByPayloadType(Map<Integer, String> into, String value) {
            int space = value.indexOf(' ');
            if (space <= 0) {
                return;
            }
            int pt = payloadType(value.substring(0, space));
            String rest = value.substring(space + 1).trim();
            if (pt >= 0 && !rest.isEmpty()) {
                into.putIfAbsent(pt, rest);
            }
        }

        SdpMedia build() {
            return new SdpMedia(type, port, protocol, formats, connectionAddress, direction, rtpmaps, fmtps, rtcpMux, rtcp,
                    cryptos, ptimeMs, maxPtimeMs);
        }
    }
}
