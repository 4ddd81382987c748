package io.confbridge.sip.sdp;

import io.confbridge.codec.Codec;
import java.util.List;
import org.junit.jupiter.api.Test;

import static io.confbridge.sip.sdp.SdpFixtures.crlf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SdpOfferTest {

    private static AudioOffer select(String sdp) throws SdpParseException {
        return SdpOffer.parse(sdp).selectAudio().orElseThrow();
    }

    @Test
    void linphoneOfferPicksOpusAndTheEightKilohertzTelephoneEvent() throws Exception {
        AudioOffer audio = select(SdpFixtures.LINPHONE);
        assertEquals(Codec.OPUS, audio.codec(), "opus/48000/2 on a dynamic payload type (RFC 7587 §7)");
        assertEquals(96, audio.payloadType());
        assertEquals(100, audio.telephoneEventPayloadType());
        assertEquals("192.168.1.10", audio.connectionAddress());
        assertEquals(7078, audio.port());
        assertEquals(MediaDirection.SENDRECV, audio.direction());
        assertTrue(audio.sendAudio());
    }

    /** RFC 7587 §6.1: the caller's Opus {@code maxplaybackrate}, read leniently, 48000 when unsaid. */
    @Test
    void opusMaxPlaybackRateIsReadFromTheChosenPayloadTypesFmtp() throws Exception {
        assertEquals(AudioOffer.FULL_PLAYBACK_RATE, select(SdpFixtures.LINPHONE).maxPlaybackRate(), "unsaid");
        String narrow = SdpFixtures.LINPHONE.replace("a=fmtp:96 useinbandfec=1",
                "a=fmtp:96 useinbandfec=1; maxplaybackrate=8000");
        assertEquals(8000, select(narrow).maxPlaybackRate());
        assertEquals(12000, select(SdpFixtures.LINPHONE.replace("a=fmtp:96 useinbandfec=1",
                "a=fmtp:96 MaxPlaybackRate=12000")).maxPlaybackRate());
        assertEquals(8000, select(SdpFixtures.LINPHONE.replace("a=fmtp:96 useinbandfec=1",
                "a=fmtp:96 maxplaybackrate=100")).maxPlaybackRate(), "no less than Opus's least");
        assertEquals(AudioOffer.FULL_PLAYBACK_RATE, select(SdpFixtures.LINPHONE.replace("a=fmtp:96 useinbandfec=1",
                "a=fmtp:96 maxplaybackrate=fast")).maxPlaybackRate(), "unreadable: as if unsaid");
        assertEquals(AudioOffer.FULL_PLAYBACK_RATE, SdpOffer.parse(narrow)
                .selectAudioPreferring(List.of(Codec.PCMU), false, false).orElseThrow().audio().maxPlaybackRate(),
                "only Opus's own fmtp counts");
    }

    @Test
    void linphoneOfferKeepsRtpmapAndFmtpByPayloadType() throws Exception {
        SdpMedia media = SdpOffer.parse(SdpFixtures.LINPHONE).media().get(0);
        assertEquals("opus/48000/2", media.rtpmaps().get(96));
        assertEquals("annexb=yes", media.fmtps().get(18));
        assertEquals(9, media.formats().size());
    }

    @Test
    void baresipOfferPicksOpusFirstOfferedAndG722WithoutIt() throws Exception {
        AudioOffer audio = select(SdpFixtures.BARESIP);
        assertEquals(Codec.OPUS, audio.codec());
        assertEquals(96, audio.payloadType());
        assertEquals(Codec.G722, SdpOffer.parse(SdpFixtures.BARESIP)
                .selectAudioPreferring(List.of(Codec.G722, Codec.PCMU), false, false).orElseThrow().audio().codec());
        assertEquals(101, audio.telephoneEventPayloadType());
        assertEquals(10004, audio.port());
    }

    @Test
    void rtpCodecsPreferenceWinsOverTheOffersOrder() throws Exception {
        SdpOffer baresip = SdpOffer.parse(SdpFixtures.BARESIP); // offers opus, G722, PCMU, PCMA
        assertEquals(Codec.PCMA, baresip.selectAudioPreferring(List.of(Codec.PCMA, Codec.G722), false, false)
                .orElseThrow().audio().codec());
        assertEquals(Codec.PCMU, baresip.selectAudioPreferring(List.of(Codec.PCMU), false, false)
                .orElseThrow().audio().codec());
        SdpOffer sipp = SdpOffer.parse(SdpFixtures.SIPP);
        assertTrue(sipp.selectAudioPreferring(List.of(Codec.G722), false, false).isEmpty(),
                "a codec left out of rtp.codecs is never taken");
    }

    @Test
    void zoiperOfferPicksPcmaBecauseItIsOfferedFirst() throws Exception {
        AudioOffer audio = select(SdpFixtures.ZOIPER);
        assertEquals(Codec.PCMA, audio.codec());
        assertEquals(8, audio.payloadType());
        assertEquals(101, audio.telephoneEventPayloadType());
    }

    @Test
    void sippDefaultOfferHasNoTelephoneEvent() throws Exception {
        AudioOffer audio = select(SdpFixtures.SIPP);
        assertEquals(Codec.PCMU, audio.codec());
        assertEquals(-1, audio.telephoneEventPayloadType());
        assertEquals("127.0.0.1", audio.connectionAddress());
        assertEquals(6000, audio.port());
    }

    @Test
    void pcmaOnlyOfferWithTelephoneEvent96() throws Exception {
        AudioOffer audio = select(SdpFixtures.PCMA_ONLY_TE96);
        assertEquals(Codec.PCMA, audio.codec());
        assertEquals(96, audio.telephoneEventPayloadType());
    }

    /** iLBC, G.729, and Opus at a clock other than RFC 7587's 48000/2: none is ours. */
    @Test
    void offerWithoutOurCodecsHasNoAudioSelection() throws Exception {
        assertTrue(SdpOffer.parse(SdpFixtures.NO_COMMON_CODEC).selectAudio().isEmpty());
    }

    @Test
    void zeroAddressMeansHoldEvenWithoutDirection() throws Exception {
        AudioOffer audio = select(SdpFixtures.HOLD_ZERO_ADDRESS);
        assertTrue(audio.isHoldAddress());
        assertFalse(audio.sendAudio());
        assertEquals(MediaDirection.SENDRECV, audio.direction());
    }

    @Test
    void mediaLevelConnectionAndDirectionOverrideSessionLevel() throws Exception {
        AudioOffer audio = select(SdpFixtures.MEDIA_LEVEL_OVERRIDES);
        assertEquals("198.51.100.2", audio.connectionAddress(), "media-level c= with TTL suffix");
        assertEquals(MediaDirection.INACTIVE, audio.direction());
        assertFalse(audio.sendAudio());
        assertEquals("198.51.100.1", SdpOffer.parse(SdpFixtures.MEDIA_LEVEL_OVERRIDES).sessionConnectionAddress());
    }

    @Test
    void sessionLevelDirectionAppliesToMedia() throws Exception {
        AudioOffer audio = select(SdpFixtures.SESSION_LEVEL_SENDONLY);
        assertEquals(MediaDirection.SENDONLY, audio.direction());
        assertFalse(audio.sendAudio());
    }

    @Test
    void recvonlyOfferStillWantsOurAudio() throws Exception {
        AudioOffer audio = select(SdpFixtures.SIPP + "a=recvonly\r\n");
        assertEquals(MediaDirection.RECVONLY, audio.direction());
        assertTrue(audio.sendAudio());
    }

    @Test
    void dynamicPayloadTypeMappedToPcmuIsAccepted() throws Exception {
        AudioOffer audio = select(crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                "m=audio 5000 RTP/AVP 112 113", "a=rtpmap:112 PCMU/8000", "a=rtpmap:113 telephone-event/8000"));
        assertEquals(Codec.PCMU, audio.codec());
        assertEquals(112, audio.payloadType());
        assertEquals(113, audio.telephoneEventPayloadType());
    }

    @Test
    void staticPayloadTypeRemappedToAnotherCodecIsNotG711() throws Exception {
        assertTrue(SdpOffer.parse(crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                "m=audio 5000 RTP/AVP 0", "a=rtpmap:0 PCMU/16000")).selectAudio().isEmpty());
    }

    @Test
    void securedAndDisabledAudioStreamsAreSkipped() throws Exception {
        AudioOffer audio = select(crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                "m=audio 5000 RTP/SAVP 0", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:abcd",
                "m=audio 0 RTP/AVP 0",
                "m=audio 5004 RTP/AVP 8"));
        assertEquals(2, audio.mediaIndex());
        assertEquals(Codec.PCMA, audio.codec());
        assertEquals(5004, audio.port());
    }

    @Test
    void audioAfterVideoIsFoundByIndex() throws Exception {
        AudioOffer audio = select(SdpFixtures.AUDIO_AND_VIDEO);
        assertEquals(1, audio.mediaIndex());
        assertEquals(9076, audio.port());
    }

    @Test
    void bareLineFeedsAreAccepted() throws Exception {
        AudioOffer audio = select(SdpFixtures.ZOIPER.replace("\r\n", "\n"));
        assertEquals(Codec.PCMA, audio.codec());
    }

    @Test
    void reofferSelectionRequiresTheSameCodecAndPayloadType() throws Exception {
        SdpOffer offer = SdpOffer.parse(SdpFixtures.ZOIPER);
        assertEquals(0, offer.selectAudio(Codec.PCMU, 0).orElseThrow().payloadType());
        assertTrue(offer.selectAudio(Codec.PCMU, 112).isEmpty());
        assertTrue(SdpOffer.parse(SdpFixtures.PCMA_ONLY_TE96).selectAudio(Codec.PCMU, 0).isEmpty());
    }

    @Test
    void malformedRtpmapIsIgnoredAndStaticMeaningApplies() throws Exception {
        AudioOffer audio = select(crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                "m=audio 5000 RTP/AVP 0", "a=rtpmap:", "a=rtpmap:abc PCMA/8000", "a=rtpmap:0"));
        assertEquals(Codec.PCMU, audio.codec());
    }

    @Test
    void audioWithoutAnyConnectionAddressIsUnusable() throws Exception {
        assertTrue(SdpOffer.parse(crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "t=0 0", "m=audio 5000 RTP/AVP 0"))
                .selectAudio().isEmpty());
    }

    @Test
    void rejectsMalformedInput() {
        assertThrows(SdpParseException.class, () -> SdpOffer.parse(""));
        assertThrows(SdpParseException.class, () -> SdpOffer.parse(null));
        assertThrows(SdpParseException.class, () -> SdpOffer.parse("hello world\r\n"));
        assertThrows(SdpParseException.class, () -> SdpOffer.parse("<xml>not sdp</xml>"));
        assertThrows(SdpParseException.class, () -> SdpOffer.parse(crlf("o=- 1 1 IN IP4 1.2.3.4", "m=audio 5000 RTP/AVP 0")),
                "no v= line");
        assertThrows(SdpParseException.class, () -> SdpOffer.parse(crlf("v=0", "c=IN IP4 192.0.2.1", "m=audio abc RTP/AVP 0")));
        assertThrows(SdpParseException.class, () -> SdpOffer.parse(crlf("v=0", "c=IN IP4 192.0.2.1", "m=audio 70000 RTP/AVP 0")));
        assertThrows(SdpParseException.class, () -> SdpOffer.parse(crlf("v=0", "c=IN IP4 192.0.2.1", "m=audio 5000")));
        assertThrows(SdpParseException.class, () -> SdpOffer.parse(crlf("v=0", "c=IN", "m=audio 5000 RTP/AVP 0")));
        assertThrows(SdpParseException.class, () -> SdpOffer.parse(crlf("v=1", "c=IN IP4 192.0.2.1")));
        assertThrows(SdpParseException.class, () -> SdpOffer.parse(crlf("v=0", "X=upper case type")));
    }

    @Test
    void unknownLineTypesAndAttributesAreSkipped() throws Exception {
        SdpOffer offer = SdpOffer.parse(crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "i=info", "u=http://x",
                "e=a@b", "b=CT:64", "c=IN IP4 192.0.2.1", "t=0 0", "r=604800 3600 0", "z=2882844526 -1h",
                "a=tool:x", "m=audio 5000 RTP/AVP 0", "a=whatever", "a=rtcp:5001"));
        assertNull(offer.sessionDirection());
        assertEquals(1, offer.media().size());
    }
}
