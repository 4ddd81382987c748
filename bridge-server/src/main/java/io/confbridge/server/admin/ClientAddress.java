package io.confbridge.server.admin;

import io.confbridge.config.AddressBlock;

import java.net.InetAddress;
import java.util.List;

/**
 * Who sent an admin request: the connection's peer, or, when that peer is one of
 * {@code admin.trustedProxies} (a TLS-terminating reverse proxy), the client it names in
 * {@code X-Forwarded-For}. The header is read from the right: each trusted proxy appends the address it
 * received the request from, so the first entry from the right that is not itself a trusted proxy is the
 * client. Whatever stands further left was written by that client and is ignored, so a client cannot
 * pass for another by sending the header itself; nor can anyone who does not connect from a trusted
 * proxy. The answer keys the budget of refused tokens and is the audit log's client address.
 */
final class ClientAddress {
    /** Entries read at most: a chain of proxies is short, and the header is the client's to lengthen. */
    static final int MAX_HOPS = 16;

    private ClientAddress() {
    }

    /**
     * @param forwardedFor the request's {@code X-Forwarded-For} values, in header order (empty for none)
     */
    static InetAddress of(InetAddress peer, List<String> forwardedFor, List<AddressBlock> trustedProxies) {
        if (trustedProxies.isEmpty() || forwardedFor.isEmpty() || !AddressBlock.anyContains(trustedProxies, peer)) {
            return peer;
        }
        InetAddress client = peer;
        int hops = 0;
        for (int h = forwardedFor.size() - 1; h >= 0; h--) {
            String[] entries = forwardedFor.get(h).split(",", -1);
            for (int e = entries.length - 1; e >= 0; e--) {
                InetAddress hop = hop(entries[e].strip());
                if (hop == null || ++hops > MAX_HOPS) {
                    return client; // garbage past the trusted hops: the last hop they vouched for
                }
                client = hop;
                if (!AddressBlock.anyContains(trustedProxies, hop)) {
                    return client;
                }
            }
        }
        return client;
    }

    /** One entry: an address, optionally {@code [v6]}, {@code [v6]:port} or {@code v4:port}; else null. */
    private static InetAddress hop(String entry) {
        String host = entry;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = host.substring(1, close);
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            host = host.substring(0, host.indexOf(':')); // v4:port; an IPv6 address has several colons
        }
        return AddressBlock.literal(host);
    }
}
