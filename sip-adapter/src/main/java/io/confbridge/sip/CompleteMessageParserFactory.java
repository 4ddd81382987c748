package io.confbridge.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import java.text.ParseException;

/**
 * jain-sip's message parser, refusing a message without the headers every SIP message must carry
 * (RFC 3261 §8.1.1: Via, From, To, Call-ID, CSeq). jain-sip's UDP channel reads {@code CSeq} and the top
 * {@code Via} of whatever its parser returns without a null check, so such a datagram threw a
 * NullPointerException inside the stack, logged at ERROR with the datagram's bytes (found by the SIP fuzz
 * test, issue 9 §5). Refused here, the message takes the stack's path for unparseable input: dropped,
 * logged at DEBUG. A runtime exception of jain-sip's own parser is turned into the same refusal. Named in the stack property {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY};
 * jain-sip instantiates it reflectively, hence public.
 */
public final class CompleteMessageParserFactory implements MessageParserFactory {

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        return new CompleteMessageParser(new StringMsgParser());
    }

    /** One per channel or connection, as jain-sip's own: {@link StringMsgParser} is not thread-safe. */
    static final class CompleteMessageParser implements MessageParser {
        private final MessageParser parser;

        CompleteMessageParser(MessageParser parser) {
            this.parser = parser;
        }

        @Override
        public SIPMessage parseSIPMessage(byte[] message, boolean readBody, boolean strict,
                                          ParseExceptionListener listener) throws ParseException {
            SIPMessage parsed;
            try {
                parsed = parser.parseSIPMessage(message, readBody, strict, listener);
            } catch (RuntimeException e) {
                // jain-sip's parser has its own bugs on hostile input (a StringIndexOutOfBoundsException,
                // found by the fuzz test): whatever it cannot parse is unparseable, not a crash.
                ParseException refused = new ParseException("unparseable: " + e, 0);
                refused.initCause(e);
                throw refused;
            }
            if (parsed != null) {
                String missing = missingMandatoryHeader(parsed);
                if (missing != null) {
                    throw new ParseException("no " + missing + " header", 0);
                }
            }
            return parsed;
        }

        private static String missingMandatoryHeader(SIPMessage m) {
            if (m.getTopmostVia() == null) {
                return "Via";
            }
            if (m.getCSeq() == null) {
                return "CSeq";
            }
            if (m.getFrom() == null) {
                return "From";
            }
            if (m.getTo() == null) {
                return "To";
            }
            return m.getCallId() == null ? "Call-ID" : null;
        }
    }
}
