-- The compact sample store (docs/decisions/0017-compact-sample-store.md).
-- A sampled value was a row of sixteen columns, eleven of them text, under
-- three B-trees: about 290 bytes, and three random page writes per value.
-- Now the texts a charger repeats in every message are two small
-- dictionaries, a message is one row, and its values are rows of integers
-- clustered by connector and time, so a message's values land together on
-- its connector's last page.

-- Who: one row per charger connector that ever sent a sample.
CREATE TABLE sample_connectors (
    id           INTEGER PRIMARY KEY,
    charger_id   TEXT NOT NULL REFERENCES chargers (charger_id),
    connector_id INTEGER NOT NULL CHECK (connector_id >= 0),
    UNIQUE (charger_id, connector_id)
);

-- What: one row per kind of reading, shared by every charger. unit_rule is
-- how the unit converts to the measurand's base unit (store/sample_value.hpp:
-- 0 the same, 1 kilo, 2 Fahrenheit, 3 Kelvin); NULL for a unit without one.
CREATE TABLE sample_kinds (
    id        INTEGER PRIMARY KEY,
    measurand TEXT NOT NULL,
    phase     TEXT NOT NULL, -- '' when the charger gave none
    location  TEXT NOT NULL,
    unit      TEXT NOT NULL,
    context   TEXT NOT NULL,
    format    TEXT NOT NULL,
    unit_rule INTEGER CHECK (unit_rule IS NULL OR unit_rule BETWEEN 0 AND 3),
    UNIQUE (measurand, phase, location, unit, context, format)
);

-- When and for which transaction: one row per meterValue (of a MeterValues
-- or a StopTransaction's transactionData) that brought a new value, in
-- arrival order, which the rule and statistics engines follow by id.
-- transaction_id is set only when the transaction is this charger's own;
-- reported_transaction_id keeps what the charger said only when it is not.
-- Times are milliseconds since 1970-01-01 UTC. No foreign keys: the writer
-- resolves connector ids itself, and checking them would cost every message
-- a lookup.
CREATE TABLE sample_messages (
    id                      INTEGER PRIMARY KEY,
    connector               INTEGER NOT NULL,
    time                    INTEGER NOT NULL,
    transaction_id          INTEGER,
    reported_transaction_id INTEGER,
    source                  INTEGER NOT NULL CHECK (source IN (0, 1)), -- 0 MeterValues, 1 StopTransaction
    received_at             INTEGER NOT NULL
);

-- Where each transaction's messages are: its connector and the times of its
-- first and last. An index of messages by transaction would put a page of
-- every open transaction in every commit; these rows are a few pages for
-- all open transactions together. A transaction's values are then the
-- samples of that stretch of its connector whose message names it.
CREATE TABLE sample_spans (
    transaction_id INTEGER NOT NULL,
    connector      INTEGER NOT NULL,
    first_time     INTEGER NOT NULL,
    last_time      INTEGER NOT NULL,
    PRIMARY KEY (transaction_id, connector)
) WITHOUT ROWID;

-- The values. value is the number in the base unit (an integer when
-- integral, NULL when the reading has none); text is the charger's text only
-- when value and decimals cannot write it again. A replayed reading (same
-- connector, time, kind and text) is not stored twice: the writer compares
-- with the values already at that instant, one short range read.
CREATE TABLE samples (
    connector INTEGER NOT NULL,
    time      INTEGER NOT NULL,
    message   INTEGER NOT NULL,
    position  INTEGER NOT NULL, -- its place in the charger's sampledValue array
    kind      INTEGER NOT NULL,
    value,
    decimals  INTEGER NOT NULL,
    text      TEXT,
    PRIMARY KEY (connector, time, message, position)
) WITHOUT ROWID;

-- The conversion. Each old message's rows were one INSERT, so they share
-- every column but the reading; the message takes its first row's id.
INSERT INTO sample_connectors (charger_id, connector_id)
SELECT DISTINCT charger_id, connector_id FROM meter_values ORDER BY charger_id, connector_id;

INSERT INTO sample_kinds (measurand, phase, location, unit, context, format, unit_rule)
SELECT DISTINCT measurand, phase, location, unit, context, format,
       CASE WHEN unit IN ('kWh', 'kW', 'kvarh', 'kvar', 'kVA') THEN 1
            WHEN unit = 'Fahrenheit' THEN 2
            WHEN unit = 'K' THEN 3
            WHEN unit IN ('Wh', 'W', 'varh', 'var', 'VA', 'A', 'V', 'Celsius', 'Celcius', 'Percent', '') THEN 0
       END
FROM meter_values;

CREATE TEMP TABLE sample_message_of (id INTEGER PRIMARY KEY, message INTEGER NOT NULL);
INSERT INTO sample_message_of (id, message)
SELECT id, min(id) OVER (PARTITION BY charger_id, connector_id, timestamp, transaction_id, reported_transaction_id,
                                      source, received_at)
FROM meter_values;

INSERT INTO sample_messages (id, connector, time, transaction_id, reported_transaction_id, source, received_at)
SELECT v.id, c.id,
       CAST(strftime('%s', v.timestamp) AS INTEGER) * 1000 + CAST(substr(v.timestamp, 21, 3) AS INTEGER),
       v.transaction_id, iif(v.transaction_id IS NULL, v.reported_transaction_id, NULL),
       iif(v.source = 'StopTransaction', 1, 0),
       CAST(strftime('%s', v.received_at) AS INTEGER) * 1000 + CAST(substr(v.received_at, 21, 3) AS INTEGER)
FROM meter_values v
JOIN temp.sample_message_of o ON o.id = v.id AND o.message = v.id
JOIN sample_connectors c ON c.charger_id = v.charger_id AND c.connector_id = v.connector_id;

INSERT INTO samples (connector, time, message, position, kind, value, decimals, text)
SELECT m.connector, m.time, m.id, v.id - m.id, k.id, n.number, n.decimals,
       CASE WHEN n.number IS NULL OR k.unit_rule IS NULL
                 OR length(v.value) - (v.value LIKE '-%') - (instr(v.value, '.') > 0) > 15
                 OR printf('%.*f', n.decimals,
                           CASE k.unit_rule WHEN 0 THEN n.number WHEN 1 THEN n.number / 1000.0
                                            WHEN 2 THEN n.number * 9.0 / 5.0 + 32.0 WHEN 3 THEN n.number + 273.15
                           END) IS NOT v.value
            THEN v.value
       END
FROM meter_values v
JOIN temp.sample_message_of o ON o.id = v.id
JOIN sample_messages m ON m.id = o.message
JOIN sample_kinds k ON k.measurand = v.measurand AND k.phase = v.phase AND k.location = v.location
                   AND k.unit = v.unit AND k.context = v.context AND k.format = v.format
JOIN (SELECT id,
             CASE WHEN normalized_value = CAST(normalized_value AS INTEGER)
                       AND abs(normalized_value) < 9007199254740992.0
                  THEN CAST(normalized_value AS INTEGER) ELSE normalized_value END AS number,
             iif(instr(value, '.') > 0, length(value) - instr(value, '.'), 0) AS decimals
      FROM meter_values) n ON n.id = v.id;

INSERT INTO sample_spans (transaction_id, connector, first_time, last_time)
SELECT transaction_id, connector, min(time), max(time) FROM sample_messages
WHERE transaction_id IS NOT NULL GROUP BY transaction_id, connector;

-- The engines followed sample ids; they now follow message ids. A message
-- counts as read once all of its old rows were.
UPDATE rule_engine_cursors
SET source = 'sample_messages',
    last_id = ifnull((SELECT max(message) FROM (SELECT message, max(id) AS last FROM temp.sample_message_of
                                                GROUP BY message) WHERE last <= rule_engine_cursors.last_id), 0)
WHERE source = 'meter_values';
UPDATE stats_cursors
SET name = 'sample_messages',
    position = CAST(ifnull((SELECT max(message) FROM (SELECT message, max(id) AS last FROM temp.sample_message_of
                                                      GROUP BY message)
                            WHERE last <= CAST(stats_cursors.position AS INTEGER)), 0) AS TEXT)
WHERE name = 'meter_values';

DROP TABLE temp.sample_message_of;
DROP TABLE meter_values;

-- The old table's shape, for operators' own SQL and reports: one row per
-- sampled value with the texts the charger sent. Nothing in csmsd reads it.
CREATE VIEW meter_values (id, charger_id, connector_id, transaction_id, reported_transaction_id, timestamp, value,
                          normalized_value, measurand, phase, unit, context, location, format, source, received_at)
AS
SELECT s.message * 65536 + s.position, c.charger_id, c.connector_id, m.transaction_id,
       coalesce(m.reported_transaction_id, m.transaction_id),
       strftime('%Y-%m-%dT%H:%M:%fZ', s.time / 1000.0, 'unixepoch'),
       coalesce(s.text, printf('%.*f', s.decimals,
                               CASE k.unit_rule WHEN 0 THEN s.value WHEN 1 THEN s.value / 1000.0
                                                WHEN 2 THEN s.value * 9.0 / 5.0 + 32.0 WHEN 3 THEN s.value + 273.15
                               END)),
       CAST(s.value AS REAL), k.measurand, k.phase, k.unit, k.context, k.location, k.format,
       iif(m.source = 1, 'StopTransaction', 'MeterValues'),
       strftime('%Y-%m-%dT%H:%M:%fZ', m.received_at / 1000.0, 'unixepoch')
FROM samples s
JOIN sample_messages m ON m.id = s.message
JOIN sample_connectors c ON c.id = s.connector
JOIN sample_kinds k ON k.id = s.kind;
