package io.confbridge.sip;

import io.confbridge.metrics.BridgeMetrics;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.PeerUnavailableException;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.Hop;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ListIterator;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds the bridge's SIP messages: responses with the headers every UAS response needs (To tag,
 * Contact, Allow, Accept, Warning, SDP bodies) and in-dialog BYEs.
 */
final class SipMessaging {

    /** The methods we handle, for Allow (RFC 3261 §20.5). */
    static final String ALLOWED_METHODS = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, PRACK";
    /** Expiry granted to a REGISTER that asks for none (RFC 3261 §10.2.1.1 suggests an hour). */
    private static final int DEFAULT_REGISTRATION_EXPIRES_S = 3600;

    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final AddressFactory addresses;
    private final String advertisedHost;
    private final int advertisedPort;
    private final SipProvider provider;
    private final String[] allowed;
    private volatile int tlsPort;
    private volatile BridgeMetrics metrics = BridgeMetrics.disabled();

    /** @param registrar whether REGISTER is handled (the bridge has SIP accounts), for Allow */
    SipMessaging(SipProvider provider, String advertisedHost, int advertisedPort, boolean registrar)
            throws PeerUnavailableException {
        SipFactory factory = SipFactory.getInstance();
        this.messages = factory.createMessageFactory();
        this.headers = factory.createHeaderFactory();
        this.addresses = factory.createAddressFactory();
        this.provider = provider;
        this.advertisedHost = advertisedHost;
        this.advertisedPort = advertisedPort;
        this.allowed = (registrar ? ALLOWED_METHODS + ", REGISTER" : ALLOWED_METHODS).split(", ");
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
        metrics.sipResponse(status); // every response the bridge sends is made here
        ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
        if (status > 100 && to != null && to.getTag() == null) {
            to.setTag(localTag != null ? localTag : newTag());
        }
        return response;
    }

    void metrics(BridgeMetrics metrics) {
        this.metrics = metrics;
    }

    BridgeMetrics metrics() {
        return metrics;
    }

    Response response(int status, Request request) throws ParseException {
        return response(status, request, null);
    }

    /**
     * A 200 OK to an INVITE carrying our session description: Contact for the dialog's remote target
     * (RFC 3261 §12.1.1), Allow, and the SDP body; for the first answer and every re-INVITE alike.
     */
    Response okWithSdp(Request invite, String localTag, String sdp) throws ParseException {
        Response ok = response(Response.OK, invite, localTag);
        addContact(ok, transportOf(invite), sipsDialog(invite));
        addAllow(ok);
        setSdp(ok, sdp);
        return ok;
    }

    void addAllow(Response response) throws ParseException {
        // One Allow header per method: jain-sip's generic createHeader refuses a list value here
        // ("Only singleton allowed"); repeated headers mean the same (RFC 3261 §7.3.1).
        for (String method : allowed) {
            response.addHeader(headers.createAllowHeader(method));
        }
    }

    void addAccept(Response response, String... mediaTypes) throws ParseException {
        for (String mediaType : mediaTypes) {
            int slash = mediaType.indexOf('/');
            response.addHeader(headers.createAcceptHeader(mediaType.substring(0, slash), mediaType.substring(slash + 1)));
        }
    }

    void addHeader(javax.sip.message.Message message, String name, String value) throws ParseException {
        message.addHeader(headers.createHeader(name, value));
    }

    /**
     * The 200 to an accepted REGISTER: the request's Contacts and Expires echoed (RFC 3261 §10.3 step
     * 8), an hour granted when it asked for no expiry.
     */
    Response registered(Request register) throws ParseException {
        Response ok = response(Response.OK, register);
        boolean expiryGiven = register.getHeader(ExpiresHeader.NAME) != null;
        ListIterator<?> contacts = register.getHeaders(ContactHeader.NAME);
        while (contacts != null && contacts.hasNext()) {
            ContactHeader contact = (ContactHeader) contacts.next();
            expiryGiven |= contact.getExpires() >= 0;
            ok.addHeader((ContactHeader) contact.clone());
        }
        try {
            ExpiresHeader expires = (ExpiresHeader) register.getHeader(ExpiresHeader.NAME);
            if (expires != null) {
                ok.setHeader(headers.createExpiresHeader(expires.getExpires()));
            } else if (!expiryGiven && register.getHeader(ContactHeader.NAME) != null) {
                ok.setHeader(headers.createExpiresHeader(DEFAULT_REGISTRATION_EXPIRES_S));
            }
        } catch (InvalidArgumentException e) {
            throw new IllegalArgumentException("Expires", e);
        }
        return ok;
    }

    void addWarning(Response response, int code, String text) throws ParseException {
        try {
            response.addHeader(headers.createWarningHeader(uriHost(advertisedHost), code, text));
        } catch (InvalidArgumentException e) {
            throw new IllegalArgumentException("warning code " + code, e);
        }
    }

    /** When the caller may try again (RFC 3261 §20.33), on a 503 for a bridge that is full for now. */
    void addRetryAfter(Response response, int seconds) {
        try {
            response.addHeader(headers.createRetryAfterHeader(seconds));
        } catch (InvalidArgumentException e) {
            throw new IllegalArgumentException("Retry-After " + seconds, e);
        }
    }

    void addUnsupported(Response response, String optionTags) throws ParseException {
        response.addHeader(headers.createHeader("Unsupported", optionTags));
    }

    /** Where SIP over TLS listens (0: nowhere), for the Contact of calls that came over TLS. */
    void tlsPort(int port) {
        this.tlsPort = port;
    }

    /**
     * Contact for a dialog: on the transport the request came over, or with {@code sips} (a SIPS dialog,
     * {@link #sipsDialog}, and TLS is on) a {@code sips:} URI of the TLS port, as RFC 3261 §12.1.1 requires;
     * no transport parameter then, since {@code sips} says TLS (RFC 5630 §3.2).
     */
    void addContact(Message message, String transport, boolean sips) throws ParseException {
        SipURI uri = addresses.createSipURI(null, uriHost(advertisedHost));
        if (sips && tlsPort > 0) {
            uri.setSecure(true);
            uri.setPort(tlsPort);
        } else {
            uri.setPort("tls".equals(transport) && tlsPort > 0 ? tlsPort : advertisedPort);
            uri.setTransportParam(transport);
        }
        Address address = addresses.createAddress(uri);
        message.addHeader(headers.createContactHeader(address));
    }

    /**
     * Whether the dialog this request starts (or runs in) is a SIPS one, RFC 3261 §12.1.1: a {@code sips:}
     * Request-URI, or top Record-Route, or, with no Record-Route, Contact.
     */
    static boolean sipsDialog(Request request) {
        if (request.getRequestURI() instanceof SipURI target && target.isSecure()) {
            return true;
        }
        if (request.getHeader(RecordRouteHeader.NAME) instanceof RecordRouteHeader route) {
            return route.getAddress().getURI() instanceof SipURI routeUri && routeUri.isSecure();
        }
        return request.getHeader(ContactHeader.NAME) instanceof ContactHeader contact
                && contact.getAddress() != null
                && contact.getAddress().getURI() instanceof SipURI contactUri && contactUri.isSecure();
    }

    void setSdp(Message message, String sdp) throws ParseException {
        ContentTypeHeader type = headers.createContentTypeHeader("application", "sdp");
        message.setContent(sdp.getBytes(StandardCharsets.US_ASCII), type);
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

    /**
     * Sends a BYE in {@code dialog} (RFC 3261 §15.1.1); to {@code callerSource} when the caller is behind
     * NAT (see {@link SourceRouter}), else (null) to its Contact.
     */
    void sendBye(Dialog dialog, String reason, Hop callerSource) throws SipException, ParseException {
        Request bye = dialog.createRequest(Request.BYE);
        addReason(bye, reason);
        SourceRouter.routeTo(bye, callerSource);
        ClientTransaction transaction = provider.getNewClientTransaction(bye);
        dialog.sendRequest(transaction);
    }

    /**
     * T1 of the bridge's own client transactions in milliseconds (their Timer F is 64 times it), 0 for
     * the stack's 500; tests shorten it to watch a caller that never answers.
     */
    private volatile int clientT1Ms;

    void clientT1Ms(int ms) {
        this.clientT1Ms = ms;
    }

    /**
     * Sends a body-less {@code method} request in {@code dialog} (keepalive OPTIONS, session refresh
     * UPDATE); {@code outcome} hears its response or timeout through the router. Like a BYE, it goes to
     * {@code callerSource} when the caller is behind a NAT, else (null) to its Contact.
     */
    void sendInDialog(Dialog dialog, String method, Hop callerSource, ClientOutcome outcome)
            throws SipException, ParseException {
        send(dialog, dialog.createRequest(method), callerSource, outcome);
    }

    /**
     * Sends an in-dialog {@code request} built by {@code dialog}, routed as {@link #sendInDialog} does;
     * {@code outcome} hears how it ends.
     */
    void send(Dialog dialog, Request request, Hop callerSource, ClientOutcome outcome) throws SipException {
        SourceRouter.routeTo(request, callerSource);
        ClientTransaction transaction = provider.getNewClientTransaction(request);
        transaction.setApplicationData(outcome);
        int t1 = clientT1Ms;
        if (t1 > 0) {
            transaction.setRetransmitTimer(t1);
        }
        dialog.sendRequest(transaction);
    }

    /** The transport the request came over, for Contact: {@code udp} or {@code tcp}. */
    static String transportOf(Request request) {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        String transport = via == null ? null : via.getTransport();
        return transport == null ? "udp" : transport.toLowerCase(Locale.ROOT);
    }

    /**
     * A host as written in a SIP URI, Via sent-by or Warning agent: an IPv6 literal in brackets
     * (RFC 3261 §25.1 {@code IPv6reference}), anything else as it is.
     */
    static String uriHost(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    static String newTag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
}
