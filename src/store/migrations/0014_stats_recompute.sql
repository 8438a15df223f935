-- 0014: statistics rebuilt with the one register curve (decision 0016).

-- Quarters computed before this counted only the energy between a
-- session's register samples, as fractional Wh, and samples outside any
-- session: they disagree with the transactions and bills of the same
-- sessions. Without these cursors the statistics engine reads every sample
-- and session again, a poll's worth at a time, and rewrites the quarters
-- and days they touch (docs/statistics.md). Statuses are unchanged and keep
-- their cursor.
DELETE FROM stats_cursors WHERE name IN ('meter_values', 'transactions');
