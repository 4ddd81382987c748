package io.confbridge.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import javax.sip.ListeningPoint;
import javax.sip.SipStack;
import javax.sip.message.Request;
import java.text.ParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * jain-sip's message parser, refusing a message without the headers every SIP message must carry
 * (RFC 3261 §8.1.1: Via, From, To, Call-ID, CSeq), or whose top Via names no known transport. jain-sip's UDP channel reads {@code CSeq} and the top
 * {@code Via} of whatever its parser returns without a null check, so such a datagram threw a
 * NullPointerException inside the stack, logged at ERROR with the datagram's bytes (found by the SIP fuzz
 * test, issue 9 §5). Refused here, the message takes the stack's path for unparseable input: dropped,
 * logged at DEBUG. A runtime exception of jain-sip's own parser is turned into the same refusal. Named in the stack property {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY};
 * jain-sip instantiates it reflectively, hence public.
 */
public final class CompleteMessageParserFactory implements MessageParserFactory {

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        return new CompleteMessageParser(new StringMsgParser(), stack);
    }

    /** One per channel or connection, as jain-sip's own: {@link StringMsgParser} is not thread-safe. */
    static final class CompleteMessageParser implements MessageParser {
        /** RFC 3261 §25.1 transports plus WS/WSS (RFC 7118): what a top Via may name. */
        private static final Set<String> KNOWN_TRANSPORTS = Set.of("UDP", "TCP", "TLS", "SCTP", "TLS-SCTP", "WS", "WSS");
        private final MessageParser parser;
        /** Null in unit tests: then any known transport is taken as served. */
        private final SIPTransactionStack stack;

        CompleteMessageParser(MessageParser parser, SIPTransactionStack stack) {
            this.parser = parser;
            this.stack = stack;
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
                String missing = missingMandatoryHeader(parsed, stack);
                if (missing != null) {
                    throw new ParseException("no " + missing + " header", 0);
                }
            }
            return parsed;
        }

        private static boolean served(String transport, SIPTransactionStack stack) {
            if (!(stack instanceof SipStack sipStack)) {
                return KNOWN_TRANSPORTS.contains(transport);
            }
            for (Iterator<?> it = sipStack.getListeningPoints(); it.hasNext(); ) {
                if (((ListeningPoint) it.next()).getTransport().equalsIgnoreCase(transport)) {
                    return true;
                }
            }
            return false;
        }

        private static String missingMandatoryHeader(SIPMessage m, SIPTransactionStack stack) {
            if (m.getTopmostVia() == null) {
                return "Via";
            }
            if (!served(String.valueOf(m.getTopmostVia().getTransport()).toUpperCase(Locale.ROOT), stack)) {
                // A response goes back by the top Via's transport (RFC 3261 §18.2.2). On one the stack has no
                // listening point for ("T%00CP", found by the fuzz test), an answer jain-sip sends itself
                // before any listener sees the request (DialogFilter's, to a stray in-dialog request) fails
                // inside the stack and is logged at ERROR. Refused here, it takes the unparseable path.
                return "Via with a transport served here";
            }
            if (m.getCSeq() == null) {
                return "CSeq";
            }
            if (m instanceof SIPRequest request && Request.ACK.equals(request.getMethod())
                    && m.getTopmostVia().getBranch() == null) {
                // An ACK that matches no dialog is looked up among the transactions awaiting it by its top
                // Via's branch: jain-sip looks a missing branch up in a ConcurrentHashMap, and logs the
                // NullPointerException at ERROR (found by the SIP fuzz test over TCP). RFC 3261 §8.1.1.7 says
                // every request's Via MUST carry a branch; only a pre-2002 (RFC 2543) phone omits it.
                return "Via branch on an ACK";
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
