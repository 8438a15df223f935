-- 0015: what `csmsctl watch` follows besides status changes, alerts and
-- connections: boots, and transactions starting and stopping. One row each,
-- written by triggers in the transaction that records the message, so a
-- watcher resuming from its cursor misses none and no handler changes.
-- at is when the CSMS received it, as in status_history. detail: a boot's
-- registration answer, a stop's reason.
CREATE TABLE charger_events (
    id             INTEGER PRIMARY KEY,
    charger_id     TEXT NOT NULL,
    event          TEXT NOT NULL CHECK (event IN ('boot', 'transaction_started', 'transaction_stopped')),
    connector_id   INTEGER,
    transaction_id INTEGER,
    detail         TEXT,
    at             TEXT NOT NULL
);

-- record_boot upserts: a charger's first boot inserts its row, later ones update it.
CREATE TRIGGER charger_events_first_boot AFTER INSERT ON chargers WHEN NEW.last_boot IS NOT NULL
BEGIN
    INSERT INTO charger_events (charger_id, event, detail, at)
    VALUES (NEW.charger_id, 'boot', NEW.registration, NEW.last_boot);
END;

CREATE TRIGGER charger_events_boot AFTER UPDATE OF last_boot ON chargers WHEN NEW.last_boot IS NOT NULL
BEGIN
    INSERT INTO charger_events (charger_id, event, detail, at)
    VALUES (NEW.charger_id, 'boot', NEW.registration, NEW.last_boot);
END;

CREATE TRIGGER charger_events_started AFTER INSERT ON transactions
BEGIN
    INSERT INTO charger_events (charger_id, event, connector_id, transaction_id, at)
    VALUES (NEW.charger_id, 'transaction_started', NEW.connector_id, NEW.transaction_id, NEW.start_received_at);
END;

CREATE TRIGGER charger_events_stopped AFTER UPDATE OF stop_received_at ON transactions
WHEN OLD.stop_received_at IS NULL AND NEW.stop_received_at IS NOT NULL
BEGIN
    INSERT INTO charger_events (charger_id, event, connector_id, transaction_id, detail, at)
    VALUES (NEW.charger_id, 'transaction_stopped', NEW.connector_id, NEW.transaction_id, NEW.stop_reason,
            NEW.stop_received_at);
END;
