package io.confbridge.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The cluster's {@code nodes} table (PostgreSQL, V5__nodes.sql): each node's own row, written by that node
 * alone, read by all. Every time is the database's ({@code now()}), so a node whose clock is off is
 * neither taken for dead nor kept alive by it. Blocking: call it from a thread that may wait on the
 * database, never an event loop or a SIP thread.
 */
public final class NodeTable {
    private static final String COLUMNS = "node_id, sip_address, media_address, admin_address, state, calls,"
            + " started_at, heartbeat_at, FLOOR(EXTRACT(EPOCH FROM (now() - heartbeat_at)) * 1000)";

    private final DataSource pool;

    NodeTable(DataSource pool) {
        this.pool = pool;
    }

    /** What a node says about itself when it joins. */
    public record Registration(String nodeId, String sipAddress, String mediaAddress, String adminAddress) {
    }

    /**
     * Writes this node's row as up with no calls. A row of the same ID is taken over when it is down or its
     * heartbeat is older than {@code timeoutMs} (the same node restarted); a live one is not.
     *
     * @return false when another live node holds the ID
     */
    public boolean register(Registration node, long timeoutMs) {
        return run("register node " + node.nodeId(), c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO nodes (node_id, sip_address, media_address, admin_address, state, calls, started_at,"
                            + " heartbeat_at) VALUES (?, ?, ?, ?, 'up', 0, now(), now())"
                            + " ON CONFLICT (node_id) DO UPDATE SET sip_address = EXCLUDED.sip_address,"
                            + " media_address = EXCLUDED.media_address, admin_address = EXCLUDED.admin_address,"
                            + " state = 'up', calls = 0, started_at = now(), heartbeat_at = now()"
                            + " WHERE nodes.state = 'down' OR nodes.heartbeat_at < now() - ? * INTERVAL '1 millisecond'")) {
                s.setString(1, node.nodeId());
                s.setString(2, node.sipAddress());
                s.setString(3, node.mediaAddress());
                s.setString(4, node.adminAddress());
                s.setLong(5, timeoutMs);
                return s.executeUpdate() == 1;
            }
        });
    }

    /**
     * Renews this node's heartbeat with its state and call count.
     *
     * @return false when the row is missing (deleted by hand): the caller registers again
     */
    public boolean heartbeat(String nodeId, NodeRecord.State state, int calls) {
        if (state == NodeRecord.State.GONE) {
            throw new IllegalArgumentException("gone is read, never written");
        }
        return run("heartbeat of node " + nodeId, c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE nodes SET state = ?, calls = ?, heartbeat_at = now() WHERE node_id = ?")) {
                s.setString(1, state.wire());
                s.setInt(2, calls);
                s.setString(3, nodeId);
                return s.executeUpdate() == 1;
            }
        });
    }

    /** Every node's row, by ID, each stale one ({@code timeoutMs}) as {@link NodeRecord.State#GONE}. */
    public List<NodeRecord> list(long timeoutMs) {
        return run("list nodes", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM nodes ORDER BY node_id")) {
                return ResultRows.all(s, rs -> node(rs, timeoutMs));
            }
        });
    }

    private static NodeRecord node(ResultSet rs, long timeoutMs) throws SQLException {
        NodeRecord.State state = NodeRecord.State.fromWire(rs.getString(5));
        long age = Math.max(0, rs.getLong(9));
        if (state != NodeRecord.State.DOWN && age > timeoutMs) {
            state = NodeRecord.State.GONE;
        }
        return new NodeRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                state, rs.getInt(6), rs.getTimestamp(7).toInstant(), rs.getTimestamp(8).toInstant(), age);
    }

    @FunctionalInterface
    private interface Work<T> {
        T on(Connection c) throws SQLException;
    }

    private <T> T run(String what, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.on(c);
        } catch (SQLException e) {
            throw new StoreException(what + ": " + e.getMessage(), e);
        }
    }
}
