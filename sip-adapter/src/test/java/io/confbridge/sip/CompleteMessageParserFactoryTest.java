package io.confbridge.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Messages without a mandatory header are refused by the parser, before the stack reads them (issue 9 §5). */
class CompleteMessageParserFactoryTest {
    private static final String OPTIONS = "OPTIONS sip:bridge@127.0.0.1:5060 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK776asdhds;rport\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: \"fuzz\" <sip:fuzz@127.0.0.1>;tag=1928301774\r\n"
            + "To: <sip:bridge@127.0.0.1>\r\n"
            + "Call-ID: a84b4c76e66710@127.0.0.1\r\n"
            + "CSeq: 63104 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n";

    private final MessageParser parser = new CompleteMessageParserFactory().createMessageParser(null);

    private SIPMessage parse(String text) throws ParseException {
        return parser.parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false, null);
    }

    @Test
    void aCompleteRequestParses() throws ParseException {
        assertEquals("OPTIONS", parse(OPTIONS).getCSeq().getMethod());
    }

    @Test
    void eachMandatoryHeaderMissingIsAParseError() {
        for (String header : new String[] {"Via", "CSeq", "From", "To", "Call-ID"}) {
            String without = OPTIONS.replaceAll("(?m)^" + header + ": [^\r]*\r\n", "");
            ParseException e = assertThrows(ParseException.class, () -> parse(without), header);
            assertTrue(e.getMessage().contains(header), e.getMessage());
        }
    }

    @Test
    void aTopViaWithAnUnknownTransportIsAParseError() throws ParseException {
        assertEquals("TCP", parse(OPTIONS.replace("SIP/2.0/UDP", "SIP/2.0/tcp")).getTopmostVia().getTransport().toUpperCase());
        for (String transport : new String[] {"T\u0000CP", "T%00CP", "FOO"}) {
            String bad = OPTIONS.replace("SIP/2.0/UDP", "SIP/2.0/" + transport);
            ParseException e = assertThrows(ParseException.class, () -> parse(bad), transport);
            assertTrue(e.getMessage().contains("Via"), e.getMessage());
        }
    }

    @Test
    void anAckWithoutAViaBranchIsAParseError() throws ParseException {
        String ack = OPTIONS.replace("OPTIONS sip:", "ACK sip:").replace("63104 OPTIONS", "63104 ACK");
        assertEquals("ACK", parse(ack).getCSeq().getMethod());
        ParseException e = assertThrows(ParseException.class, () -> parse(ack.replace(";branch=z9hG4bK776asdhds", "")));
        assertTrue(e.getMessage().contains("branch"), e.getMessage());
        // Other requests without one are left to the stack, which copes with them.
        assertEquals("OPTIONS", parse(OPTIONS.replace(";branch=z9hG4bK776asdhds", "")).getCSeq().getMethod());
    }

    @Test
    void aRuntimeExceptionOfTheStacksParserIsAParseError() {
        MessageParser failing = new CompleteMessageParserFactory.CompleteMessageParser((message, body, strict, listener) -> {
            throw new StringIndexOutOfBoundsException("begin -1, end 70, length 557");
        }, null);
        ParseException e = assertThrows(ParseException.class,
                () -> failing.parseSIPMessage(OPTIONS.getBytes(StandardCharsets.UTF_8), true, false, null));
        assertTrue(e.getCause() instanceof StringIndexOutOfBoundsException, String.valueOf(e.getCause()));
    }
}
