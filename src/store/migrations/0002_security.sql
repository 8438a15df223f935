-- 0002: OCPP 1.6 security profiles (Security Whitepaper edition 3).

-- A charger without a row here is profile 0 (no authentication), which the
-- server refuses unless its configuration allows it. The AuthorizationKey is
-- kept only as base::hash_secret() output, never in clear.
CREATE TABLE charger_credentials (
    charger_id             TEXT PRIMARY KEY NOT NULL REFERENCES chargers (charger_id),
    security_profile       INTEGER NOT NULL CHECK (security_profile BETWEEN 0 AND 3),
    authorization_key_hash TEXT, -- "pbkdf2-sha256$iterations$salt$hash"; NULL: no key set
    updated_at             TEXT NOT NULL
) WITHOUT ROWID;

-- Security events reported by chargers (SecurityEventNotification) and raised
-- by the CSMS itself (failed logins). No foreign key on purpose: a failed
-- login by an id nobody registered is recorded too.
CREATE TABLE security_events (
    id             INTEGER PRIMARY KEY,
    charger_id     TEXT NOT NULL,
    type           TEXT NOT NULL,
    tech_info      TEXT,
    timestamp      TEXT, -- the charger's; NULL for the CSMS's own events
    critical       INTEGER NOT NULL CHECK (critical IN (0, 1)),
    source         TEXT NOT NULL CHECK (source IN ('charger', 'csms')),
    remote_address TEXT,
    received_at    TEXT NOT NULL
);
CREATE INDEX security_events_by_charger ON security_events (charger_id, received_at);
