package io.confbridge.server.support;

import io.confbridge.codec.Codec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading the bridge's SDP answer the way the phone must to send and decode RTP. */
class SdpAnswerTest {

    @Test
    void takesFirstG711FormatMediaAddressAndTelephoneEvent() {
        SdpAnswer answer = SdpAnswer.parse("v=0\r\n"
                + "o=bridge 1 1 IN IP4 127.0.0.1\r\n"
                + "s=-\r\n"
                + "c=IN IP4 192.0.2.1\r\n"
                + "t=0 0\r\n"
                + "m=audio 30002 RTP/AVP 8 96\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "a=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:96 telephone-event/8000\r\n"
                + "a=fmtp:96 0-16\r\n");

        assertEquals("127.0.0.1", answer.rtpAddress().getHostString());
        assertEquals(30002, answer.rtpAddress().getPort());
        assertEquals(Codec.PCMA, answer.codec());
        assertEquals(8, answer.audioPayloadType());
        assertEquals(OptionalInt.of(96), answer.telephoneEventPt());
        assertEquals(List.of(8, 96), answer.formats());
    }

    @Test
    void staticPayloadTypeNeedsNoRtpmap() {
        SdpAnswer answer = SdpAnswer.parse("v=0\nc=IN IP4 127.0.0.1\nm=audio 4000 RTP/AVP 0\n");

        assertEquals(Codec.PCMU, answer.codec());
        assertEquals(OptionalInt.empty(), answer.telephoneEventPt());
    }

    @Test
    void refusesAnswerWithoutAnAudioCodecOfTheBridge() {
        assertThrows(IllegalArgumentException.class,
                () -> SdpAnswer.parse("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 18\r\n"));
    }

    @Test
    void readsAG722Answer() {
        assertEquals(Codec.G722, SdpAnswer.parse("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 9\r\n").codec());
    }
}
