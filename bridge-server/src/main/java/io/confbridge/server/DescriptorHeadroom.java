package io.confbridge.server;

import io.confbridge.config.BridgeConfig;
import io.confbridge.rtp.RtpPortAllocator;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Optional;

/**
 * Whether the process may open as many file descriptors as its own limits let it need. Every call holds
 * three UDP sockets (RTP, RTCP and the connected twin RTP sends through), every SIP connection over TCP or
 * TLS one, every admin connection one. When the operating system's limit ({@code ulimit -n},
 * {@code LimitNOFILE}) is below their sum, whatever asks last is refused: an RTP bind (the call gets 503),
 * an accept. An attacker's idle connections, well within the connection caps, could then keep callers
 * out. Checked once at start-up, as a WARN naming the figures: a lower limit is not wrong for a small
 * deployment, only smaller than the caps say.
 */
final class DescriptorHeadroom {
    /** Sockets a call holds. */
    static final int PER_CALL = 3;
    /** The database, log files, jars, epoll instances, the listening sockets. */
    static final int RESERVE = 256;

    private DescriptorHeadroom() {
    }

    /** The WARN to log when {@code limit} descriptors are fewer than {@code config}'s caps may need; else empty. */
    static Optional<String> shortfall(BridgeConfig config, long limit) {
        BridgeConfig.RtpConfig rtp = config.rtp();
        long calls = new RtpPortAllocator(rtp.portMin(), rtp.portMax()).capacity();
        long rtpNeed = PER_CALL * calls;
        int streams = (config.sip().tcp() ? 1 : 0) + (config.sip().tls().enabled() ? 1 : 0);
        long sipNeed = (long) streams * config.limits().sipConnections();
        long adminNeed = config.admin().maxConnections();
        long need = rtpNeed + sipNeed + adminNeed + RESERVE;
        if (limit < 0 || limit >= need) {
            return Optional.empty();
        }
        String sip = streams == 0 ? "" : sipNeed + " for limits.sipConnections over "
                + (streams == 2 ? "TCP and TLS" : config.sip().tcp() ? "TCP" : "TLS") + ", ";
        return Optional.of("this process may open " + limit + " file descriptors (ulimit -n), fewer than its limits"
                + " allow it to use: about " + need + " (" + rtpNeed + " for " + calls + " calls' RTP, RTCP and"
                + " twin sockets on rtp.portMin-rtp.portMax, " + sip + adminNeed + " for admin.maxConnections, "
                + RESERVE + " for the rest). When they run out, new calls get 503. Raise the limit"
                + " (LimitNOFILE=65536 in deploy/confbridge.service), or narrow the RTP port range"
                + (streams == 0 ? "" : " or lower limits.sipConnections"));
    }

    /** The process's descriptor limit, or -1 where the JVM cannot tell (not a Unix). */
    static long processLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }
}
