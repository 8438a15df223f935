-- 0016: an operator may clear an alert by hand (csmsctl alerts close), for
-- an alert its condition can no longer clear: its charger was taken away
-- and will never report again. cleared_by is who closed it (NULL: its
-- condition cleared it), clear_reason why. The state change leaves its
-- 'cleared' row in the alert_events outbox like any other.
ALTER TABLE alerts ADD COLUMN cleared_by TEXT;
ALTER TABLE alerts ADD COLUMN clear_reason TEXT;
