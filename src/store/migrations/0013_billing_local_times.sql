-- 0013: a bill's times in its tariffs' time zone (docs/billing.md).

-- The zone the record was priced in and the session's start and stop on
-- that wall clock ("2026-03-10T07:30:00+08:00"), fixed when the record is
-- issued, as a printed bill is. Records issued before have none.
ALTER TABLE billing_records ADD COLUMN time_zone TEXT;
ALTER TABLE billing_records ADD COLUMN started_local TEXT;
ALTER TABLE billing_records ADD COLUMN stopped_local TEXT;
