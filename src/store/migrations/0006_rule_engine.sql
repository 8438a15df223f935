-- 0006: what the rule engine follows beyond the core's message tables.

-- Every WebSocket session a charger opens and closes, in order: connection
-- flapping and offline rules read it, and operators can see when a charger
-- came and went. No foreign key, like security_events: the id is the one the
-- charger connected with.
CREATE TABLE connection_events (
    id             INTEGER PRIMARY KEY,
    charger_id     TEXT NOT NULL,
    event          TEXT NOT NULL CHECK (event IN ('connected', 'disconnected')),
    remote_address TEXT,
    at             TEXT NOT NULL
);
CREATE INDEX connection_events_by_charger ON connection_events (charger_id, id);

-- How far the rule engine has read each table it follows (the last id it
-- evaluated), so a restart resumes there: rows committed while csmsd was
-- down are evaluated, none twice.
CREATE TABLE rule_engine_cursors (
    source  TEXT PRIMARY KEY NOT NULL,
    last_id INTEGER NOT NULL CHECK (last_id >= 0)
) WITHOUT ROWID;

-- What relative, degraded and region-scoped rules compare against. Set by an
-- operator (PATCH /api/v1/chargers/{id}); NULL until then, and a rule that
-- needs a value a charger lacks says nothing about that charger.
ALTER TABLE chargers ADD COLUMN region TEXT;
ALTER TABLE chargers ADD COLUMN rated_power_w REAL CHECK (rated_power_w IS NULL OR rated_power_w > 0);
ALTER TABLE chargers ADD COLUMN rated_current_a REAL CHECK (rated_current_a IS NULL OR rated_current_a > 0);

-- Degraded-performance rules look at each charger's newest finished sessions.
CREATE INDEX transactions_stopped ON transactions (stop_received_at) WHERE stop_received_at IS NOT NULL;
-- Stuck-transaction rules find each Charging connector's open transaction.
CREATE INDEX transactions_open ON transactions (charger_id, connector_id) WHERE stop_received_at IS NULL;
