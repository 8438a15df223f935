-- 0010: integration partners' uplinks (docs/proxy.md).

-- A charger's CALL copied for a partner, in the same transaction as the
-- message's own rows, so an acknowledged message is never lost to a partner
-- that is down. The uplink sends a (partner, charger) link's rows in seq
-- order, one at a time, and deletes each once the partner has answered.
-- transaction_id is ours: the one a StartTransaction opened, or the one a
-- MeterValues / StopTransaction refers to (translated when it is sent).
CREATE TABLE proxy_outbox (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    partner        TEXT NOT NULL,
    charger_id     TEXT NOT NULL,
    action         TEXT NOT NULL,
    payload        TEXT NOT NULL,
    transaction_id INTEGER,
    enqueued_at    TEXT NOT NULL
);
CREATE INDEX proxy_outbox_link ON proxy_outbox (partner, charger_id, seq);

-- Our transaction id <-> the one the partner gave in its StartTransaction
-- answer, per partner: what it sees in MeterValues and StopTransaction, and
-- what its RemoteStopTransaction is translated back from.
CREATE TABLE proxy_transaction_ids (
    partner                TEXT NOT NULL,
    transaction_id         INTEGER NOT NULL,
    partner_transaction_id INTEGER NOT NULL,
    charger_id             TEXT NOT NULL,
    mapped_at              TEXT NOT NULL,
    PRIMARY KEY (partner, transaction_id)
);
CREATE INDEX proxy_transaction_ids_partner ON proxy_transaction_ids (partner, partner_transaction_id);

-- What each link did: counts and the last error, for csmsctl partners show.
-- The connection state itself lives in memory (it is only true while
-- csmsd runs).
CREATE TABLE proxy_links (
    partner       TEXT NOT NULL,
    charger_id    TEXT NOT NULL,
    forwarded     INTEGER NOT NULL DEFAULT 0,
    refused       INTEGER NOT NULL DEFAULT 0,
    dropped       INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    last_error_at TEXT,
    PRIMARY KEY (partner, charger_id)
);

-- Every partner call that did not reach the charger, and why (policy, rate,
-- charger offline or silent): the audit the admin lists.
CREATE TABLE proxy_refusals (
    refusal_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    partner     TEXT NOT NULL,
    charger_id  TEXT NOT NULL,
    action      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX proxy_refusals_partner ON proxy_refusals (partner, refusal_id);
