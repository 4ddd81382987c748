package io.confbridge.server.admin;

import io.confbridge.config.BridgeConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The SIP URIs a caller dials to reach one meeting directly: {@code sip:<id>@host:port} over UDP/TCP and
 * {@code sips:<id>@host:tlsPort} over TLS, at the advertised address. Shown on the organizer's page.
 */
final class DialInUris {

    /** No URIs: an API without a SIP side (unit tests). */
    static final DialInUris NONE = new DialInUris(null, 0, 0);

    private final String host;
    private final int port;
    private final int tlsPort;

    private DialInUris(String host, int port, int tlsPort) {
        this.host = host;
        this.port = port;
        this.tlsPort = tlsPort;
    }

    static DialInUris of(BridgeConfig.SipConfig sip) {
        String address = sip.advertisedAddress();
        String host = address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
        return new DialInUris(host, sip.udp() || sip.tcp() ? sip.port() : 0,
                sip.tls() != null && sip.tls().enabled() ? sip.tls().port() : 0);
    }

    List<String> of(String conferenceId) {
        List<String> uris = new ArrayList<>(2);
        if (host == null) {
            return uris;
        }
        if (port > 0) {
            uris.add("sip:" + conferenceId + "@" + host + ":" + port);
        }
        if (tlsPort > 0) {
            uris.add("sips:" + conferenceId + "@" + host + ":" + tlsPort);
        }
        return uris;
    }
}
