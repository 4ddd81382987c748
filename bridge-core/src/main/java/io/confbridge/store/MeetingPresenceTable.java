package io.confbridge.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * Which meetings have started in the cluster, and on which nodes (PostgreSQL, V6__meeting_presence.sql),
 * and the {@code meeting_events} NOTIFY that tells the other nodes at once. Blocking: call it from a
 * thread that may wait on the database.
 */
public final class MeetingPresenceTable {
    /** The NOTIFY channel of meeting starts; the payload is {@code start <nodeId> <conferenceId>}. */
    public static final String CHANNEL = "meeting_events";

    private final DataSource pool;

    MeetingPresenceTable(DataSource pool) {
        this.pool = pool;
    }

    /**
     * The meeting started on {@code nodeId}: its row, and (when {@code announce}) a NOTIFY to every node,
     * sent when the row commits, so a node that hears it finds the row.
     */
    public void started(String conferenceId, String nodeId, boolean announce) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO meeting_presence (conference_id, node_id, started_at) VALUES (?, ?, now())"
                                + " ON CONFLICT (conference_id, node_id) DO NOTHING")) {
                    s.setString(1, conferenceId);
                    s.setString(2, nodeId);
                    s.executeUpdate();
                }
                if (announce) {
                    try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                        s.setString(1, CHANNEL);
                        s.setString(2, "start " + nodeId + " " + conferenceId);
                        s.executeQuery().close();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("record the start of meeting " + conferenceId + ": " + e.getMessage(), e);
        }
    }

    /** This node's part of the meeting is over. */
    public void over(String conferenceId, String nodeId) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "DELETE FROM meeting_presence WHERE conference_id = ? AND node_id = ?")) {
            s.setString(1, conferenceId);
            s.setString(2, nodeId);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("forget this node's part of meeting " + conferenceId + ": " + e.getMessage(), e);
        }
    }

    private static final String STARTED_ELSEWHERE = "SELECT DISTINCT p.conference_id FROM meeting_presence p"
            + " JOIN nodes n ON n.node_id = p.node_id WHERE p.node_id <> ? AND n.state IN ('up', 'draining')"
            + " AND n.heartbeat_at >= now() - ? * INTERVAL '1 millisecond'";

    /**
     * The meetings started on some node other than {@code selfId} that is alive: up or draining, with a
     * heartbeat younger than {@code timeoutMs}.
     */
    public Set<String> startedElsewhere(String selfId, long timeoutMs) {
        return startedElsewhere(selfId, timeoutMs, null);
    }

    /** Whether {@code conferenceId} is one of {@link #startedElsewhere(String, long)}. */
    public boolean startedElsewhere(String conferenceId, String selfId, long timeoutMs) {
        return !startedElsewhere(selfId, timeoutMs, conferenceId).isEmpty();
    }

    private Set<String> startedElsewhere(String selfId, long timeoutMs, String onlyConferenceId) {
        String sql = onlyConferenceId == null ? STARTED_ELSEWHERE : STARTED_ELSEWHERE + " AND p.conference_id = ?";
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, selfId);
            s.setLong(2, timeoutMs);
            if (onlyConferenceId != null) {
                s.setString(3, onlyConferenceId);
            }
            Set<String> started = new HashSet<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    started.add(rs.getString(1));
                }
            }
            return started;
        } catch (SQLException e) {
            throw new StoreException("read the meetings started on other nodes: " + e.getMessage(), e);
        }
    }
}
