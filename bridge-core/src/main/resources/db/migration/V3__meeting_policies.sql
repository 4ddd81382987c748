-- Meeting policies (issue #4) with tenant defaults, and organizers' SIP digest credentials (SPEC §3).
-- Same rules as V1: one file for SQLite and PostgreSQL, ${idColumn} for auto-assigned keys, times as
-- epoch milliseconds. SQLite adds one column per ALTER TABLE, so each column has its own statement.

-- The tenant's defaults for the policies; lobby_timeout_minutes (V1) is the lobby timeout's default.
ALTER TABLE tenant_settings ADD COLUMN end_on_organizer_leave BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tenant_settings ADD COLUMN max_participants INTEGER NOT NULL DEFAULT 0
    CHECK (max_participants BETWEEN 0 AND 1000);
ALTER TABLE tenant_settings ADD COLUMN entry_exit_tones BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE tenant_settings ADD COLUMN admission_mode TEXT NOT NULL DEFAULT 'automatic'
    CHECK (admission_mode IN ('automatic', 'organizer'));

-- A meeting's own policy. NULL means "the tenant's default", resolved when the meeting is read, so a
-- changed default reaches every meeting that did not set its own value. require_pin_to_start (V1) stays
-- as it is: it was always fixed when the meeting was created.
ALTER TABLE meetings ADD COLUMN end_on_organizer_leave BOOLEAN;
ALTER TABLE meetings ADD COLUMN lobby_timeout_minutes INTEGER
    CHECK (lobby_timeout_minutes BETWEEN 1 AND 1440);
ALTER TABLE meetings ADD COLUMN max_participants INTEGER
    CHECK (max_participants BETWEEN 0 AND 1000);
ALTER TABLE meetings ADD COLUMN entry_exit_tones BOOLEAN;
ALTER TABLE meetings ADD COLUMN admission_mode TEXT
    CHECK (admission_mode IN ('automatic', 'organizer'));

-- One SIP digest account per organizer. Only HA1 values (RFC 7616 §3.4.2: H(username:realm:password)),
-- never the password; realm records what they were computed for, since HA1 binds it and a changed
-- sip.realm makes them useless. The username is case-sensitive, as SIP user parts are.
CREATE TABLE sip_credentials (
    organizer_id BIGINT NOT NULL PRIMARY KEY REFERENCES organizers (id) ON DELETE CASCADE,
    username     TEXT   NOT NULL UNIQUE,
    realm        TEXT   NOT NULL,
    ha1_md5      TEXT   NOT NULL,
    ha1_sha256   TEXT   NOT NULL,
    updated_at   BIGINT NOT NULL
);
