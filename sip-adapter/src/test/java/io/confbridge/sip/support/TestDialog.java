package io.confbridge.sip.support;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The caller's side of one call in the raw-text test client: builds requests as strings with the
 * right Call-ID, tags, CSeq and branches (RFC 3261 §8.1.1, §9.1 for CANCEL, §17.1.1.3 for ACK).
 */
public final class TestDialog {

    private final SipTestClient client;
    private final String requestUser;
    private String fromUser = "alice";
    private final String callId = "call-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "@127.0.0.1";
    private final String fromTag = "from" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
    private String toTag;
    private long cseq = 1;
    private String inviteBranch;
    private long inviteCseq;

    TestDialog(SipTestClient client, String requestUser) {
        this.client = client;
        this.requestUser = requestUser;
    }

    /** Sends as {@code user} from now on (the From and Contact user). */
    public TestDialog from(String user) {
        this.fromUser = user;
        return this;
    }

    /** The Request-URI of this dialog's out-of-dialog requests, as an Authorization {@code uri}. */
    public String requestUri() {
        return "sip:" + requestUser + "@127.0.0.1:" + client.serverPort() + ";transport=" + client.transport().toLowerCase();
    }

    public String callId() {
        return callId;
    }

    public String toTag() {
        return toTag;
    }

    /** Remembers the bridge's To tag from a response. */
    public void learn(SipMessage response) {
        if (response.toTag().orElse(null) != null) {
            toTag = response.toTag().orElse(null);
        }
    }

    public String invite(String sdp) {
        inviteBranch = branch();
        inviteCseq = cseq++;
        return request("INVITE", inviteBranch, inviteCseq, "INVITE", "", "application/sdp", sdp);
    }

    public String inviteWithHeaders(String extraHeaders, String sdp) {
        inviteBranch = branch();
        inviteCseq = cseq++;
        return request("INVITE", inviteBranch, inviteCseq, "INVITE", extraHeaders, sdp == null ? null : "application/sdp", sdp);
    }

    public String cancel() {
        String saved = toTag;
        toTag = null;
        String cancel = request("CANCEL", inviteBranch, inviteCseq, "CANCEL", "", null, null);
        toTag = saved;
        return cancel;
    }

    /** ACK for the INVITE's final response: same branch for non-2xx, a new one for 2xx. */
    public String ack(SipMessage finalResponse) {
        if (finalResponse.statusCode() >= 300) {
            // The ACK carries the response's To tag, but a failed INVITE makes no dialog: a retry
            // after a 401 is again out of dialog (RFC 3261 §22.2).
            String saved = toTag;
            toTag = finalResponse.toTag().orElse(null);
            String ack = request("ACK", inviteBranch, inviteCseq, "ACK", "", null, null);
            toTag = saved;
            return ack;
        }
        learn(finalResponse);
        String branch = finalResponse.statusCode() >= 300 ? inviteBranch : branch();
        return request("ACK", branch, inviteCseq, "ACK", "", null, null);
    }

    public String reInvite(String sdp) {
        inviteBranch = branch();
        inviteCseq = cseq++;
        return request("INVITE", inviteBranch, inviteCseq, "INVITE", "", sdp == null ? null : "application/sdp", sdp);
    }

    public String bye() {
        return request("BYE", branch(), cseq++, "BYE", "", null, null);
    }

    public String info(String contentType, String body) {
        return request("INFO", branch(), cseq++, "INFO", "", contentType, body);
    }

    public String options() {
        return request("OPTIONS", branch(), cseq++, "OPTIONS", "", null, null);
    }

    public String request(String method, String branch, long cseqNumber, String cseqMethod, String extraHeaders,
                          String contentType, String body) {
        String transport = client.transport();
        int local = client.localPort();
        StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(requestUri()).append(" SIP/2.0\r\n");
        sb.append("Via: SIP/2.0/").append(transport).append(" 127.0.0.1:").append(local).append(";branch=").append(branch).append(";rport\r\n");
        sb.append("Max-Forwards: 70\r\n");
        sb.append("From: \"Alice\" <sip:").append(fromUser).append("@127.0.0.1>;tag=").append(fromTag).append("\r\n");
        sb.append("To: <sip:").append(requestUser).append("@127.0.0.1>").append(toTag == null ? "" : ";tag=" + toTag).append("\r\n");
        sb.append("Call-ID: ").append(callId).append("\r\n");
        sb.append("CSeq: ").append(cseqNumber).append(' ').append(cseqMethod).append("\r\n");
        if (!"CANCEL".equals(method) && !"BYE".equals(method)) {
            sb.append("Contact: <sip:").append(fromUser).append("@127.0.0.1:").append(local).append(";transport=").append(transport.toLowerCase()).append(">\r\n");
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
        return "z9hG4bK" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
}
