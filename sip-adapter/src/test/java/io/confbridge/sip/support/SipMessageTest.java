package io.confbridge.sip.support;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test phone's SIP parser on wire text as a jain-sip based bridge sends it. */
class SipMessageTest {

    private static SipMessage parse(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return SipMessage.parse(bytes, bytes.length);
    }

    @Test
    void readsResponseWithCompactHeadersFoldingAndBodyCutAtContentLength() {
        SipMessage ok = parse("SIP/2.0 200 OK\r\n"
                + "v: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKabc;rport=5070, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx\r\n"
                + "f: \"Alice, A.\" <sip:alice@127.0.0.1:5070>;tag=a1\r\n"
                + "t: <sip:4711001@127.0.0.1>\r\n"
                + " ;tag=b2\r\n"
                + "i: call-1@127.0.0.1\r\n"
                + "CSeq: 7 INVITE\r\n"
                + "m: <sip:bridge@127.0.0.1:5060;transport=udp>;expires=60\r\n"
                + "c: application/sdp\r\n"
                + "l: 4\r\n"
                + "\r\n"
                + "v=0\r\ntrailing garbage");

        assertTrue(ok.isResponse());
        assertEquals(200, ok.statusCode());
        assertEquals("z9hG4bKabc", ok.topViaBranch());
        assertEquals(2, ok.headerValues("Via").size());
        assertEquals(Optional.of("b2"), ok.toTag());
        assertEquals(Optional.of("a1"), ok.fromTag());
        assertEquals("call-1@127.0.0.1", ok.callId());
        assertEquals("INVITE", ok.cseqMethod());
        assertEquals(7, ok.cseqNumber());
        assertEquals(Optional.of("sip:bridge@127.0.0.1:5060;transport=udp"), ok.contactUri());
        assertEquals("v=0\r", ok.body().substring(0, 4));
        assertEquals(4, ok.body().length());
    }

    @Test
    void readsRequestAndHeaderNamesCaseInsensitively() {
        SipMessage bye = parse("BYE sip:caller@127.0.0.1:40000 SIP/2.0\r\n"
                + "VIA: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKbye\r\n"
                + "call-id: c2\r\n"
                + "cseq: 2 BYE\r\n"
                + "Content-Length: 0\r\n\r\n");

        assertFalse(bye.isResponse());
        assertEquals("BYE", bye.method());
        assertEquals("c2", bye.callId());
        assertEquals("z9hG4bKbye", bye.topViaBranch());
        assertEquals("", bye.body());
        assertEquals(List.of("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKbye"), bye.headerValues("Via"));
    }

    @Test
    void refusesWhatIsNotSip() {
        assertThrows(IllegalArgumentException.class, () -> parse("HTTP/1.1 200 OK\r\n\r\n"));
        assertThrows(IllegalArgumentException.class, () -> parse("\u0000\u0001garbage"));
    }
}
