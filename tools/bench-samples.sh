#!/usr/bin/env bash
# How fast a charger's meter values read back (issue 17: a year of one
# charger's samples for a chart in 200 ms or less, a transaction's samples in
# 5 ms or less), measured from outside on a database made for it: one
# charger whose connector 1 sent a meterValue a minute for a year, six
# sampledValues each (Energy.Active.Import.Register, Power.Active.Import,
# Current.Import L1, Voltage L1-N, Temperature Body, SoC EV): 525,600
# messages, 3,153,600 values. Every message belongs to a transaction: one a
# day (1,440 messages, 8,640 values), except the last day's, which are 24 of
# an hour each (60 messages, 360 values).
#
# csmsd makes the schema (--bootstrap-admin runs every migration), then
# sqlite3 fills the sample tables as src/store/sample_store.cpp writes them
# (dictionaries, a sample_messages row per meterValue with its transaction,
# six samples rows in key order, sample_spans), then csmsd serves it with
# statistics off, so nothing but the measured calls runs. Each call is timed
# with curl (best of 5 after a warm-up); the same SQL the store runs is timed
# in the sqlite3 shell (.timer on, rows counted instead of printed), which
# is SQLite's share of the call.
# Usage: tools/bench-samples.sh [--bin DIR] [--days N] [--keep FILE]
#   --keep FILE  also copy the database there, for EXPLAIN QUERY PLAN and
#                your own reads
# Prints a Markdown report. Needs curl, jq and sqlite3.
set -euo pipefail

bin=build/bin
days=365
keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "usage: $0 [--bin DIR] [--days N] [--keep FILE]" >&2; exit 2 ;;
  esac
done
[[ "$days" -ge 2 ]] || { echo "$0: --days must be 2 or more" >&2; exit 2; }

source "$(dirname "$0")/bench-common.sh"

db="$work/csms.db"
minutes=$((days * 1440))
start_ms=1767225600000 # 2026-01-01T00:00:00Z
"$bin/csmsd" --db "$db" --bootstrap-admin root --token-file "$work/token" >/dev/null
token=$(cat "$work/token")

# Transaction of minute n: one a day (ids 1..days-1), then the last day's
# hours (ids days..days+23).
tx_of="CASE WHEN n < $(((days - 1) * 1440)) THEN n / 1440 + 1 ELSE $((days - 1)) + (n - $(((days - 1) * 1440))) / 60 + 1 END"
fill_started=$(date +%s.%N)
sqlite3 "$db" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO chargers (charger_id, registration, vendor, model) VALUES ('BENCH-1', 'Accepted', 'Bench', 'Year');
INSERT INTO sample_connectors (id, charger_id, connector_id) VALUES (1, 'BENCH-1', 1);
INSERT INTO sample_kinds (id, measurand, phase, location, unit, context, format, unit_rule) VALUES
  (1, 'Energy.Active.Import.Register', '', 'Outlet', 'Wh', 'Sample.Periodic', 'Raw', 0),
  (2, 'Power.Active.Import', '', 'Outlet', 'W', 'Sample.Periodic', 'Raw', 0),
  (3, 'Current.Import', 'L1', 'Outlet', 'A', 'Sample.Periodic', 'Raw', 0),
  (4, 'Voltage', 'L1-N', 'Outlet', 'V', 'Sample.Periodic', 'Raw', 0),
  (5, 'Temperature', '', 'Body', 'Celsius', 'Sample.Periodic', 'Raw', 0),
  (6, 'SoC', '', 'EV', 'Percent', 'Sample.Periodic', 'Raw', 0);
-- One message a minute, in arrival order; received 200 ms after its timestamp.
WITH RECURSIVE minute(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM minute WHERE n + 1 < $minutes)
INSERT INTO sample_messages (id, connector, time, transaction_id, reported_transaction_id, source, received_at)
SELECT n + 1, 1, $start_ms + n * 60000, $tx_of, NULL, 0, $start_ms + n * 60000 + 200 FROM minute;
-- Six values a message, in key order. Energy, power, temperature and SoC are
-- integral (stored as integers, decimals 0); current and voltage have one
-- decimal (a double, decimals 1; an integral one as an integer), as the
-- store keeps "16.3" and "230.0". text is NULL: value and decimals make the
-- charger's text again.
INSERT INTO samples (connector, time, message, position, kind, value, decimals, text)
SELECT 1, m.time, m.id, p.position, p.position + 1,
       CASE p.position
         WHEN 0 THEN (m.id - 1) * 100
         WHEN 1 THEN 7000 + (m.id * 37) % 400
         WHEN 2 THEN iif((m.id % 50) % 10 = 0, 30 + (m.id % 50) / 10, round(30 + (m.id % 50) / 10.0, 1))
         WHEN 3 THEN iif((m.id * 7 % 40) % 10 = 0, 228 + (m.id * 7 % 40) / 10, round(228 + (m.id * 7 % 40) / 10.0, 1))
         WHEN 4 THEN 30 + m.id % 15
         ELSE m.id % 100
       END,
       iif(p.position IN (2, 3), 1, 0), NULL
FROM sample_messages m CROSS JOIN (SELECT 0 AS position UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3
                                   UNION ALL SELECT 4 UNION ALL SELECT 5) p
ORDER BY m.id, p.position;
INSERT INTO sample_spans (transaction_id, connector, first_time, last_time)
SELECT transaction_id, connector, min(time), max(time) FROM sample_messages GROUP BY transaction_id, connector;
INSERT INTO transactions (transaction_id, charger_id, connector_id, id_tag, meter_start_wh, start_timestamp,
                          auth_status, start_received_at, meter_stop_wh, stop_timestamp, stop_reason,
                          stop_received_at)
SELECT transaction_id, 'BENCH-1', 1, 'BENCH-TAG', (min(id) - 1) * 100,
       strftime('%Y-%m-%dT%H:%M:%fZ', min(time) / 1000.0, 'unixepoch'), 'Accepted',
       strftime('%Y-%m-%dT%H:%M:%fZ', min(time) / 1000.0, 'unixepoch'), (max(id) - 1) * 100,
       strftime('%Y-%m-%dT%H:%M:%fZ', max(time) / 1000.0, 'unixepoch'), 'Local',
       strftime('%Y-%m-%dT%H:%M:%fZ', max(time) / 1000.0, 'unixepoch')
FROM sample_messages GROUP BY transaction_id;
COMMIT;
SQL
fill_s=$(awk -v s="$fill_started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
db_mb=$(du -m "$db" | cut -f1)
[[ -n "$keep" ]] && cp "$db" "$keep"

printf '[statistics]\nenabled = false\n' >"$work/csmsd.toml"
"$bin/csmsd" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 --db "$db" --dev --log-level warn \
  --config "$work/csmsd.toml" >"$work/ready" 2>"$work/csmsd.log" &
for _ in $(seq 100); do grep -q '^csmsd ready' "$work/ready" 2>/dev/null && break; sleep 0.1; done
read -r ws admin < <(sed -E 's/^csmsd ready ws=(\S+) wss=\S+ admin=(\S+)$/\1 \2/' "$work/ready")

# best_ms PATH: the fastest of 5 GETs after one warm-up, in ms, and the answer's bytes.
best_ms() {
  local url="http://$admin$1" best="" bytes=0 t size
  curl -sf -o /dev/null -H "Authorization: Bearer $token" "$url"
  for _ in 1 2 3 4 5; do
    read -r t size < <(curl -sf -o /dev/null -w '%{time_total} %{size_download}\n' \
      -H "Authorization: Bearer $token" "$url")
    bytes=$size
    best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
  done
  awk -v t="$best" -v b="$bytes" 'BEGIN { printf "%.1f %.1f", t * 1000, b / 1048576 }'
}

# sql_ms SQL: the fastest of 5 runs in the sqlite3 shell after one, in ms.
sql_ms() {
  { echo ".timer on"; for _ in 1 2 3 4 5 6; do echo "$1;"; done; } | sqlite3 "$db" 2>&1 |
    awk '/^Run Time/ { n++; if (n > 1 && (best == "" || $4 < best)) best = $4 } END { printf "%.1f", best * 1000 }'
}

# The store's queries (src/store/sample_view.cpp, transaction_view.cpp) with
# their parameters, rows counted and summed so the shell prints one line.
chart_sql() { # $1: measurand or NULL, $2: from ms, $3: to ms
  local filter=""
  if [[ "$1" != NULL ]]; then # the store looks the kinds up first and binds their ids
    filter="AND s.kind IN ($(sqlite3 "$db" "SELECT group_concat(id, ', ') FROM sample_kinds
      WHERE measurand = '$1' AND unit_rule IS NOT NULL"))"
  fi
  echo "SELECT count(*), total(v) FROM (SELECT s.time AS t, s.value AS v, s.kind FROM samples s
    WHERE s.connector = (SELECT id FROM sample_connectors WHERE charger_id = 'BENCH-1' AND connector_id = 1)
      AND s.time >= $2 AND s.time < $3 $filter AND s.value IS NOT NULL
    ORDER BY s.time, s.message, s.position LIMIT 1000001)"
}
tx_sql() { # $1: transaction id
  echo "SELECT count(*), total(length(measurand)) FROM (
    SELECT s.time, k.measurand, k.phase, s.value, s.decimals, s.text, k.unit, k.context, k.unit_rule
    FROM sample_spans p
    JOIN samples s ON s.connector = p.connector AND s.time BETWEEN p.first_time AND p.last_time
    JOIN sample_messages m ON m.id = s.message AND m.transaction_id = p.transaction_id
    JOIN sample_kinds k ON k.id = s.kind
    WHERE p.transaction_id = $1 ORDER BY s.time, s.message, s.position LIMIT 10000)"
}

end_ms=$((start_ms + minutes * 60000))
month_end=$((start_ms + 31 * 86400000))
day_tx=$((days / 2))
hour_tx=$((days + 11))
samples="/api/v1/chargers/BENCH-1/samples?connector=1"
count() { curl -sf -H "Authorization: Bearer $token" "http://$admin$1" | jq -r '"\(.count)\(if .truncated then " (truncated)" else "" end)"'; }
tx_count() { curl -sf -H "Authorization: Bearer $token" "http://$admin$1" | jq -r '.meter_values | length'; }

row() { # $1 label, $2 API path, $3 count function, $4 SQL
  local api sql
  api=$(best_ms "$2")
  sql=$(sql_ms "$4")
  echo "| $1 | $($3 "$2") | ${api% *} | ${api#* } | $sql |"
}

echo "Database: 1 charger, $minutes meterValues x 6 = $((minutes * 6)) values, $((days - 1 + 24)) transactions; ${db_mb} MB, filled in ${fill_s} s"
echo
echo "| read | points / values | API ms (best of 5) | answer MB | SQLite alone ms (sqlite3 shell) |"
echo "|---|---|---|---|---|"
row "chart: a year of Power.Active.Import" "$samples&measurand=Power.Active.Import&limit=1000000" count \
  "$(chart_sql Power.Active.Import $start_ms $end_ms)"
row "chart: the same, format=columns" "$samples&measurand=Power.Active.Import&limit=1000000&format=columns" count \
  "$(chart_sql Power.Active.Import $start_ms $end_ms)"
row "chart: a year of all six (limit 1,000,000)" "$samples&limit=1000000&format=columns" count \
  "$(chart_sql NULL $start_ms $end_ms)"
row "chart: January, all six" "$samples&from=2026-01-01&to=2026-01-31&limit=1000000&format=columns" count \
  "$(chart_sql NULL $start_ms $month_end)"
day_ms=$((start_ms + (days / 2) * 86400000))
day=$(date -u -d "@$((day_ms / 1000))" +%F)
row "chart: one day ($day) of Power.Active.Import" "$samples&measurand=Power.Active.Import&from=$day&to=$day" \
  count "$(chart_sql Power.Active.Import $day_ms $((day_ms + 86400000)))"
row "transaction of a day (GET /api/v1/transactions/$day_tx)" "/api/v1/transactions/$day_tx" tx_count "$(tx_sql $day_tx)"
row "transaction of an hour (GET /api/v1/transactions/$hour_tx)" "/api/v1/transactions/$hour_tx" tx_count \
  "$(tx_sql $hour_tx)"
echo
echo "API ms is curl's time_total on loopback: csmsd's store read, the JSON and the transfer."
