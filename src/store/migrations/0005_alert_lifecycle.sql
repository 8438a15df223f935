-- 0005: the alert lifecycle. An alert is open, then acknowledged (by whom,
-- with a note), then cleared; rows are never deleted, so the history stays.
-- Rule alerts (rule IS NOT NULL) are de-duplicated: at most one not-cleared
-- alert per rule, charger and connector; a condition seen again refreshes
-- last_seen_at instead of raising another. Alerts the CSMS raises itself
-- (critical security events) have no rule and are one row per event.
ALTER TABLE alerts ADD COLUMN rule TEXT;
ALTER TABLE alerts ADD COLUMN connector_id INTEGER CHECK (connector_id IS NULL OR connector_id >= 0);
ALTER TABLE alerts ADD COLUMN state TEXT NOT NULL DEFAULT 'open'
    CHECK (state IN ('open', 'acknowledged', 'cleared'));
ALTER TABLE alerts ADD COLUMN cleared_at TEXT;
ALTER TABLE alerts ADD COLUMN ack_note TEXT;
ALTER TABLE alerts ADD COLUMN last_seen_at TEXT; -- when the condition was last observed true

UPDATE alerts SET state = 'acknowledged' WHERE acknowledged_at IS NOT NULL;

CREATE UNIQUE INDEX alerts_one_active ON alerts (rule, ifnull(charger_id, ''), ifnull(connector_id, -1))
    WHERE state != 'cleared' AND rule IS NOT NULL;
-- Listing by state, newest first.
CREATE INDEX alerts_by_state ON alerts (state, id);
