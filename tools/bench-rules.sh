#!/usr/bin/env bash
# What the engines beside the message path cost the chargers, measured from
# outside: MeterValues latency and csmsd's CPU with the rule engine,
# statistics and notifications off, then on (a rule of every kind that
# MeterValues feed, 15-minute statistics, an inbox route), and how long after
# the load the alerts and statistics have caught up with every sample.
# Usage: tools/bench-rules.sh [--bin DIR] [--chargers N] [--seconds S]
# Prints a Markdown table. Needs jq and sqlite3.
set -euo pipefail

bin=build/bin
chargers=1000
seconds=30
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --chargers) chargers=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "usage: $0 [--bin DIR] [--chargers N] [--seconds S]" >&2; exit 2 ;;
  esac
done

source "$(dirname "$0")/bench-common.sh"

cat >"$work/rules.toml" <<'TOML'
[[rule]]
name = "hot"
kind = "threshold"
measurand = "Temperature"
above = 30
for_s = 10
[[rule]]
name = "voltage"
kind = "range"
measurand = "Voltage"
min = 198
max = 242
[[rule]]
name = "over-offered"
kind = "relative"
measurand = "Current.Import"
percent = 110
relative_to = "Current.Offered"
[[rule]]
name = "meter"
kind = "meter_anomaly"
[[rule]]
name = "faulted"
kind = "faulted"
[[rule]]
name = "offline"
kind = "offline"
[[rule]]
name = "stuck"
kind = "stuck_transaction"
[[rule]]
name = "flapping"
kind = "flapping"
max_reconnects = 5
window_s = 600
TOML
cat >"$work/notifications.toml" <<'TOML'
[[channel]]
name = "inbox"
type = "inbox"
[[route]]
name = "everyone"
to_roles = ["admin"]
channels = ["inbox"]
TOML

# $1: run name, $2: configuration text. Prints one JSON line with the load's
# summary and how long the engines took to catch up after it.
run() {
  local dir="$work/$1"
  mkdir -p "$dir"
  printf '%s\n' "$2" >"$dir/csmsd.toml"
  start_csmsd "$dir" --config "$dir/csmsd.toml"
  local pid=$csmsd_pid
  local summary
  summary=$("$bin/ocpp-sim" --url "ws://$ws/ocpp" --mode load --chargers "$chargers" --meter-interval 1 \
    --heartbeat-interval 0 --ramp-seconds 3 --duration "$seconds" --prefix "$1" --server-pid "$pid" --json)
  # Caught up: the statistics cursor has passed the newest sample.
  local start newest caught=0
  start=$(date +%s.%N)
  newest=$(sqlite3 "$dir/csms.db" "SELECT max(id) FROM meter_values")
  for _ in $(seq 600); do
    local seen
    seen=$(sqlite3 "$dir/csms.db" "SELECT ifnull((SELECT position FROM stats_cursors WHERE name = 'meter_values'), 0)" \
      2>/dev/null || echo 0)
    if [[ "$seen" -ge "$newest" ]] 2>/dev/null; then caught=1; break; fi
    sleep 0.1
  done
  local lag
  lag=$(awk -v s="$start" -v e="$(date +%s.%N)" -v c="$caught" 'BEGIN { if (c) printf "%.1f", e - s; else print "n/a" }')
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  jq -c --arg lag "$lag" '. + {catch_up_s: $lag}' <<<"$summary"
}

off=$(run OFF $'[statistics]\nenabled = false')
on=$(run ON "[rules]
file = \"$work/rules.toml\"
[notifications]
file = \"$work/notifications.toml\"
[statistics]
enabled = true")

row() {
  jq -r --arg n "$1" '"| \($n) | \(.latency_ms.p50) | \(.latency_ms.p99) | \(.load_calls_per_s) | \(.server.cpu_ms_per_1000_calls // "-") | \(.catch_up_s) |"' <<<"$2"
}
echo "| $chargers chargers, MeterValues (6 samples) every second, ${seconds} s | charger p50 ms | charger p99 ms | calls/s | csmsd CPU ms per 1000 calls | engines caught up after the load, s |"
echo "|---|---|---|---|---|---|"
row "rule engine, statistics and notifications off" "$off"
row "8 rules, statistics and an inbox route on" "$on"
