-- The organizer's last "admit the lobby" of each meeting (issue 12 §2), PostgreSQL only. The admit itself
-- travels as a NOTIFY; this row is what a node that missed it reads when it listens again: its callers who
-- were already waiting at that moment are let in then. Deleted when the meeting is ended.
CREATE TABLE meeting_admissions (
    conference_id TEXT PRIMARY KEY,
    admitted_at   TIMESTAMPTZ NOT NULL
);
