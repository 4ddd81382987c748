-- The directory schema, one file for SQLite and PostgreSQL alike.
--
-- The one construct the two spell differently is an auto-assigned primary key, so it comes in through
-- the ${idColumn} placeholder that JdbcDirectoryStore sets per database: one file cannot drift the way two
-- vendor folders kept in step by hand do. Everything else sticks to the common subset: TEXT rather than
-- VARCHAR(n) (SQLite would not enforce the length, so limits belong to the API, checked once for both),
-- BOOLEAN with TRUE/FALSE (SQLite >= 3.23 stores 1/0), and times as epoch milliseconds in BIGINT, which
-- sidesteps the time-zone and affinity differences of TIMESTAMP.

-- One row: the tenant's settings. The CHECK keeps it at one.
CREATE TABLE tenant_settings (
    id                    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    pin_length            INTEGER NOT NULL DEFAULT 5 CHECK (pin_length BETWEEN 4 AND 12),
    auto_email            BOOLEAN NOT NULL DEFAULT TRUE,
    anonymous_can_start   BOOLEAN NOT NULL DEFAULT FALSE,
    lobby_timeout_minutes INTEGER NOT NULL DEFAULT 60 CHECK (lobby_timeout_minutes BETWEEN 1 AND 1440),
    language              TEXT    NOT NULL DEFAULT 'en'
);

INSERT INTO tenant_settings (id) VALUES (1);

-- Users enabled for audio conferencing. email is stored lower-case so UNIQUE means unique per mailbox.
CREATE TABLE organizers (
    id           ${idColumn},
    email        TEXT    NOT NULL UNIQUE,
    display_name TEXT    NOT NULL,
    phone        TEXT,
    pin_hash     TEXT    NOT NULL,
    enabled      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);

CREATE TABLE meetings (
    id                   ${idColumn},
    conference_id        TEXT    NOT NULL UNIQUE,
    organizer_id         BIGINT  NOT NULL REFERENCES organizers (id),
    require_pin_to_start BOOLEAN NOT NULL DEFAULT TRUE,
    created_at           BIGINT  NOT NULL
);

CREATE INDEX meetings_by_organizer ON meetings (organizer_id);

-- Every PIN hash an organizer has been issued, newest last, so a new PIN can avoid the last five.
CREATE TABLE pin_history (
    id           ${idColumn},
    organizer_id BIGINT NOT NULL REFERENCES organizers (id) ON DELETE CASCADE,
    pin_hash     TEXT   NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE INDEX pin_history_by_organizer ON pin_history (organizer_id, id);
