package io.confbridge.sip;

import javax.sip.address.SipURI;
import javax.sip.address.TelURL;
import javax.sip.address.URI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderAddress;
import javax.sip.message.Message;
import javax.sip.message.Request;

/** What the bridge reads out of SIP messages: the Call-ID and the users named by URIs, one way for all. */
final class RequestParts {

    private RequestParts() {
    }

    /** The Call-ID, or "?" when the message has none (for logs). */
    static String callIdOf(Message message) {
        CallIdHeader callId = (CallIdHeader) message.getHeader(CallIdHeader.NAME);
        return callId == null ? "?" : callId.getCallId();
    }

    /** The user part of a SIP URI ({@code 4711001} in {@code sip:4711001@bridge}) or a tel URL's number; else "". */
    static String userOf(URI uri) {
        if (uri instanceof SipURI sipUri) {
            return sipUri.getUser() == null ? "" : sipUri.getUser();
        }
        if (uri instanceof TelURL tel) {
            return tel.getPhoneNumber();
        }
        return "";
    }

    /** The user of a From or To header's SIP URI, the form a SIP account's username takes; else "". */
    static String sipUserOf(HeaderAddress header) {
        if (header == null) {
            return "";
        }
        URI uri = header.getAddress().getURI();
        return uri instanceof SipURI ? userOf(uri) : "";
    }

    /** The From user, or "" for anonymous callers (RFC 3323 §4.1.1.3: anonymous@anonymous.invalid). */
    static String callerId(Request request) {
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        URI uri = from.getAddress().getURI();
        String user = userOf(uri);
        if (user.equalsIgnoreCase("anonymous")
                || (uri instanceof SipURI sipUri && "anonymous.invalid".equalsIgnoreCase(sipUri.getHost()))) {
            return "";
        }
        return user;
    }
}
