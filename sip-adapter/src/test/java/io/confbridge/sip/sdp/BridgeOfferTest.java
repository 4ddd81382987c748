package io.confbridge.sip.sdp;

import io.confbridge.codec.Codec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BridgeOfferTest {

    private static final BridgeOffer OFFER = BridgeOffer.allCodecs();

    private static SdpOffer sdp(String... lines) throws SdpParseException {
        return SdpOffer.parse(String.join("\r\n", lines) + "\r\n");
    }

    @Test
    void offersEveryCodecThenTelephoneEventInIp4OrIp6() {
        String v4 = OFFER.build("192.0.2.7", 40000, 42, 1);
        assertEquals(List.of("v=0", "o=confbridge 42 1 IN IP4 192.0.2.7", "s=confbridge", "c=IN IP4 192.0.2.7", "t=0 0",
                "m=audio 40000 RTP/AVP 111 9 0 8 101", "a=rtpmap:111 opus/48000/2",
                "a=fmtp:111 maxplaybackrate=16000;sprop-maxcapturerate=16000;stereo=0;sprop-stereo=0;useinbandfec=1",
                "a=rtpmap:9 G722/8000", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
                "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=ptime:20", "a=maxptime:60", "a=sendrecv"),
                v4.lines().toList());
        assertTrue(v4.endsWith("\r\n"));
        String v6 = OFFER.build("::1", 40002, 42, 2);
        assertTrue(v6.contains("o=confbridge 42 2 IN IP6 ::1\r\n"), v6);
        assertTrue(v6.contains("c=IN IP6 ::1\r\n"), v6);
        assertEquals("m=audio 40000 RTP/AVP 8 101", new BridgeOffer(List.of(Codec.PCMA))
                .build("192.0.2.7", 40000, 1, 1).lines().filter(l -> l.startsWith("m=")).findFirst().orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> new BridgeOffer(List.of()));
    }

    @Test
    void acceptsAnAnswerAndRemembersEveryCodecItKept() throws Exception {
        BridgeOffer.Agreed agreed = OFFER.accept(sdp("v=0", "o=- 1 1 IN IP4 10.0.0.9", "s=-", "c=IN IP4 10.0.0.9",
                "t=0 0", "m=audio 5004 RTP/AVP 8 0 101", "a=rtpmap:101 telephone-event/8000", "a=sendonly")).orElseThrow();
        assertEquals(Codec.PCMA, agreed.audio().codec());
        assertEquals(8, agreed.audio().payloadType());
        assertEquals(101, agreed.audio().telephoneEventPayloadType());
        assertEquals("10.0.0.9", agreed.audio().connectionAddress());
        assertEquals(5004, agreed.audio().port());
        assertFalse(agreed.audio().sendAudio(), "sendonly answer: the bridge must not send");
        assertEquals(Set.of(Codec.PCMA, Codec.PCMU), agreed.codecs());
    }

    @Test
    void anOpusAnswerOnOurPayloadTypeIsAgreedAndOnAnotherIsNot() throws Exception {
        BridgeOffer.Agreed agreed = OFFER.accept(sdp("v=0", "c=IN IP4 10.0.0.9", "t=0 0",
                "m=audio 5004 RTP/AVP 111 9 101", "a=rtpmap:111 opus/48000/2", "a=fmtp:111 useinbandfec=1",
                "a=rtpmap:101 telephone-event/8000")).orElseThrow();
        assertEquals(Codec.OPUS, agreed.audio().codec());
        assertEquals(111, agreed.audio().payloadType());
        assertEquals(Set.of(Codec.OPUS, Codec.G722), agreed.codecs());
        assertTrue(OFFER.accept(sdp("v=0", "c=IN IP4 10.0.0.9", "t=0 0", "m=audio 5004 RTP/AVP 112",
                "a=rtpmap:112 opus/48000/2")).isEmpty(), "an answer must keep the payload type we offered");
    }

    @Test
    void telephoneEventOnANumberWeDidNotOfferIsDropped() throws Exception {
        BridgeOffer.Agreed agreed = OFFER.accept(sdp("v=0", "c=IN IP4 10.0.0.9", "m=audio 5004 RTP/AVP 0 96",
                "a=rtpmap:96 telephone-event/8000")).orElseThrow();
        assertEquals(-1, agreed.audio().telephoneEventPayloadType());
        assertEquals(Set.of(Codec.PCMU), agreed.codecs());
    }

    @Test
    void refusesAnswersThatDoNotAnswerOurOffer() throws Exception {
        // refused stream, a codec we did not offer, PCMU renumbered, two streams for our one
        assertTrue(OFFER.accept(sdp("v=0", "c=IN IP4 10.0.0.9", "m=audio 0 RTP/AVP 0")).isEmpty());
        assertTrue(OFFER.accept(sdp("v=0", "c=IN IP4 10.0.0.9", "m=audio 5004 RTP/AVP 18")).isEmpty());
        assertTrue(OFFER.accept(sdp("v=0", "c=IN IP4 10.0.0.9", "m=audio 5004 RTP/AVP 97", "a=rtpmap:97 PCMU/8000")).isEmpty());
        assertTrue(OFFER.accept(sdp("v=0", "c=IN IP4 10.0.0.9", "m=audio 5004 RTP/AVP 0", "m=audio 5006 RTP/AVP 0")).isEmpty());
        assertTrue(OFFER.accept(sdp("v=0", "m=audio 5004 RTP/AVP 0")).isEmpty(), "no address");
        assertTrue(OFFER.accept(sdp("v=0", "c=IN IP4 10.0.0.9", "m=audio 5004 RTP/SAVP 0")).isEmpty(), "SRTP answer");
    }

    @Test
    void theUnspecifiedAddressHoldsInIpv6AsZeroesDoInIpv4() throws Exception {
        AudioOffer v6 = sdp("v=0", "c=IN IP6 ::", "m=audio 5004 RTP/AVP 0").selectAudio().orElseThrow();
        assertTrue(v6.isHoldAddress());
        assertFalse(v6.sendAudio());
        AudioOffer v4 = sdp("v=0", "c=IN IP4 0.0.0.0", "m=audio 5004 RTP/AVP 0").selectAudio().orElseThrow();
        assertFalse(v4.sendAudio());
        assertTrue(sdp("v=0", "c=IN IP6 ::1", "m=audio 5004 RTP/AVP 0").selectAudio().orElseThrow().sendAudio());
    }
}
