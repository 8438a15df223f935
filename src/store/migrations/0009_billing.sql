-- 0009: billing records (docs/billing.md).

-- Every stopped transaction waits here until the billing engine has issued
-- its record. The trigger queues it in the same transaction as its stop, so
-- no stop is missed however late it arrives (an offline charger's), and the
-- engine removes it in the same transaction as the record it wrote.
-- Transactions stopped before this migration are not billed.
CREATE TABLE billing_queue (
    transaction_id INTEGER PRIMARY KEY NOT NULL
);
CREATE TRIGGER billing_queue_on_stop AFTER UPDATE OF stop_received_at ON transactions
    WHEN old.stop_received_at IS NULL AND new.stop_received_at IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO billing_queue (transaction_id) VALUES (new.transaction_id);
END;

-- One record per session, issued once and never changed. A correction is an
-- adjustment record that references the record it corrects. A session whose
-- meter cannot be trusted, or that no tariff covered, is 'flagged' with its
-- anomalies and a zero total, for an operator to settle by adjustment.
-- Times are the charger's (started_at, stopped_at) and the CSMS's (issued_at).
CREATE TABLE billing_records (
    record_id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind              TEXT NOT NULL CHECK (kind IN ('session', 'adjustment')),
    status            TEXT NOT NULL CHECK (status IN ('billed', 'flagged', 'adjustment')),
    transaction_id    INTEGER NOT NULL REFERENCES transactions (transaction_id),
    adjusts_record_id INTEGER REFERENCES billing_records (record_id),
    charger_id        TEXT NOT NULL,
    connector_id      INTEGER NOT NULL,
    id_tag            TEXT NOT NULL COLLATE NOCASE,
    tag_group         TEXT COLLATE NOCASE,
    payment_method    TEXT NOT NULL,
    region            TEXT,
    tariff            TEXT,
    currency          TEXT NOT NULL,
    started_at        TEXT NOT NULL,
    stopped_at        TEXT NOT NULL,
    meter_start_wh    INTEGER NOT NULL,
    meter_stop_wh     INTEGER NOT NULL,
    energy_wh         INTEGER NOT NULL,
    sampled_energy_wh INTEGER, -- the last register sample minus meterStart, the cross-check
    total             INTEGER NOT NULL, -- minor units; an adjustment's may be negative
    anomalies         TEXT NOT NULL DEFAULT '', -- comma-separated: negative_energy, meter_reset, no_tariff
    reason            TEXT,     -- adjustments: why, as the operator wrote it
    issued_by         TEXT,     -- adjustments: the operator; NULL for the engine
    issued_at         TEXT NOT NULL,
    CHECK ((kind = 'session') = (adjusts_record_id IS NULL)),
    CHECK ((kind = 'adjustment') = (status = 'adjustment')),
    CHECK (status <> 'flagged' OR (total = 0 AND anomalies <> ''))
);
CREATE UNIQUE INDEX billing_records_one_per_session ON billing_records (transaction_id) WHERE kind = 'session';
CREATE INDEX billing_records_by_start ON billing_records (started_at);
CREATE INDEX billing_records_adjusting ON billing_records (adjusts_record_id) WHERE adjusts_record_id IS NOT NULL;

CREATE TABLE billing_lines (
    record_id  INTEGER NOT NULL REFERENCES billing_records (record_id),
    line_no    INTEGER NOT NULL CHECK (line_no > 0),
    item       TEXT NOT NULL, -- energy, service, idle, session, minimum, adjustment
    period     TEXT,          -- energy lines: the tariff period
    quantity   REAL NOT NULL, -- kWh, minutes or 1
    unit_price INTEGER NOT NULL, -- 1/10000 of the currency per unit
    amount     INTEGER NOT NULL, -- minor units
    PRIMARY KEY (record_id, line_no)
) WITHOUT ROWID;

CREATE TRIGGER billing_records_immutable_update BEFORE UPDATE ON billing_records
BEGIN SELECT RAISE(ABORT, 'billing records are immutable: issue an adjustment'); END;
CREATE TRIGGER billing_records_immutable_delete BEFORE DELETE ON billing_records
BEGIN SELECT RAISE(ABORT, 'billing records are immutable: issue an adjustment'); END;
CREATE TRIGGER billing_lines_immutable_update BEFORE UPDATE ON billing_lines
BEGIN SELECT RAISE(ABORT, 'billing records are immutable: issue an adjustment'); END;
CREATE TRIGGER billing_lines_immutable_delete BEFORE DELETE ON billing_lines
BEGIN SELECT RAISE(ABORT, 'billing records are immutable: issue an adjustment'); END;

-- How a tag's sessions are paid. A tag without one pays as its group (its
-- parentIdTag) does; neither: 'unspecified'.
ALTER TABLE id_tags ADD COLUMN payment_method TEXT
    CHECK (payment_method IS NULL OR payment_method IN ('account', 'app', 'bank_card', 'prepaid', 'fleet_invoice', 'free'));
