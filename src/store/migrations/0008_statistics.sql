-- 0008: 15-minute statistics (docs/statistics.md). Rows are derived from
-- meter_values, status_history and transactions by the statistics engine,
-- which recomputes a whole quarter from those rows whenever one of them
-- changes, so a row can always be rebuilt and late data corrects it.

-- One row per charger, connector and quarter hour of the site's local time.
CREATE TABLE stats_quarters (
    charger_id        TEXT NOT NULL,
    connector_id      INTEGER NOT NULL CHECK (connector_id >= 0),
    quarter_start     TEXT NOT NULL, -- UTC, as every time column
    local_date        TEXT NOT NULL, -- 'YYYY-MM-DD' in time_zone: the day it rolls up into
    local_time        TEXT NOT NULL, -- 'HH:MM', the wall clock at quarter_start
    time_zone         TEXT NOT NULL,
    energy_wh         REAL NOT NULL,
    charging_s        INTEGER NOT NULL,
    available_s       INTEGER NOT NULL,
    sessions_started  INTEGER NOT NULL,
    sessions_finished INTEGER NOT NULL,
    faults            INTEGER NOT NULL,
    peak_power_w      REAL,
    max_temperature_c REAL,
    computed_at       TEXT NOT NULL,
    PRIMARY KEY (charger_id, connector_id, quarter_start)
) WITHOUT ROWID;
CREATE INDEX stats_quarters_by_time ON stats_quarters (quarter_start);

-- The quarters of one local date added up; rewritten with them.
CREATE TABLE stats_days (
    charger_id        TEXT NOT NULL,
    connector_id      INTEGER NOT NULL CHECK (connector_id >= 0),
    local_date        TEXT NOT NULL,
    time_zone         TEXT NOT NULL,
    quarters          INTEGER NOT NULL,
    energy_wh         REAL NOT NULL,
    charging_s        INTEGER NOT NULL,
    available_s       INTEGER NOT NULL,
    sessions_started  INTEGER NOT NULL,
    sessions_finished INTEGER NOT NULL,
    faults            INTEGER NOT NULL,
    peak_power_w      REAL,
    max_temperature_c REAL,
    PRIMARY KEY (charger_id, connector_id, local_date)
) WITHOUT ROWID;
CREATE INDEX stats_days_by_date ON stats_days (local_date);

-- Where the engine is in each source, committed with the rows it derived.
CREATE TABLE stats_cursors (
    name     TEXT PRIMARY KEY NOT NULL,
    position TEXT NOT NULL
) WITHOUT ROWID;

-- The engine's reads: its statuses by the charger's time (received time when
-- the charger gave none), and sessions by stop time. Samples are read through
-- meter_values_identical (charger, connector, timestamp, ...), and sessions by
-- the time their stop arrived through 0006's transactions_stopped: every
-- index on meter_values costs each sample's write on the hottest path.
CREATE INDEX status_history_by_time ON status_history (charger_id, connector_id, coalesce(timestamp, received_at));
CREATE INDEX transactions_by_stop ON transactions (charger_id, stop_timestamp) WHERE stop_timestamp IS NOT NULL;
