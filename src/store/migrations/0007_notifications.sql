-- 0007: notifications (decision 0012). Every change of an alert leaves a row
-- in the alert_events outbox, written by triggers in the same transaction as
-- the change, whoever made it (the rule engine, the CSMS's own security
-- alerts, an operator's acknowledgement). The dispatcher follows the outbox,
-- turns each event into deliveries and sends them with retries.

-- Where people can be reached. Personal data: the API flags every answer
-- that carries them in the audit log.
ALTER TABLE operators ADD COLUMN email TEXT;
ALTER TABLE operators ADD COLUMN mobile TEXT;

-- The outbox. 'escalated' rows are written by the dispatcher when an alert
-- stayed open longer than a route's escalate_after_s; route names that route.
CREATE TABLE alert_events (
    id       INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts (id),
    event    TEXT NOT NULL CHECK (event IN ('opened', 'acknowledged', 'cleared', 'escalated')),
    route    TEXT,
    at       TEXT NOT NULL,
    CHECK ((event = 'escalated') = (route IS NOT NULL))
);
-- An alert escalates once per route.
CREATE UNIQUE INDEX alert_events_escalated_once ON alert_events (alert_id, route) WHERE event = 'escalated';

-- The times come from the alert row, so they are the writer's clock, not
-- SQLite's.
CREATE TRIGGER alerts_outbox_opened AFTER INSERT ON alerts
BEGIN
    INSERT INTO alert_events (alert_id, event, at) VALUES (NEW.id, 'opened', NEW.raised_at);
END;

CREATE TRIGGER alerts_outbox_state AFTER UPDATE OF state ON alerts
WHEN NEW.state != OLD.state AND NEW.state IN ('acknowledged', 'cleared')
BEGIN
    INSERT INTO alert_events (alert_id, event, at)
    VALUES (NEW.id, NEW.state,
            CASE NEW.state WHEN 'acknowledged' THEN ifnull(NEW.acknowledged_at, NEW.raised_at)
                           ELSE ifnull(NEW.cleared_at, NEW.raised_at) END);
END;

-- How far the dispatcher has routed the outbox: one row per follower.
CREATE TABLE notification_cursors (
    name    TEXT PRIMARY KEY NOT NULL,
    last_id INTEGER NOT NULL
) WITHOUT ROWID;

-- One row per (event, channel, recipient). recipient is the address used
-- (e-mail, mobile number), the operator's name for the inbox, or the
-- channel's name for a webhook. 'suppressed': nothing to send (e.g. the
-- operator has no e-mail address); last_error says why. 'failed' is final.
CREATE TABLE notification_deliveries (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES alert_events (id),
    alert_id        INTEGER NOT NULL REFERENCES alerts (id),
    channel         TEXT NOT NULL,
    channel_type    TEXT NOT NULL CHECK (channel_type IN ('webhook', 'email', 'sms', 'inbox')),
    recipient       TEXT NOT NULL,
    operator_id     INTEGER REFERENCES operators (operator_id),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'suppressed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    read_at         TEXT, -- inbox: when its operator marked it read
    UNIQUE (event_id, channel, recipient),
    CHECK (status != 'pending' OR next_attempt_at IS NOT NULL)
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_deliveries_by_alert ON notification_deliveries (alert_id, id);
CREATE INDEX notification_inbox ON notification_deliveries (operator_id, id) WHERE channel_type = 'inbox';
