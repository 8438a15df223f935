-- 0003: the OCPP 1.6 security extension messages (Security Whitepaper ed. 3)
-- and the alerts they raise. Security events themselves live in
-- security_events (0002).

-- Something an operator should look at. Raised by csms today (critical
-- security events) and by the rule engine later; charger_id is NULL for an
-- alert about the system as a whole, so it carries no foreign key.
-- source_ref points at what raised it, e.g. 'security_events:42'.
CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    charger_id      TEXT,
    kind            TEXT NOT NULL CHECK (length(kind) > 0),
    severity        TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    message         TEXT NOT NULL,
    source_ref      TEXT,
    raised_at       TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    CHECK (acknowledged_by IS NULL OR acknowledged_at IS NOT NULL)
);
CREATE INDEX alerts_open ON alerts (raised_at) WHERE acknowledged_at IS NULL;
CREATE INDEX alerts_by_charger ON alerts (charger_id, raised_at);

-- One row per SignCertificate. 'signed': issued by our CA, not yet
-- delivered; 'pending_external': waiting for an external CA; 'rejected': the
-- CSR failed its checks (reason says why); 'delivered': the charger accepted
-- CertificateSigned; 'delivery_failed': it refused, did not answer, or the
-- chain could not be sent (reason says which).
CREATE TABLE certificate_requests (
    id              INTEGER PRIMARY KEY,
    charger_id      TEXT NOT NULL REFERENCES chargers (charger_id),
    csr_pem         TEXT NOT NULL,
    status          TEXT NOT NULL
                    CHECK (status IN ('signed', 'pending_external', 'rejected', 'delivered', 'delivery_failed')),
    reason          TEXT,
    certificate_pem TEXT, -- the chain as sent: leaf, then the CA
    received_at     TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (status NOT IN ('signed', 'delivered') OR certificate_pem IS NOT NULL)
);
CREATE INDEX certificate_requests_by_charger ON certificate_requests (charger_id, received_at);
CREATE INDEX certificate_requests_pending ON certificate_requests (received_at)
    WHERE status = 'pending_external';

-- Every LogStatusNotification; request_id is the GetLog requestId, if given.
CREATE TABLE log_status_history (
    id          INTEGER PRIMARY KEY,
    charger_id  TEXT NOT NULL REFERENCES chargers (charger_id),
    status      TEXT NOT NULL,
    request_id  INTEGER,
    received_at TEXT NOT NULL
);
CREATE INDEX log_status_history_by_charger ON log_status_history (charger_id, received_at);

-- Every SignedFirmwareStatusNotification; request_id is the
-- SignedUpdateFirmware requestId, if given.
CREATE TABLE signed_firmware_status_history (
    id          INTEGER PRIMARY KEY,
    charger_id  TEXT NOT NULL REFERENCES chargers (charger_id),
    status      TEXT NOT NULL,
    request_id  INTEGER,
    received_at TEXT NOT NULL
);
CREATE INDEX signed_firmware_status_history_by_charger
    ON signed_firmware_status_history (charger_id, received_at);
