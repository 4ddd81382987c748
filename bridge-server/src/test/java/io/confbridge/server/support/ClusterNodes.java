package io.confbridge.server.support;

import io.confbridge.store.MeetingNotifications;
import io.confbridge.store.support.PostgresTestSchema;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;

/**
 * The nodes of a test cluster: bridges on their own loopback addresses (127.0.0.2, 127.0.0.3, …) with the
 * same ports, on one PostgreSQL schema, sharing one pepper (PIN hashes made on one node are checked on
 * another), and the listening sessions of those nodes as PostgreSQL shows them.
 */
public final class ClusterNodes {
    /** The pepper every node of a test cluster shares. */
    public static final String PEPPER = Base64.getEncoder().encodeToString(new byte[32]);

    private ClusterNodes() {
    }

    /**
     * A node of the cluster on {@code schema}, not started yet: more settings (or other values of these)
     * may follow before {@link RunningBridge.Builder#start()}.
     *
     * @param samePortsAs the first node, whose ports this one takes on its own address; null for the first
     */
    public static RunningBridge.Builder node(PostgresTestSchema schema, Path dataDir, String nodeId, String loopback,
                                             RunningBridge samePortsAs) {
        RunningBridge.Builder builder = RunningBridge.in(dataDir).on(loopback)
                .with("store.jdbcUrl", schema.jdbcUrl())
                .with("security.pepper", PEPPER)
                .with("cluster.nodeId", nodeId)
                // Short, so that a node killed in a test is gone within it; heartbeats come every second.
                .with("cluster.nodeTimeoutMs", "3000");
        if (samePortsAs != null) {
            builder.samePortsAs(samePortsAs);
        }
        return builder;
    }

    /**
     * Cuts the node's listening session, as a database failover or a network cut would: the node reconnects
     * a second later. Returns how many sessions were cut.
     */
    public static int terminateListeningSessionOf(String nodeId) throws Exception {
        // FILTER runs on the rows WHERE kept: only the node's own session is cut.
        return count("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE application_name = ? AND datname = current_database()", nodeId);
    }

    /** How many listening sessions the node has open now. */
    public static int listeningSessionsOf(String nodeId) throws Exception {
        return count("SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND datname = current_database()",
                nodeId);
    }

    private static int count(String sql, String nodeId) throws Exception {
        try (Connection c = DriverManager.getConnection(PostgresTestSchema.serverUrl().orElseThrow());
             PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, MeetingNotifications.applicationName(nodeId));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
