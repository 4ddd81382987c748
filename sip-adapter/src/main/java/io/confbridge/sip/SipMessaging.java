package io.confbridge.sip;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.PeerUnavailableException;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds the bridge's SIP messages: responses with the headers every UAS response needs (To tag,
 * Contact, Allow, Accept, Warning, SDP bodies) and in-dialog BYEs.
 */
final class SipMessaging {

    /** The methods we handle, for Allow (RFC 3261 §20.5). */
    static final String ALLOWED_METHODS = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO";
    private static final String[] ALLOWED = ALLOWED_METHODS.split(", ");

    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final AddressFactory addresses;
    private final String advertisedHost;
    private final int advertisedPort;
    private final SipProvider provider;

    SipMessaging(SipProvider provider, String advertisedHost, int advertisedPort) throws PeerUnavailableException {
        SipFactory factory = SipFactory.getInstance();
        this.messages = factory.createMessageFactory();
        this.headers = factory.createHeaderFactory();
        this.addresses = factory.createAddressFactory();
        this.provider = provider;
        this.advertisedHost = advertisedHost;
        this.advertisedPort = advertisedPort;
    }

    String advertisedHost() {
        return advertisedHost;
    }

    /**
     * A response to {@code request}. Every response but 100 carries a To tag (RFC 3261 §8.2.6.2): the
     * call's own tag for responses to its INVITE (so 180, 200 and 487 name the same dialog), a fresh
     * one otherwise.
     */
    Response response(int status, Request request, String localTag) throws ParseException {
        Response response = messages.createResponse(status, request);
        ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
        if (status > 100 && to != null && to.getTag() == null) {
            to.setTag(localTag != null ? localTag : newTag());
        }
        return response;
    }

    Response response(int status, Request request) throws ParseException {
        return response(status, request, null);
    }

    void addAllow(Response response) throws ParseException {
        // One Allow header per method: jain-sip's generic createHeader refuses a list value here
        // ("Only singleton allowed"); repeated headers mean the same (RFC 3261 §7.3.1).
        for (String method : ALLOWED) {
            response.addHeader(headers.createAllowHeader(method));
        }
    }

    void addAccept(Response response, String... mediaTypes) throws ParseException {
        for (String mediaType : mediaTypes) {
            int slash = mediaType.indexOf('/');
            response.addHeader(headers.createAcceptHeader(mediaType.substring(0, slash), mediaType.substring(slash + 1)));
        }
    }

    void addWarning(Response response, int code, String text) throws ParseException {
        try {
            response.addHeader(headers.createWarningHeader(advertisedHost, code, text));
        } catch (InvalidArgumentException e) {
            throw new IllegalArgumentException("warning code " + code, e);
        }
    }

    void addUnsupported(Response response, String optionTags) throws ParseException {
        response.addHeader(headers.createHeader("Unsupported", optionTags));
    }

    void addContact(Response response, String transport) throws ParseException {
        SipURI uri = addresses.createSipURI(null, advertisedHost);
        uri.setPort(advertisedPort);
        uri.setTransportParam(transport);
        Address address = addresses.createAddress(uri);
        response.addHeader(headers.createContactHeader(address));
    }

    void setSdp(Response response, String sdp) throws ParseException {
        ContentTypeHeader type = headers.createContentTypeHeader("application", "sdp");
        response.setContent(sdp.getBytes(StandardCharsets.US_ASCII), type);
    }

    /** Adds a Reason header (RFC 3326) with Q.850 cause 16, normal call clearing, and our text. */
    void addReason(javax.sip.message.Message message, String text) throws ParseException {
        String safe = text == null ? "" : text.replace('"', '\'').replace('\\', '/').replaceAll("[\\r\\n]", " ");
        try {
            message.addHeader(headers.createReasonHeader("Q.850", 16, safe));
        } catch (InvalidArgumentException e) {
            throw new IllegalArgumentException("reason", e);
        }
    }

    /** Sends a BYE in {@code dialog} (RFC 3261 §15.1.1). */
    void sendBye(Dialog dialog, String reason) throws SipException, ParseException {
        Request bye = dialog.createRequest(Request.BYE);
        addReason(bye, reason);
        ClientTransaction transaction = provider.getNewClientTransaction(bye);
        dialog.sendRequest(transaction);
    }

    /** The transport the request came over, for Contact: {@code udp} or {@code tcp}. */
    static String transportOf(Request request) {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        String transport = via == null ? null : via.getTransport();
        return transport == null ? "udp" : transport.toLowerCase(Locale.ROOT);
    }

    static String newTag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
}
