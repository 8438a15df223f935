-- 0001: the initial schema.
-- Times are TEXT in UTC with milliseconds ("2026-11-26T08:30:00.123Z", as
-- base::format_date_time writes them), so they sort and compare as strings.
-- *_at columns are when the CSMS received something; timestamp columns are
-- what the charger said.

CREATE TABLE chargers (
    charger_id           TEXT PRIMARY KEY NOT NULL CHECK (length(charger_id) > 0),
    registration         TEXT NOT NULL CHECK (registration IN ('Accepted', 'Pending', 'Rejected')),
    vendor               TEXT,
    model                TEXT,
    charge_point_serial  TEXT,
    charge_box_serial    TEXT,
    firmware_version     TEXT,
    iccid                TEXT,
    imsi                 TEXT,
    meter_type           TEXT,
    meter_serial         TEXT,
    last_boot            TEXT,
    last_heartbeat       TEXT,
    firmware_status      TEXT,
    firmware_status_at   TEXT,
    diagnostics_status   TEXT,
    diagnostics_status_at TEXT
);

-- The latest status of each connector (0 = the charger as a whole).
CREATE TABLE connector_status (
    charger_id        TEXT NOT NULL REFERENCES chargers (charger_id),
    connector_id      INTEGER NOT NULL CHECK (connector_id >= 0),
    status            TEXT NOT NULL,
    error_code        TEXT NOT NULL,
    info              TEXT,
    vendor_id         TEXT,
    vendor_error_code TEXT,
    timestamp         TEXT,
    received_at       TEXT NOT NULL,
    PRIMARY KEY (charger_id, connector_id)
) WITHOUT ROWID;

-- Every StatusNotification, in arrival order.
CREATE TABLE status_history (
    id                INTEGER PRIMARY KEY,
    charger_id        TEXT NOT NULL REFERENCES chargers (charger_id),
    connector_id      INTEGER NOT NULL CHECK (connector_id >= 0),
    status            TEXT NOT NULL,
    error_code        TEXT NOT NULL,
    info              TEXT,
    vendor_id         TEXT,
    vendor_error_code TEXT,
    timestamp         TEXT,
    received_at       TEXT NOT NULL
);
CREATE INDEX status_history_by_connector ON status_history (charger_id, connector_id, received_at);

-- OCPP id tags are CiString20: case-insensitive, so "abc" and "ABC" are one card.
CREATE TABLE id_tags (
    id_tag        TEXT PRIMARY KEY NOT NULL COLLATE NOCASE CHECK (length(id_tag) BETWEEN 1 AND 20),
    status        TEXT NOT NULL CHECK (status IN ('Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx')),
    expiry        TEXT,
    parent_id_tag TEXT CHECK (parent_id_tag IS NULL OR length(parent_id_tag) BETWEEN 1 AND 20)
);

-- AUTOINCREMENT: a transaction id handed to a charger is never handed out
-- again, even after the row (or the newest rows) are deleted.
CREATE TABLE transactions (
    transaction_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    charger_id        TEXT NOT NULL REFERENCES chargers (charger_id),
    connector_id      INTEGER NOT NULL CHECK (connector_id > 0),
    id_tag            TEXT NOT NULL COLLATE NOCASE,
    meter_start_wh    INTEGER NOT NULL,
    start_timestamp   TEXT NOT NULL,
    reservation_id    INTEGER,
    auth_status       TEXT NOT NULL,
    start_received_at TEXT NOT NULL,
    -- The stop columns are set together, once; stop_received_at IS NULL means open.
    stop_id_tag       TEXT,
    meter_stop_wh     INTEGER,
    stop_timestamp    TEXT,
    stop_reason       TEXT,
    stop_received_at  TEXT,
    CHECK ((stop_received_at IS NULL) = (meter_stop_wh IS NULL)
           AND (stop_received_at IS NULL) = (stop_timestamp IS NULL))
);
-- A retried StartTransaction must find its first transaction, never open a second.
CREATE UNIQUE INDEX transactions_identical_start
    ON transactions (charger_id, connector_id, id_tag, start_timestamp, meter_start_wh);
CREATE INDEX transactions_open_by_tag ON transactions (id_tag) WHERE stop_received_at IS NULL;
CREATE INDEX transactions_by_charger ON transactions (charger_id, start_timestamp);

-- Stops that matched no transaction of their charger (or contradicted an
-- earlier stop): kept for an operator to reconcile, never dropped.
-- No foreign key on purpose, so not even an unknown charger's stop is lost.
CREATE TABLE unmatched_stops (
    id             INTEGER PRIMARY KEY,
    charger_id     TEXT NOT NULL,
    transaction_id INTEGER NOT NULL,
    cause          TEXT NOT NULL CHECK (cause IN ('unknown_transaction', 'other_charger', 'conflicting_stop')),
    id_tag         TEXT,
    meter_stop_wh  INTEGER NOT NULL,
    timestamp      TEXT NOT NULL,
    reason         TEXT,
    received_at    TEXT NOT NULL,
    UNIQUE (charger_id, transaction_id, timestamp, meter_stop_wh)
);

-- One row per sampled value. A charger may report samples for a transaction
-- we never saw start, or another charger's: those samples are kept with the
-- id it reported, and linked (transaction_id) only to its own transactions.
CREATE TABLE meter_values (
    id               INTEGER PRIMARY KEY,
    charger_id       TEXT NOT NULL REFERENCES chargers (charger_id),
    connector_id     INTEGER NOT NULL CHECK (connector_id >= 0),
    transaction_id   INTEGER, -- set only when the transaction is this charger's own
    reported_transaction_id INTEGER, -- what the charger said, kept even when unknown
    timestamp        TEXT NOT NULL,
    value            TEXT NOT NULL,
    normalized_value REAL,
    measurand        TEXT NOT NULL,
    phase            TEXT NOT NULL, -- '' when the charger gave none
    unit             TEXT NOT NULL,
    context          TEXT NOT NULL,
    location         TEXT NOT NULL,
    format           TEXT NOT NULL,
    source           TEXT NOT NULL,
    received_at      TEXT NOT NULL
);
-- A replayed sample (same reading, value included) is ignored; a different
-- value at the same instant is a different reading and is kept.
-- The (IS NULL, ifnull) pair keeps samples
-- without a transaction distinct from any real transaction id, which a plain
-- UNIQUE over a nullable column would not deduplicate at all.
CREATE UNIQUE INDEX meter_values_identical
    ON meter_values (charger_id, connector_id, timestamp, measurand, phase, location, context, value,
                     reported_transaction_id IS NULL, ifnull(reported_transaction_id, 0));
CREATE INDEX meter_values_by_transaction ON meter_values (transaction_id, timestamp)
    WHERE transaction_id IS NOT NULL;

CREATE TABLE data_transfers (
    id          INTEGER PRIMARY KEY,
    charger_id  TEXT NOT NULL REFERENCES chargers (charger_id),
    vendor_id   TEXT NOT NULL,
    message_id  TEXT,
    data        TEXT,
    received_at TEXT NOT NULL
);
CREATE INDEX data_transfers_by_charger ON data_transfers (charger_id, received_at);

CREATE TABLE firmware_status_history (
    id          INTEGER PRIMARY KEY,
    charger_id  TEXT NOT NULL REFERENCES chargers (charger_id),
    status      TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX firmware_status_history_by_charger ON firmware_status_history (charger_id, received_at);

CREATE TABLE diagnostics_status_history (
    id          INTEGER PRIMARY KEY,
    charger_id  TEXT NOT NULL REFERENCES chargers (charger_id),
    status      TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX diagnostics_status_history_by_charger ON diagnostics_status_history (charger_id, received_at);
