-- 0011: Authorize delegated to integration partners (docs/proxy.md).

-- Each answer a partner gave (or the fallback given in its place) to an
-- Authorize for one of its customers' id tags. The StartTransaction that
-- follows on the same charger uses it instead of our id_tags table, which
-- does not know the partner's customers; operators see it in
-- `csmsctl partners show`. source: 'partner' or 'fallback' (then reason
-- says why: no answer in time, link down, CALLERROR, an invalid answer).
CREATE TABLE proxy_authorizations (
    decision_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    partner       TEXT NOT NULL,
    charger_id    TEXT NOT NULL,
    id_tag        TEXT NOT NULL COLLATE NOCASE,
    status        TEXT NOT NULL,
    expiry        TEXT,
    parent_id_tag TEXT,
    source        TEXT NOT NULL CHECK (source IN ('partner', 'fallback')),
    reason        TEXT,
    decided_at    TEXT NOT NULL
);
CREATE INDEX proxy_authorizations_tag ON proxy_authorizations (charger_id, id_tag, decision_id);
CREATE INDEX proxy_authorizations_partner ON proxy_authorizations (partner, decision_id);
