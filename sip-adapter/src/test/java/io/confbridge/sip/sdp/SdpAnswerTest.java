package io.confbridge.sip.sdp;

import io.confbridge.codec.Codec;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SdpAnswerTest {

    private static String answer(String offerSdp, long version) throws SdpParseException {
        SdpOffer offer = SdpOffer.parse(offerSdp);
        return SdpAnswer.build(offer, offer.selectAudio().orElseThrow(), "192.0.2.50", 20000, 4242, version);
    }

    private static List<String> lines(String sdp) {
        assertTrue(sdp.endsWith("\r\n"), "CRLF line ends");
        return List.of(sdp.split("\r\n"));
    }

    @Test
    void answersLinphoneWithOpusOnItsPayloadTypeAndTelephoneEvent() throws Exception {
        assertEquals(List.of(
                "v=0",
                "o=confbridge 4242 1 IN IP4 192.0.2.50",
                "s=confbridge",
                "c=IN IP4 192.0.2.50",
                "t=0 0",
                "m=audio 20000 RTP/AVP 96 100",
                "a=rtpmap:96 opus/48000/2",
                "a=fmtp:96 maxplaybackrate=16000;sprop-maxcapturerate=16000;stereo=0;sprop-stereo=0;useinbandfec=1",
                "a=rtpmap:100 telephone-event/8000",
                "a=fmtp:100 0-16",
                "a=ptime:20",
                "a=maxptime:60",
                "a=sendrecv"), lines(answer(SdpFixtures.LINPHONE, 1)));
    }

    @Test
    void answersLinphoneWithPcmuWhenOpusIsNotWanted() throws Exception {
        SdpOffer offer = SdpOffer.parse(SdpFixtures.LINPHONE);
        AudioOffer pcmu = offer.selectAudioPreferring(List.of(Codec.PCMU), false, false).orElseThrow().audio();
        List<String> answer = lines(SdpAnswer.build(offer, pcmu, "192.0.2.50", 20000, 4242, 1));
        assertTrue(answer.containsAll(List.of("m=audio 20000 RTP/AVP 0 100", "a=rtpmap:0 PCMU/8000", "a=ptime:20",
                "a=maxptime:60")), answer.toString());
    }

    @Test
    void answerWithoutTelephoneEventHasOnlyTheCodec() throws Exception {
        List<String> lines = lines(answer(SdpFixtures.SIPP, 3));
        assertTrue(lines.contains("m=audio 20000 RTP/AVP 0"));
        assertTrue(lines.contains("o=confbridge 4242 3 IN IP4 192.0.2.50"));
        assertFalse(lines.stream().anyMatch(l -> l.contains("telephone-event") || l.startsWith("a=fmtp")));
    }

    @Test
    void answersPcmaWithTheOfferedEventPayloadType() throws Exception {
        List<String> lines = lines(answer(SdpFixtures.PCMA_ONLY_TE96, 1));
        assertTrue(lines.contains("m=audio 20000 RTP/AVP 8 96"));
        assertTrue(lines.contains("a=rtpmap:8 PCMA/8000"));
        assertTrue(lines.contains("a=fmtp:96 0-16"));
    }

    @Test
    void directionIsTheAnswerToTheOfferedOne() throws Exception {
        assertTrue(lines(answer(SdpFixtures.SESSION_LEVEL_SENDONLY, 1)).contains("a=recvonly"));
        assertTrue(lines(answer(SdpFixtures.MEDIA_LEVEL_OVERRIDES, 1)).contains("a=inactive"));
        assertTrue(lines(answer(SdpFixtures.SIPP + "a=recvonly\r\n", 1)).contains("a=sendonly"));
    }

    @Test
    void otherStreamsAreRejectedWithPortZeroInOfferOrder() throws Exception {
        List<String> media = lines(answer(SdpFixtures.AUDIO_AND_VIDEO, 1)).stream()
                .filter(l -> l.startsWith("m=")).toList();
        assertEquals(List.of("m=video 0 RTP/AVP 96", "m=audio 20000 RTP/AVP 0 101"), media);
    }

    @Test
    void answerParsesBackAsValidSdp() throws Exception {
        SdpOffer reparsed = SdpOffer.parse(answer(SdpFixtures.BARESIP, 2));
        AudioOffer audio = reparsed.selectAudio().orElseThrow();
        assertEquals(20000, audio.port());
        assertEquals("192.0.2.50", audio.connectionAddress());
        assertEquals(101, audio.telephoneEventPayloadType());
    }

    @Test
    void acceptsRtcpMuxWhenOfferedRfc5761() throws Exception {
        assertTrue(lines(answer(SdpFixtures.BARESIP, 1)).contains("a=rtcp-mux"));
        assertFalse(lines(answer(SdpFixtures.LINPHONE, 1)).contains("a=rtcp-mux"));
    }

    @Test
    void readsWhereTheCallerWantsRtcp() throws Exception {
        SdpOffer baresip = SdpOffer.parse(SdpFixtures.BARESIP);
        assertEquals(new RtcpOffer(true, -1, "10.0.0.5"), RtcpOffer.of(baresip, baresip.selectAudio().orElseThrow()));
        SdpOffer rfc3605 = SdpOffer.parse(SdpFixtures.SIPP + "a=rtcp:53020 IN IP4 126.16.64.4\r\n");
        assertEquals(new RtcpOffer(false, 53020, "126.16.64.4"), RtcpOffer.of(rfc3605, rfc3605.selectAudio().orElseThrow()));
        SdpOffer portOnly = SdpOffer.parse(SdpFixtures.SIPP + "a=rtcp:6003\r\n");
        assertEquals(new RtcpOffer(false, 6003, "127.0.0.1"), RtcpOffer.of(portOnly, portOnly.selectAudio().orElseThrow()));
        SdpOffer bad = SdpOffer.parse(SdpFixtures.SIPP + "a=rtcp:x\r\n");
        assertEquals(new RtcpOffer(false, -1, "127.0.0.1"), RtcpOffer.of(bad, bad.selectAudio().orElseThrow()));
    }
}
