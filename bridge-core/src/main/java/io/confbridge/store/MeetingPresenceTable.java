package io.confbridge.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which meetings have started in the cluster, and on which nodes (PostgreSQL, V6__meeting_presence.sql),
 * and the {@code meeting_events} NOTIFY that tells the other nodes at once. Blocking: call it from a
 * thread that may wait on the database.
 */
public final class MeetingPresenceTable {
    /**
     * The NOTIFY channel of meeting events. Payloads: {@code start <nodeId> <conferenceId>}, the meeting
     * started on that node; {@code parts <nodeId> <conferenceId>}, that node's part of the meeting began or
     * ended, so the parts' inter-node legs change (V7's {@code media_port}); {@code admit <nodeId>
     * <conferenceId>}, the organizer let the lobby in through that node's API, every started part admits
     * its own lobby; {@code end <nodeId> <conferenceId>}, the meeting was ended through that node's API,
     * every part ends (its rows here are already gone); {@code policy <nodeId> <conferenceId>}, the
     * meeting's policy changed, every live part re-reads the meeting; {@code counts <nodeId>
     * <conferenceId>}, that node's participant count of the meeting changed (the participant limit);
     * {@code sip <nodeId> <organizerId>}, the organizer's SIP account changed through that node (credentials
     * set, or the organizer enabled or disabled): every node re-reads it into its in-memory copy.
     */
    public static final String CHANNEL = "meeting_events";

    /**
     * Another node's started part of a meeting, as the inter-node legs need it.
     *
     * @param mediaAddress the node's {@code cluster.mediaAddress} (from the {@code nodes} table)
     * @param mediaPort    the UDP port of its part of the meeting there
     */
    public record Part(String nodeId, String mediaAddress, int mediaPort) {
    }

    private final DataSource pool;

    MeetingPresenceTable(DataSource pool) {
        this.pool = pool;
    }

    /**
     * The meeting started on {@code nodeId}: its row, and (when {@code announce}) a NOTIFY to every node,
     * sent when the row commits, so a node that hears it finds the row.
     */
    public void started(String conferenceId, String nodeId, boolean announce) {
        started(conferenceId, nodeId, announce, 0);
    }

    /**
     * As {@link #started(String, String, boolean)}, with the UDP port of this node's part (0 for none),
     * and a {@code parts} NOTIFY so that the other parts open their legs to it.
     */
    public void started(String conferenceId, String nodeId, boolean announce, int mediaPort) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO meeting_presence (conference_id, node_id, started_at, media_port)"
                                + " VALUES (?, ?, now(), ?) ON CONFLICT (conference_id, node_id)"
                                + " DO UPDATE SET media_port = COALESCE(EXCLUDED.media_port, meeting_presence.media_port)")) {
                    s.setString(1, conferenceId);
                    s.setString(2, nodeId);
                    if (mediaPort > 0) {
                        s.setInt(3, mediaPort);
                    } else {
                        s.setNull(3, Types.INTEGER);
                    }
                    s.executeUpdate();
                }
                if (announce) {
                    notify(c, "start " + nodeId + " " + conferenceId);
                }
                if (mediaPort > 0) {
                    notify(c, "parts " + nodeId + " " + conferenceId);
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

    /**
     * Tells every node (this one too) that the organizer's SIP account changed through {@code nodeId}: the
     * others' copies in memory would otherwise still admit a disabled organizer, or not know new credentials.
     */
    public void announceSipAccount(String nodeId, long organizerId) {
        notifyAlone("sip " + nodeId + " " + organizerId, "the SIP account change of organizer " + organizerId);
    }

    /**
     * Tells every node (this one too) of an event of the meeting: {@code kind} is {@code admit},
     * {@code policy} or {@code counts}, see {@link #CHANNEL}.
     */
    public void announce(String kind, String nodeId, String conferenceId) {
        notifyAlone(kind + " " + nodeId + " " + conferenceId, kind + " of meeting " + conferenceId);
    }

    /** A NOTIFY with no write beside it, on a connection of the pool; {@code what} names it in the error. */
    private void notifyAlone(String payload, String what) {
        try (Connection c = pool.getConnection()) {
            notify(c, payload);
        } catch (SQLException e) {
            throw new StoreException("announce " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * The organizer let the lobby of {@code conferenceId} in through {@code nodeId}: the moment is kept in
     * {@code meeting_admissions} and the {@code admit} NOTIFY goes with it (one transaction), so a node
     * that misses the NOTIFY admits, when it listens again, whoever was already waiting then.
     */
    public void admitted(String conferenceId, String nodeId) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO meeting_admissions (conference_id, admitted_at)"
                        + " VALUES (?, now()) ON CONFLICT (conference_id) DO UPDATE SET admitted_at = EXCLUDED.admitted_at")) {
                    s.setString(1, conferenceId);
                    s.executeUpdate();
                }
                notify(c, "admit " + nodeId + " " + conferenceId);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("record the admission of meeting " + conferenceId + "'s lobby: " + e.getMessage(), e);
        }
    }

    /** When the organizer last let the lobby of {@code conferenceId} in, on any node; empty if never (or ended since). */
    public Optional<Instant> lastAdmitted(String conferenceId) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT admitted_at FROM meeting_admissions WHERE conference_id = ?")) {
            s.setString(1, conferenceId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("read the last admission of meeting " + conferenceId + "'s lobby: " + e.getMessage(), e);
        }
    }

    /**
     * The meeting was ended through {@code nodeId}: every node's part of it is forgotten, so that no node
     * adopts its start any more, and a node that misses the {@code end} NOTIFY sent with it finds its own
     * row gone when it listens again (see {@link #hasPart}). Answers whether another node held part of
     * the meeting (a started part, or callers counted in {@code meeting_node_counts}).
     */
    public boolean ended(String conferenceId, String nodeId) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                boolean elsewhere;
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT count(*) FROM meeting_node_counts WHERE conference_id = ? AND node_id <> ?")) {
                    s.setString(1, conferenceId);
                    s.setString(2, nodeId);
                    try (ResultSet rs = s.executeQuery()) {
                        elsewhere = rs.next() && rs.getInt(1) > 0;
                    }
                }
                try (PreparedStatement s = c.prepareStatement("DELETE FROM meeting_admissions WHERE conference_id = ?")) {
                    s.setString(1, conferenceId); // the next meeting of this ID starts with no admit of its own
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement(
                        "DELETE FROM meeting_presence WHERE conference_id = ? RETURNING node_id")) {
                    s.setString(1, conferenceId);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            elsewhere |= !rs.getString(1).equals(nodeId);
                        }
                    }
                }
                notify(c, "end " + nodeId + " " + conferenceId);
                c.commit();
                return elsewhere;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("end meeting " + conferenceId + " on every node: " + e.getMessage(), e);
        }
    }

    /** Whether {@code nodeId}'s started part of the meeting still has its row (an end deletes it). */
    public boolean hasPart(String conferenceId, String nodeId) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT 1 FROM meeting_presence WHERE conference_id = ? AND node_id = ?")) {
            s.setString(1, conferenceId);
            s.setString(2, nodeId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new StoreException("read this node's part of meeting " + conferenceId + ": " + e.getMessage(), e);
        }
    }

    private static void notify(Connection c, String payload) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            s.setString(1, CHANNEL);
            s.setString(2, payload);
            s.executeQuery().close();
        }
    }

    /** This node's part of the meeting is over; the other parts hear of it ({@code parts}) and drop their legs. */
    public void over(String conferenceId, String nodeId) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "DELETE FROM meeting_presence WHERE conference_id = ? AND node_id = ?")) {
            s.setString(1, conferenceId);
            s.setString(2, nodeId);
            if (s.executeUpdate() > 0) {
                notify(c, "parts " + nodeId + " " + conferenceId);
            }
        } catch (SQLException e) {
            throw new StoreException("forget this node's part of meeting " + conferenceId + ": " + e.getMessage(), e);
        }
    }

    /**
     * The parts of the meeting on live nodes other than {@code selfId} (up or draining, heart-beating within
     * {@code timeoutMs}) that have a media port: where this node's part sends its own talkers.
     */
    public List<Part> otherParts(String conferenceId, String selfId, long timeoutMs) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT p.node_id, n.media_address, p.media_port FROM meeting_presence p"
                        + " JOIN nodes n ON n.node_id = p.node_id WHERE p.conference_id = ? AND p.node_id <> ?"
                        + " AND p.media_port IS NOT NULL AND n.state IN ('up', 'draining')"
                        + " AND n.heartbeat_at >= now() - ? * INTERVAL '1 millisecond' ORDER BY p.node_id")) {
            s.setString(1, conferenceId);
            s.setString(2, selfId);
            s.setLong(3, timeoutMs);
            return ResultRows.all(s, rs -> new Part(rs.getString(1), rs.getString(2), rs.getInt(3)));
        } catch (SQLException e) {
            throw new StoreException("read the other nodes' parts of meeting " + conferenceId + ": " + e.getMessage(), e);
        }
    }

    /** A meeting's lobby and participants on one node (V8's {@code meeting_node_counts}). */
    public record NodeCount(String nodeId, int lobbyCount, int participantCount) {
    }

    /** This node's counts of the meeting now; a node with nobody of it left has no row. */
    public void counts(String conferenceId, String nodeId, int lobbyCount, int participantCount) {
        counts(conferenceId, nodeId, lobbyCount, participantCount, CountsChange.NONE);
    }

    /** What a counts write tells the other nodes: nothing, a lobby-only change, or a participant change. */
    public enum CountsChange {
        NONE(null), LOBBY("lobby"), PARTICIPANTS("counts");

        private final String kind;

        CountsChange(String kind) {
            this.kind = kind;
        }
    }

    /**
     * As {@link #counts(String, String, int, int)}, then a NOTIFY of the change: {@code counts} when the
     * participants moved (the other nodes recount the meeting against its limit, and tell their event
     * streams), {@code lobby} when only the lobby did (event streams only: no recount query).
     */
    public void counts(String conferenceId, String nodeId, int lobbyCount, int participantCount, CountsChange change) {
        boolean nobody = lobbyCount == 0 && participantCount == 0;
        String sql = nobody ? "DELETE FROM meeting_node_counts WHERE conference_id = ? AND node_id = ?"
                : "INSERT INTO meeting_node_counts (conference_id, node_id, lobby_count, participant_count, updated_at)"
                + " VALUES (?, ?, ?, ?, now()) ON CONFLICT (conference_id, node_id) DO UPDATE SET"
                + " lobby_count = EXCLUDED.lobby_count, participant_count = EXCLUDED.participant_count,"
                + " updated_at = EXCLUDED.updated_at";
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, conferenceId);
            s.setString(2, nodeId);
            if (!nobody) {
                s.setInt(3, lobbyCount);
                s.setInt(4, participantCount);
            }
            s.executeUpdate();
            if (change.kind != null) {
                notify(c, change.kind + " " + nodeId + " " + conferenceId); // after the write: autocommit
            }
        } catch (SQLException e) {
            throw new StoreException("record this node's counts of meeting " + conferenceId + ": " + e.getMessage(), e);
        }
    }

    /** The meeting's counts on the live nodes other than {@code selfId}, by node ID. */
    public List<NodeCount> countsElsewhere(String conferenceId, String selfId, long timeoutMs) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT k.node_id, k.lobby_count, k.participant_count FROM meeting_node_counts k"
                        + " JOIN nodes n ON n.node_id = k.node_id WHERE k.conference_id = ? AND k.node_id <> ?"
                        + " AND n.state IN ('up', 'draining')"
                        + " AND n.heartbeat_at >= now() - ? * INTERVAL '1 millisecond' ORDER BY k.node_id")) {
            s.setString(1, conferenceId);
            s.setString(2, selfId);
            s.setLong(3, timeoutMs);
            return ResultRows.all(s, rs -> new NodeCount(rs.getString(1), rs.getInt(2), rs.getInt(3)));
        } catch (SQLException e) {
            throw new StoreException("read the other nodes' counts of meeting " + conferenceId + ": " + e.getMessage(), e);
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
            return new HashSet<>(ResultRows.all(s, rs -> rs.getString(1)));
        } catch (SQLException e) {
            throw new StoreException("read the meetings started on other nodes: " + e.getMessage(), e);
        }
    }
}
