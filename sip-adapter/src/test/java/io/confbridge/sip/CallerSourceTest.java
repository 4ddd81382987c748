package io.confbridge.sip;

import io.confbridge.config.AddressBlock;
import org.junit.jupiter.api.Test;

import javax.sip.SipFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whom a request counts against: its address, or behind a trusted proxy the caller's identity. */
class CallerSourceTest {

    private static final List<AddressBlock> PROXIES = AddressBlock.parseList("sip.trustedProxies", "192.0.2.0/28");

    private static Request invite(String from, String extraHeaders) throws Exception {
        MessageFactory messages = SipFactory.getInstance().createMessageFactory();
        String text = "INVITE sip:4711001@bridge SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bK-1\r\n"
                + "From: <sip:" + from + "@trunk.example>;tag=1\r\n"
                + "To: <sip:4711001@bridge>\r\n"
                + "Call-ID: c1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
                + "Contact: <sip:" + from + "@192.0.2.5>\r\n"
                + extraHeaders
                + "Content-Length: 0\r\n\r\n";
        return messages.createRequest(text.getBytes(StandardCharsets.UTF_8).length > 0 ? text : "");
    }

    @Test
    void anUntrustedSourceIsItsAddress() throws Exception {
        CallerSource source = CallerSource.of(invite("alice", "P-Asserted-Identity: <sip:bob@example.com>\r\n"),
                InetAddress.getByName("198.51.100.7"), PROXIES);
        assertEquals("198.51.100.7", source.key(), "an identity header from an untrusted source is ignored");
        assertFalse(source.isIdentity());
    }

    @Test
    void behindATrustedProxyTheAssertedIdentityIsTheKey() throws Exception {
        CallerSource source = CallerSource.of(invite("alice", "P-Asserted-Identity: \"Bob\" <sip:Bob@Example.com>\r\n"),
                InetAddress.getByName("192.0.2.5"), PROXIES);
        assertEquals("caller:bob@example.com", source.key());
        assertTrue(source.isIdentity());
        CallerSource tel = CallerSource.of(invite("alice", "P-Asserted-Identity: <tel:+4930123456>\r\n"),
                InetAddress.getByName("192.0.2.5"), PROXIES);
        assertEquals("caller:+4930123456", tel.key());
    }

    @Test
    void withoutAnAssertedIdentityTheFromUserIsTheKey() throws Exception {
        CallerSource source = CallerSource.of(invite("carol", ""), InetAddress.getByName("192.0.2.5"), PROXIES);
        assertEquals("caller:carol", source.key());
    }

    @Test
    void anAnonymousCallerBehindAProxyFallsBackToTheProxyAddress() throws Exception {
        CallerSource source = CallerSource.of(invite("anonymous", ""), InetAddress.getByName("192.0.2.5"), PROXIES);
        assertEquals("192.0.2.5", source.key());
    }

    @Test
    void identitiesAreCutAndStrippedOfControlCharacters() {
        assertEquals("ab", CallerSource.sanitized("a\u0007 b\u0000"));
        assertEquals(CallerSource.MAX_IDENTITY_LENGTH, CallerSource.sanitized("x".repeat(500)).length());
    }
}
