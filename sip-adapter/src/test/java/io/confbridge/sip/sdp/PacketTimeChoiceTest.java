package io.confbridge.sip.sdp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11 §4: the packet time the bridge sends in and answers with, from the caller's {@code a=ptime}
 * and {@code a=maxptime} (RFC 4566 §6, RFC 3264 §6.1).
 */
class PacketTimeChoiceTest {

    private static String offer(String... attributes) {
        StringBuilder sdp = new StringBuilder(SdpFixtures.crlf(
                "v=0",
                "o=desk 1 1 IN IP4 192.0.2.7",
                "s=-",
                "c=IN IP4 192.0.2.7",
                "t=0 0",
                "m=audio 4000 RTP/AVP 0 101",
                "a=rtpmap:0 PCMU/8000",
                "a=rtpmap:101 telephone-event/8000"));
        for (String a : attributes) {
            sdp.append(a).append("\r\n");
        }
        return sdp.toString();
    }

    private static AudioOffer selected(String sdp) throws SdpParseException {
        return SdpOffer.parse(sdp).selectAudio().orElseThrow();
    }

    private static List<String> answerLines(String sdp) throws SdpParseException {
        SdpOffer offer = SdpOffer.parse(sdp);
        return List.of(SdpAnswer.build(offer, offer.selectAudio().orElseThrow(), "192.0.2.50", 20000, 1, 1)
                .split("\r\n"));
    }

    @ParameterizedTest(name = "ptime {0}, maxptime {1} -> {2} ms")
    @CsvSource({
            // the caller's own packet time when the bridge can cut it
            "10, -1, 10", "20, -1, 20", "30, -1, 30", "40, -1, 40", "50, -1, 50", "60, -1, 60",
            "40, 60, 40", "40, 40, 40",
            // no ptime: the G.711 default, under the maxptime; a maxptime alone is no wish for long packets
            "-1, -1, 20", "-1, 150, 20", "-1, 40, 20", "-1, 10, 10",
            // above its own maxptime: the longest that fits
            "40, 30, 30", "60, 25, 20", "20, 15, 10",
            // a ptime the bridge cannot cut: the longest below it, capped at 60
            "25, -1, 20", "45, -1, 40", "70, -1, 60", "100, 200, 60", "5, -1, 10", "25, 60, 20"})
    void choosesTheCallersPacketTimeAsFarAsItCan(int ptimeMs, int maxPtimeMs, int expectedMs) {
        assertEquals(expectedMs, PacketTime.choose(ptimeMs, maxPtimeMs));
    }

    @Test
    void anOfferOfFortyMsIsAnsweredAndSentInForty() throws Exception {
        String sdp = offer("a=ptime:40", "a=maxptime:60");
        assertEquals(40, selected(sdp).packetTimeMs());
        List<String> lines = answerLines(sdp);
        assertTrue(lines.contains("a=ptime:40"), lines::toString);
        assertTrue(lines.contains("a=maxptime:60"), "what the bridge takes: " + lines);
    }

    @Test
    void anUnsupportedPacketTimeIsAnsweredWithTwenty() throws Exception {
        assertTrue(answerLines(offer("a=ptime:25")).contains("a=ptime:20"));
        assertEquals(20, selected(offer()).packetTimeMs(), "no ptime at all");
    }

    @Test
    void theMaxptimeOfTheOfferCapsThePtime() throws Exception {
        assertEquals(30, selected(offer("a=maxptime:30", "a=ptime:60")).packetTimeMs());
    }

    @Test
    void fractionalAndMalformedValuesAreReadLeniently() throws Exception {
        assertEquals(30, selected(offer("a=ptime:30.0")).packetTimeMs());
        assertEquals(20, selected(offer("a=ptime:22.5")).packetTimeMs());
        assertEquals(20, selected(offer("a=ptime:forty")).packetTimeMs(), "unreadable: as if absent");
        assertEquals(20, selected(offer("a=ptime:-40")).packetTimeMs());
        assertEquals(20, selected(offer("a=ptime:0")).packetTimeMs());
        assertEquals(20, selected(offer("a=ptime:99999999999")).packetTimeMs());
        assertEquals(40, selected(offer("a=ptime: 40 ")).packetTimeMs());
    }

    @Test
    void theAnswerToTheBridgesOwnOfferSetsThePacketTimeToo() throws Exception {
        BridgeOffer ours = BridgeOffer.allCodecs();
        assertTrue(ours.build("192.0.2.50", 20000, 1, 1).contains("a=ptime:20\r\na=maxptime:60\r\n"));
        String answer = SdpFixtures.crlf(
                "v=0", "o=cucm 1 1 IN IP4 192.0.2.9", "s=-", "c=IN IP4 192.0.2.9", "t=0 0",
                "m=audio 5000 RTP/AVP 8 101", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000",
                "a=ptime:30");
        assertEquals(30, ours.accept(SdpOffer.parse(answer)).orElseThrow().audio().packetTimeMs());
    }

    /**
     * Opus (issue 11 §1, the caller's ptime): the bridge's Opus frames are 20 ms, so it answers and sends
     * the most whole frames that fit what was asked, 20, 40 or 60 ms, and takes 10 to 60 ms packets.
     */
    @ParameterizedTest(name = "Opus ptime {0} -> a=ptime:{1}")
    @CsvSource({"10, 20", "20, 20", "30, 20", "40, 40", "50, 40", "60, 60", "120, 60"})
    void opusIsAnsweredInWholeTwentyMillisecondFrames(int ptimeMs, int answeredMs) throws Exception {
        String sdp = SdpFixtures.crlf(
                "v=0", "o=phone 1 1 IN IP4 192.0.2.7", "s=-", "c=IN IP4 192.0.2.7", "t=0 0",
                "m=audio 4000 RTP/AVP 96 101",
                "a=rtpmap:96 opus/48000/2",
                "a=fmtp:96 useinbandfec=1",
                "a=rtpmap:101 telephone-event/8000",
                "a=ptime:" + ptimeMs);
        assertEquals(io.confbridge.codec.Codec.OPUS, selected(sdp).codec());
        List<String> lines = answerLines(sdp);
        assertTrue(lines.contains("a=ptime:" + answeredMs), lines::toString);
        assertTrue(lines.contains("a=maxptime:60"), "what the bridge takes: " + lines);
    }
}
