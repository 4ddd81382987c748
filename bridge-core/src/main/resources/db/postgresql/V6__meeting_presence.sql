-- Cluster-wide meeting state (issue 12 §2), PostgreSQL only (see V5__nodes.sql for the numbering).
--
-- A row says: this meeting has started, and has a started part on this node. A meeting counts as started
-- in the cluster while some row of it belongs to a node that is alive (heart-beating), so a crashed
-- node's rows stop counting without anyone deleting them. A node adds its row when the meeting starts on
-- it or it hears of the start, and deletes it when its part is over. Starts also travel as NOTIFY on the
-- channel meeting_events; this table is what a node that missed one reads to catch up.
CREATE TABLE meeting_presence (
    conference_id TEXT NOT NULL,
    node_id       TEXT NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (conference_id, node_id)
);
