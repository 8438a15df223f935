-- 0012: billing starts when tariffs are first configured (docs/billing.md).

-- One row, written the first time csmsd starts with a tariffs file. Until
-- then no stop is queued for billing: turning billing on bills the sessions
-- that stop from that moment, never the history before it.
CREATE TABLE billing_start (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    enabled_at TEXT NOT NULL
);

-- A database that has issued records had billing on already: its queue
-- stays. One that never billed drops what migration 0009's trigger queued.
INSERT INTO billing_start (id, enabled_at)
    SELECT 1, min(issued_at) FROM billing_records HAVING count(*) > 0;
DELETE FROM billing_queue WHERE NOT EXISTS (SELECT 1 FROM billing_start);

DROP TRIGGER billing_queue_on_stop;
CREATE TRIGGER billing_queue_on_stop AFTER UPDATE OF stop_received_at ON transactions
    WHEN old.stop_received_at IS NULL AND new.stop_received_at IS NOT NULL
         AND EXISTS (SELECT 1 FROM billing_start)
BEGIN
    INSERT OR IGNORE INTO billing_queue (transaction_id) VALUES (new.transaction_id);
END;
