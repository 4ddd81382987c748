package io.confbridge.sip.stream;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import io.confbridge.config.BridgeConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many TCP or TLS connections one listening point holds, in all and per peer address. jain-sip's NIO
 * processor accepts every connection ("configured at OS level", it says), so without this one address
 * could open connections until the process runs out of file descriptors, and then no caller could bind
 * an RTP port either. Past {@code limits.sipConnections} in all or {@code limits.sipConnectionsPerSource}
 * from one address, a new connection is closed as soon as it is accepted.
 */
public final class ConnectionCount {
    /**
     * The stack property that carries {@code limits.sipConnectionsPerSource} to the processors, which
     * jain-sip makes by itself; {@code limits.sipConnections} goes in jain-sip's own {@code MAX_CONNECTIONS}.
     */
    public static final String PER_SOURCE_PROPERTY = "io.confbridge.sip.MAX_CONNECTIONS_PER_SOURCE";
    private static final String TOTAL_PROPERTY = "gov.nist.javax.sip.MAX_CONNECTIONS";

    private final int maxTotal;
    private final int maxPerSource;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> bySource = new ConcurrentHashMap<>();

    /** The caps {@code stack} was configured with, the defaults where it was not. */
    static ConnectionCount of(SIPTransactionStack stack) {
        Properties p = stack instanceof SipStackImpl impl ? impl.getConfigurationProperties() : null;
        return new ConnectionCount(
                property(p, TOTAL_PROPERTY, BridgeConfig.LimitsConfig.DEFAULT_SIP_CONNECTIONS),
                property(p, PER_SOURCE_PROPERTY, BridgeConfig.LimitsConfig.DEFAULT_SIP_CONNECTIONS_PER_SOURCE));
    }

    private static int property(Properties p, String name, int otherwise) {
        String value = p == null ? null : p.getProperty(name);
        return value == null ? otherwise : Integer.parseInt(value.trim());
    }

    /** Also counts the admin HTTP listener's connections, with that listener's own limits. */
    public ConnectionCount(int maxTotal, int maxPerSource) {
        this.maxTotal = maxTotal;
        this.maxPerSource = maxPerSource;
    }

    /** Counts a new connection from {@code source}; false (and nothing counted) when it is one too many. */
    public boolean tryOpen(InetAddress source) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return false;
        }
        int fromSource = bySource.merge(source, 1, Integer::sum);
        if (fromSource > maxPerSource) {
            closed(source);
            return false;
        }
        return true;
    }

    /**
     * Counts the accepted {@code client} in, or, when it is one too many, reports it and closes it; shared
     * by the TCP and TLS processors.
     */
    boolean admit(SocketChannel client, String transport) throws IOException {
        InetAddress peer = client.socket().getInetAddress();
        if (tryOpen(peer)) {
            return true;
        }
        StreamRefusals.report(transport, peer, client.socket().getPort(), "too many connections ("
                + from(peer) + " from this address, " + total() + " in all)");
        client.close();
        return false;
    }

    /** A connection counted by {@link #tryOpen} closed. */
    public void closed(InetAddress source) {
        total.decrementAndGet();
        bySource.computeIfPresent(source, (address, count) -> count <= 1 ? null : count - 1);
    }

    public int total() {
        return total.get();
    }

    public int from(InetAddress source) {
        return bySource.getOrDefault(source, 0);
    }
}
