package io.confbridge.sip.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.StringMsgParser;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireRedactionTest {

    private static final String RESPONSE_VALUE = "6629fae49393a05397450978507c4ef1";

    private static final String INVITE = String.join("\r\n",
            "INVITE sip:4711001@127.0.0.1 SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK776asdhds",
            "From: <sip:alice@127.0.0.1>;tag=1928301774",
            "To: <sip:4711001@127.0.0.1>",
            "Call-ID: a84b4c76e66710",
            "CSeq: 2 INVITE",
            "Authorization: Digest username=\"alice\", realm=\"confbridge\", nonce=\"abc\",",
            "  uri=\"sip:4711001@127.0.0.1\", response=\"" + RESPONSE_VALUE + "\"",
            "Proxy-Authorization: Digest username=\"alice\", response=\"" + RESPONSE_VALUE + "\"",
            "Contact: <sip:alice@127.0.0.1:5070>",
            "Content-Length: 0",
            "", "");

    private static final String INFO = String.join("\r\n",
            "INFO sip:4711001@127.0.0.1 SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK776asdhdt",
            "From: <sip:alice@127.0.0.1>;tag=1928301774",
            "To: <sip:4711001@127.0.0.1>;tag=314159",
            "Call-ID: a84b4c76e66710",
            "CSeq: 3 INFO",
            "Content-Type: application/dtmf-relay",
            "Content-Length: 24",
            "",
            "Signal=7\r\nDuration=160\r\n");

    @Test
    void credentialsAreRedactedWithTheirFoldedLinesAndTheRestIsKept() {
        String redacted = WireRedaction.redact(INVITE);

        assertFalse(redacted.contains(RESPONSE_VALUE), redacted);
        assertFalse(redacted.contains("nonce=\"abc\""), redacted);
        assertTrue(redacted.contains("Authorization: <redacted>\r\n"), redacted);
        assertTrue(redacted.contains("Proxy-Authorization: <redacted>\r\n"), redacted);
        assertTrue(redacted.contains("Call-ID: a84b4c76e66710\r\nCSeq: 2 INVITE\r\n"), redacted);
        assertTrue(redacted.contains("Contact: <sip:alice@127.0.0.1:5070>"), redacted);
        assertTrue(redacted.startsWith("INVITE sip:4711001@127.0.0.1 SIP/2.0\r\n"), redacted);
    }

    @Test
    void infoBodiesAreRedactedButTheirHeadersKept() {
        String redacted = WireRedaction.redact(INFO);

        assertFalse(redacted.contains("Signal=7"), redacted);
        assertTrue(redacted.contains("Content-Type: application/dtmf-relay"), redacted);
        assertTrue(redacted.endsWith("<redacted> (INFO body, 24 chars)"), redacted);
    }

    @Test
    void aMessageQuotedInsideALogLineIsRedactedToo() {
        String line = "bad message " + INFO + INVITE;

        String redacted = WireRedaction.redact(line);

        assertFalse(redacted.contains("Signal=7"), redacted);
        assertFalse(redacted.contains(RESPONSE_VALUE), redacted);
        assertTrue(redacted.contains("CSeq: 2 INVITE"), "the next message after the INFO body is kept: " + redacted);
    }

    @Test
    void textWithoutSecretsIsUnchanged() {
        String plain = "SIP/2.0 200 OK\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n";
        assertEquals(plain, WireRedaction.redact(plain));
        assertEquals("", WireRedaction.redact(""));
        assertEquals(null, WireRedaction.redact(null));
    }

    @Test
    void theWireLogAtDebugCarriesNeitherDigestResponsesNorDtmf() throws Exception {
        Logger wire = (Logger) LoggerFactory.getLogger("io.confbridge.sip.wire");
        Level before = wire.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        wire.addAppender(appender);
        wire.setLevel(Level.DEBUG);
        try {
            Slf4jServerLogger logger = new Slf4jServerLogger();
            StringMsgParser parser = new StringMsgParser();
            for (String text : new String[] {INVITE, INFO}) {
                SIPMessage message = parser.parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false, null);
                logger.logMessage(message, "127.0.0.1:5070", "127.0.0.1:5060", false, 0);
            }
        } finally {
            wire.detachAppender(appender);
            wire.setLevel(before);
        }

        assertEquals(2, appender.list.size());
        String logged = appender.list.get(0).getFormattedMessage() + appender.list.get(1).getFormattedMessage();
        assertTrue(logged.contains("Call-ID: a84b4c76e66710"), logged);
        assertFalse(logged.contains(RESPONSE_VALUE), logged);
        assertFalse(logged.contains("Signal=7"), logged);
    }
}
