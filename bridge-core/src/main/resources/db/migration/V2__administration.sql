-- Administration (SPEC §4) and PIN brute-force protection (SPEC §5). Same rules as V1: one file for
-- SQLite and PostgreSQL, ${idColumn} for auto-assigned keys, times as epoch milliseconds.

-- The length and time of the current PIN, for the admin's view (the hash reveals neither). SQLite adds
-- a NOT NULL column only with a default; rows that exist already get the tenant's current length (what
-- V1 generated them with unless the setting changed since) and their creation time.
ALTER TABLE organizers ADD COLUMN pin_length INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organizers ADD COLUMN pin_set_at BIGINT NOT NULL DEFAULT 0;
UPDATE organizers SET pin_length = (SELECT pin_length FROM tenant_settings WHERE id = 1), pin_set_at = created_at;

-- Who did what, when and from where. Never a PIN or a hash: the code writing it makes sure.
CREATE TABLE audit_log (
    id             ${idColumn},
    occurred_at    BIGINT NOT NULL,
    actor          TEXT   NOT NULL,
    actor_role     TEXT   NOT NULL,
    client_address TEXT,
    action         TEXT   NOT NULL,
    target         TEXT,
    detail         TEXT
);

-- Wrong PINs, one row each, by subject: "organizer:<id>", "caller:<caller ID>" or "address:<IP>". Rows
-- older than the counting window are deleted as new ones arrive. In the database, not in memory, so a
-- restart (or another node behind the same load balancer) does not hand an attacker fresh counters.
CREATE TABLE pin_failures (
    id          ${idColumn},
    subject     TEXT   NOT NULL,
    occurred_at BIGINT NOT NULL
);

CREATE INDEX pin_failures_by_subject ON pin_failures (subject, occurred_at);

-- Subjects whose PIN attempts are refused until locked_until (an organizer after too many wrong PINs).
CREATE TABLE pin_locks (
    subject      TEXT   NOT NULL PRIMARY KEY,
    locked_until BIGINT NOT NULL
);

-- Bearer tokens of users, as SHA-256 hashes: a database dump does not yield usable tokens.
CREATE TABLE user_tokens (
    token_hash   TEXT   NOT NULL PRIMARY KEY,
    organizer_id BIGINT NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL
);

CREATE INDEX user_tokens_by_organizer ON user_tokens (organizer_id);
