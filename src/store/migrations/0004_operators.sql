-- 0004: operators, their API tokens, the audit log, and what operators ask
-- chargers to do (commands) with the effects the CSMS tracks from them.

-- People who run the network. Roles follow the operator's policy (section 3).
CREATE TABLE operators (
    operator_id INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 64),
    role        TEXT NOT NULL CHECK (role IN ('admin', 'information_management', 'operations', 'technical',
                                               'customer_service', 'auditor')),
    created_at  TEXT NOT NULL,
    created_by  TEXT,          -- the operator who added this one; NULL for the bootstrap admin
    disabled_at TEXT           -- set: every token of this operator is refused
);

-- Bearer tokens. Only SHA-256 of the token is kept: tokens are 256 random
-- bits, so a fast hash is enough and a stolen database yields no token.
CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY NOT NULL, -- hex SHA-256 of the whole token
    operator_id INTEGER NOT NULL REFERENCES operators (operator_id),
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
) WITHOUT ROWID;

-- Every admin API call, allowed or denied, and every read of personal data.
-- Append-only: the triggers refuse UPDATE and DELETE, and the API has no
-- statement that would try.
CREATE TABLE audit_log (
    audit_id      INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    operator_id   INTEGER,  -- NULL: no valid token was presented
    operator_name TEXT,
    role          TEXT,
    remote        TEXT NOT NULL, -- the caller's address
    method        TEXT NOT NULL,
    path          TEXT NOT NULL, -- without the query string
    action        TEXT NOT NULL, -- e.g. "chargers.list", "commands.Reset"
    object        TEXT,          -- the charger, transaction, id tag or operator acted on
    status        INTEGER NOT NULL, -- the HTTP status answered
    outcome       TEXT NOT NULL, -- "ok", "denied", a charger's answer, an error code
    personal_data INTEGER NOT NULL DEFAULT 0 CHECK (personal_data IN (0, 1))
);
CREATE INDEX audit_log_by_operator ON audit_log (operator_name, audit_id);
CREATE INDEX audit_log_by_object ON audit_log (object, audit_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Commands sent to chargers and what came back (command history).
CREATE TABLE commands (
    command_id    INTEGER PRIMARY KEY,
    charger_id    TEXT NOT NULL, -- no foreign key: a command to an unknown id is history too
    action        TEXT NOT NULL,
    request       TEXT NOT NULL, -- the payload sent (JSON)
    operator_name TEXT,
    requested_at  TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('result', 'call_error', 'timeout', 'not_connected',
                                                   'invalid_response', 'busy')),
    response      TEXT,          -- the CALLRESULT payload, or the CALLERROR's details (JSON)
    status        TEXT,          -- the answer's "status" field when it has one
    finished_at   TEXT NOT NULL
);
CREATE INDEX commands_by_charger ON commands (charger_id, command_id);

-- Reservations the charger accepted (ReserveNow). A StartTransaction naming
-- the reservation uses it; CancelReservation cancels it; past expiry it is
-- expired whatever its stored state.
CREATE TABLE reservations (
    reservation_id INTEGER NOT NULL,
    charger_id     TEXT NOT NULL,
    connector_id   INTEGER NOT NULL CHECK (connector_id >= 0),
    id_tag         TEXT NOT NULL COLLATE NOCASE,
    parent_id_tag  TEXT,
    expiry         TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('active', 'used', 'cancelled')),
    transaction_id INTEGER,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (charger_id, reservation_id)
) WITHOUT ROWID;

-- Charging profiles a charger accepted (SetChargingProfile), until cleared.
CREATE TABLE charging_profiles (
    charger_id   TEXT NOT NULL,
    connector_id INTEGER NOT NULL CHECK (connector_id >= 0),
    profile_id   INTEGER NOT NULL,
    stack_level  INTEGER NOT NULL,
    purpose      TEXT NOT NULL,
    profile      TEXT NOT NULL, -- the csChargingProfiles object (JSON)
    set_at       TEXT NOT NULL,
    PRIMARY KEY (charger_id, profile_id)
) WITHOUT ROWID;

-- The local authorisation list version per charger: what we sent, and what
-- the charger last reported (GetLocalListVersion).
CREATE TABLE local_list_versions (
    charger_id       TEXT PRIMARY KEY NOT NULL,
    sent_version     INTEGER,
    sent_at          TEXT,
    reported_version INTEGER,
    reported_at      TEXT
) WITHOUT ROWID;

-- The charger's configuration as it last reported it (GetConfiguration),
-- updated by accepted ChangeConfiguration calls.
CREATE TABLE charger_configuration (
    charger_id  TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       TEXT,
    readonly    INTEGER NOT NULL CHECK (readonly IN (0, 1)),
    reported_at TEXT NOT NULL,
    PRIMARY KEY (charger_id, key)
) WITHOUT ROWID;
