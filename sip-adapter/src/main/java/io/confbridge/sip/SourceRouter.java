package io.confbridge.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.stack.DefaultRouter;
import gov.nist.javax.sip.stack.HopImpl;

import javax.sip.SipException;
import javax.sip.SipStack;
import javax.sip.address.Hop;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;
import java.net.InetSocketAddress;

/**
 * jain-sip's next-hop choice for the requests the bridge sends, with one rule for callers behind NAT:
 * an in-dialog request that carries a {@linkplain #routeTo pinned hop} and no Route set goes to that
 * hop (the source address and port of the caller's last request, over its transport, so over TCP the
 * connection the call came on), not to the Contact, which names the caller's private address.
 * Everything else is routed as RFC 3263 and jain-sip's {@link DefaultRouter} say.
 *
 * <p>Public with this constructor because the stack instantiates it by name ({@code javax.sip.ROUTER_PATH}).
 */
public final class SourceRouter extends DefaultRouter {

    public SourceRouter(SipStack stack, String outboundProxy) {
        super(stack, outboundProxy);
    }

    @Override
    public Hop getNextHop(Request request) throws SipException {
        if (request.getHeader(RouteHeader.NAME) == null && request instanceof SIPMessage message
                && message.getApplicationData() instanceof Hop pinned) {
            return pinned;
        }
        return super.getNextHop(request);
    }

    /** Sends {@code request} to {@code hop} when the stack routes it; null leaves the usual routing. */
    static void routeTo(Request request, Hop hop) {
        if (hop != null && request instanceof SIPMessage message) {
            message.setApplicationData(hop);
        }
    }

    /**
     * Where in-dialog requests to the sender of {@code request} must go: its packets' source when that is
     * not where its Contact points (a NAT between us), else null (the Contact is right). {@code contact} is
     * the dialog's remote target when {@code request} carries no Contact of its own.
     */
    static Hop sourceHop(Request request, InetSocketAddress source, String transport, ContactHeader contact) {
        ContactHeader own = (ContactHeader) request.getHeader(ContactHeader.NAME);
        ContactHeader target = own != null ? own : contact;
        if (source == null || source.getPort() <= 0 || target == null
                || !(target.getAddress().getURI() instanceof SipURI uri)) {
            return null;
        }
        int port = uri.getPort() > 0 ? uri.getPort() : uri.isSecure() ? 5061 : 5060;
        String host = source.getAddress().getHostAddress();
        if (host.equals(stripBrackets(uri.getHost())) && port == source.getPort()) {
            return null;
        }
        return new HopImpl(host, source.getPort(), transport);
    }

    private static String stripBrackets(String host) {
        return host != null && host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
