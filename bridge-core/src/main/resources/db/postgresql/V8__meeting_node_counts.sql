-- A meeting's lobby and participants on each node (issue 12 §5), PostgreSQL only: what the admin API of
-- any node shows per node and in total. Each node writes its own rows when its counts change (a burst of
-- changes is one write) and deletes a row when nobody of that meeting is left on it; rows of a node that
-- stopped heart-beating are not read.
CREATE TABLE meeting_node_counts (
    conference_id     TEXT NOT NULL,
    node_id           TEXT NOT NULL,
    lobby_count       INTEGER NOT NULL,
    participant_count INTEGER NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (conference_id, node_id)
);
