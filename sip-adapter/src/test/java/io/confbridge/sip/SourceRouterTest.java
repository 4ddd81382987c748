package io.confbridge.sip;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.message.SIPRequest;
import org.junit.jupiter.api.Test;

import javax.sip.SipFactory;
import javax.sip.address.Hop;
import javax.sip.header.ContactHeader;
import javax.sip.message.Request;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Where in-dialog requests to a caller go: its Contact, or the source of its requests when a NAT is between. */
class SourceRouterTest {
    private static final InetSocketAddress SOURCE = new InetSocketAddress("127.0.0.1", 41000);

    private static Request request(String method, String contact) throws Exception {
        String text = method + " sip:bridge@127.0.0.1:5060 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.99:5099;branch=z9hG4bKabc;rport\r\n"
                + "From: <sip:alice@127.0.0.99>;tag=f1\r\nTo: <sip:bridge@127.0.0.1>;tag=t1\r\n"
                + "Call-ID: c1@127.0.0.99\r\nCSeq: 2 " + method + "\r\nMax-Forwards: 70\r\n"
                + (contact == null ? "" : "Contact: <sip:alice@" + contact + ">\r\n")
                + "Content-Length: 0\r\n\r\n";
        return SipFactory.getInstance().createMessageFactory().createRequest(text);
    }

    @Test
    void aContactThatIsWhereRequestsComeFromNeedsNoPinnedHop() throws Exception {
        assertNull(SourceRouter.sourceHop(request("INVITE", "127.0.0.1:41000"), SOURCE, "UDP", null));
    }

    @Test
    void aPrivateContactIsReplacedByTheSourceOverTheSameTransport() throws Exception {
        Hop hop = SourceRouter.sourceHop(request("INVITE", "127.0.0.99:5099"), SOURCE, "TCP", null);
        assertEquals("127.0.0.1", hop.getHost());
        assertEquals(41000, hop.getPort());
        assertEquals("TCP", hop.getTransport());
    }

    @Test
    void aContactWithoutPortMeans5060() throws Exception {
        InetSocketAddress from5060 = new InetSocketAddress("127.0.0.1", 5060);
        assertNull(SourceRouter.sourceHop(request("INVITE", "127.0.0.1"), from5060, "UDP", null));
    }

    @Test
    void aRequestWithoutContactIsJudgedAgainstTheDialogsRemoteTarget() throws Exception {
        ContactHeader remoteTarget = (ContactHeader) request("INVITE", "127.0.0.99:5099").getHeader(ContactHeader.NAME);
        InetSocketAddress rebound = new InetSocketAddress("127.0.0.1", 41010);
        Hop hop = SourceRouter.sourceHop(request("INFO", null), rebound, "UDP", remoteTarget);
        assertEquals(41010, hop.getPort(), "the source of the caller's last request");
    }

    @Test
    void aPinnedHopIsUsedOnlyWithoutARouteSet() throws Exception {
        SipStackImpl stack = new SipStackImpl(SipStackProperties.create("source-router-test-" + System.nanoTime()));
        try {
            SourceRouter router = assertInstanceOf(SourceRouter.class, stack.getRouter(), "the stack routes with it");
            Request bye = request("BYE", null);
            Hop pinned = SourceRouter.sourceHop(request("INVITE", "127.0.0.99:5099"), SOURCE, "UDP", null);
            SourceRouter.routeTo(bye, pinned);
            assertSame(pinned, router.getNextHop(bye));
            ((SIPRequest) bye).addHeader("Route: <sip:127.0.0.7:5070;lr>");
            assertEquals(5070, router.getNextHop(bye).getPort(), "a proxy's Record-Route set wins");
        } finally {
            stack.stop();
        }
    }
}
