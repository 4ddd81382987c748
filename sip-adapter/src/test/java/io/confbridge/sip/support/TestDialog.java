package io.confbridge.sip.support;

import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The caller's side of one call: builds its requests as strings with the right Call-ID, tags, CSeq and
 * branches (RFC 3261 §8.1.1, §9.1 for CANCEL, §17.1.1.3 for ACK), and keeps the dialog state a 2xx
 * establishes (§12.1.2): the remote tag, and the remote target that in-dialog requests are sent to.
 * Thread-safe: a phone's receive thread ACKs while its test thread sends.
 */
public final class TestDialog {

    private final SipTestClient client;
    private final String requestUser;
    private String fromUser = "alice";
    private String displayName = "Alice";
    private final String callId = "call-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "@127.0.0.1";
    private final String fromTag = "from" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
    private String toTag;
    private String remoteTarget;
    private long cseq = 1;
    private String inviteBranch;
    private long inviteCseq;
    /** The host:port this side claims in Via and Contact; its own socket's when null. */
    private String advertised;
    private boolean sips;

    TestDialog(SipTestClient client, String requestUser) {
        this.client = client;
        this.requestUser = requestUser;
    }

    /** Sends as {@code user} from now on (the From and Contact user). */
    public synchronized TestDialog from(String user) {
        this.fromUser = user;
        return this;
    }

    /**
     * Claims {@code hostPort} (for example {@code 127.0.0.99:5099}) in Via sent-by and Contact instead of
     * the socket's own address, as a phone behind NAT does with its private address; Via keeps
     * {@code rport} (RFC 3581), so responses still find the socket.
     */
    public synchronized TestDialog behindNat(String hostPort) {
        this.advertised = hostPort;
        return this;
    }

    /** Dials {@code sips:} URIs (RFC 3261 §26.2), with a {@code sips:} Contact: TLS on every hop. */
    public synchronized TestDialog sips() {
        this.sips = true;
        return this;
    }

    /** The display name in From. */
    public synchronized TestDialog displayName(String name) {
        this.displayName = name;
        return this;
    }

    /** The Request-URI of this dialog's out-of-dialog requests, as an Authorization {@code uri}. */
    public String requestUri() {
        if (sips) {
            return "sips:" + requestUser + "@" + client.uriHost() + ":" + client.serverPort();
        }
        return "sip:" + requestUser + "@" + client.uriHost() + ":" + client.serverPort() + ";transport=" + client.transport().toLowerCase();
    }

    public String callId() {
        return callId;
    }

    public synchronized String toTag() {
        return toTag;
    }

    /** Remembers the bridge's To tag from a response, and from a 2xx its Contact as the remote target. */
    public synchronized void learn(SipMessage response) {
        if (response.toTag().orElse(null) != null) {
            toTag = response.toTag().orElse(null);
        }
        if (response.isResponse() && response.statusCode() >= 200 && response.statusCode() < 300) {
            response.contactUri().ifPresent(contact -> remoteTarget = contact);
        }
    }

    /** Where this dialog's requests go: the remote target once a 2xx named it, else the server. */
    public synchronized InetSocketAddress destination() {
        return remoteTarget == null ? client.server() : destinationOf(remoteTarget);
    }

    public String invite(String sdp) {
        return inviteWithHeaders("", sdp);
    }

    public synchronized String inviteWithHeaders(String extraHeaders, String sdp) {
        inviteBranch = branch();
        inviteCseq = cseq++;
        return request("INVITE", inviteBranch, inviteCseq, "INVITE", extraHeaders, sdp == null ? null : "application/sdp", sdp);
    }

    /** CANCEL copies the INVITE's Request-URI, Call-ID, From, To (untagged), top Via and CSeq number (§9.1). */
    public synchronized String cancel() {
        String saved = toTag;
        toTag = null;
        String cancel = request("CANCEL", inviteBranch, inviteCseq, "CANCEL", "", null, null);
        toTag = saved;
        return cancel;
    }

    /**
     * ACK for an INVITE's final response. A non-2xx is ACKed in its INVITE transaction: its branch and CSeq
     * number; a 2xx in a new one to the remote target, with the INVITE's CSeq number (§13.2.2.4).
     */
    public synchronized String ack(SipMessage finalResponse) {
        if (finalResponse.statusCode() >= 300) {
            // The ACK carries the response's To tag, but a failed INVITE makes no dialog: a retry
            // after a 401 is again out of dialog (RFC 3261 §22.2).
            String saved = toTag;
            toTag = finalResponse.toTag().orElse(null);
            String ack = request("ACK", finalResponse.topViaBranch(), finalResponse.cseqNumber(), "ACK", "", null, null);
            toTag = saved;
            return ack;
        }
        learn(finalResponse);
        return request("ACK", branch(), finalResponse.cseqNumber(), "ACK", "", null, null);
    }

    /** ACK for a 2xx that carried the bridge's offer: the answer goes in the ACK (RFC 3264 §5). */
    public synchronized String ackWithSdp(SipMessage ok, String sdp) {
        learn(ok);
        return request("ACK", branch(), ok.cseqNumber(), "ACK", "", sdp == null ? null : "application/sdp", sdp);
    }

    public String reInvite(String sdp) {
        return inviteWithHeaders("", sdp);
    }

    public synchronized String bye() {
        return request("BYE", branch(), cseq++, "BYE", "", null, null);
    }

    public synchronized String info(String contentType, String body) {
        return request("INFO", branch(), cseq++, "INFO", "", contentType, body);
    }

    public String options() {
        return optionsWithHeaders("");
    }

    public synchronized String optionsWithHeaders(String extraHeaders) {
        return request("OPTIONS", branch(), cseq++, "OPTIONS", extraHeaders, null, null);
    }

    /**
     * A request in this dialog; its Request-URI is the remote target once the dialog is established
     * (§12.2.1.1), the {@link #requestUri} before.
     */
    public synchronized String request(String method, String branch, long cseqNumber, String cseqMethod,
                                       String extraHeaders, String contentType, String body) {
        String transport = client.transport();
        int local = client.localPort();
        String uri = toTag != null && remoteTarget != null ? remoteTarget : requestUri();
        StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(uri).append(" SIP/2.0\r\n");
        String sentBy = advertised != null ? advertised : client.uriHost() + ":" + local;
        sb.append("Via: SIP/2.0/").append(transport).append(' ').append(sentBy).append(";branch=").append(branch).append(";rport\r\n");
        sb.append("Max-Forwards: 70\r\n");
        sb.append("From: \"").append(displayName).append("\" <sip:").append(fromUser).append('@').append(client.uriHost()).append(">;tag=").append(fromTag).append("\r\n");
        sb.append("To: <sip:").append(requestUser).append('@').append(client.uriHost()).append('>').append(toTag == null ? "" : ";tag=" + toTag).append("\r\n");
        sb.append("Call-ID: ").append(callId).append("\r\n");
        sb.append("CSeq: ").append(cseqNumber).append(' ').append(cseqMethod).append("\r\n");
        if (!"CANCEL".equals(method) && !"BYE".equals(method)) {
            if (sips) {
                sb.append("Contact: <sips:").append(fromUser).append('@').append(sentBy).append(">\r\n");
            } else {
                sb.append("Contact: <sip:").append(fromUser).append('@').append(sentBy).append(";transport=").append(transport.toLowerCase()).append(">\r\n");
            }
        }
        sb.append("User-Agent: confbridge-test\r\n");
        sb.append(extraHeaders);
        byte[] content = body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (contentType != null) {
            sb.append("Content-Type: ").append(contentType).append("\r\n");
        }
        sb.append("Content-Length: ").append(content.length).append("\r\n\r\n");
        if (body != null) {
            sb.append(body);
        }
        return sb.toString();
    }

    public static String branch() {
        // RFC 3261 §8.1.1.7: the magic cookie marks a branch unique across space and time.
        return "z9hG4bK" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /** Where a SIP URI's requests go: its host and port, 5060 when it names none (§19.1.2). */
    static InetSocketAddress destinationOf(String sipUri) {
        String rest = sipUri.replaceFirst("^sips?:", "");
        int at = rest.indexOf('@');
        String hostPort = rest.substring(at + 1);
        int end = hostPort.length();
        for (char stop : new char[] {';', '?', '>'}) {
            int i = hostPort.indexOf(stop);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        hostPort = hostPort.substring(0, end);
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0 && !hostPort.endsWith("]")) {
            return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        }
        return new InetSocketAddress(hostPort, 5060);
    }
}
