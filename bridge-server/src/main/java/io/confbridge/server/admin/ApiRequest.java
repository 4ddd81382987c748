package io.confbridge.server.admin;

import java.util.List;
import java.util.Map;

/**
 * One admin API request with everything the API needs, copied out of Netty's buffers so it can cross
 * to a worker thread.
 *
 * @param rawPath       the path as sent, still percent-encoded, so that an encoded {@code /} in an
 *                      e-mail cannot split a segment
 * @param authorization the {@code Authorization} header, or null
 * @param clientAddress the peer's IP address, for the audit log
 */
record ApiRequest(String method, String rawPath, Map<String, List<String>> query, byte[] body,
                  String authorization, String clientAddress) {

    /** The first value of a query parameter, or null. */
    String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public String toString() {
        // Never the body: it may hold a PIN-bearing field one day, and it is the client's data.
        return method + " " + rawPath + " from " + clientAddress;
    }
}
