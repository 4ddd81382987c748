-- Cluster mode (issue 12), PostgreSQL only: Flyway reads db/postgresql beside db/migration for a
-- PostgreSQL store, so version 5 is taken there; a later migration shared by both stores is V6 or above.
--
-- Each bridge node of a cluster keeps its own row: where it is reached, whether it takes new calls, how
-- many calls it holds, and when it last said so. Times are the database's clock (now()), so that the
-- nodes' own clocks never decide who is alive.
CREATE TABLE nodes (
    node_id       TEXT PRIMARY KEY,
    sip_address   TEXT NOT NULL,
    media_address TEXT NOT NULL,
    admin_address TEXT NOT NULL,
    -- up: takes calls; draining: keeps its calls, takes no new ones; down: left gracefully.
    state         TEXT NOT NULL CHECK (state IN ('up', 'draining', 'down')),
    calls         INTEGER NOT NULL DEFAULT 0,
    started_at    TIMESTAMPTZ NOT NULL,
    heartbeat_at  TIMESTAMPTZ NOT NULL
);
