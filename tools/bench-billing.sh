#!/usr/bin/env bash
# What billing costs the chargers and how fast it keeps up, measured from
# outside: N chargers each run S scripted sessions (StartTransaction,
# MeterValues, StopTransaction) against csmsd without a tariffs file, then
# with one (time-of-use periods, a service fee, no idle fee so no session
# waits for its car); reports the chargers' latency, csmsd's CPU and, with
# billing on, how long after the last StopTransaction every session had its
# record. Usage: tools/bench-billing.sh [--bin DIR] [--chargers N] [--sessions S]
# Prints a Markdown table. Needs jq and sqlite3.
set -euo pipefail

bin=build/bin
chargers=500
sessions=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --chargers) chargers=$2; shift 2 ;;
    --sessions) sessions=$2; shift 2 ;;
    *) echo "usage: $0 [--bin DIR] [--chargers N] [--sessions S]" >&2; exit 2 ;;
  esac
done

source "$(dirname "$0")/bench-common.sh"

cat >"$work/tariffs.toml" <<'TOML'
currency = "CNY"
time_zone = "Asia/Shanghai"
[[tariff]]
name = "standard"
default_period = "flat"
prices = { peak = 1.2000, flat = 0.8000, valley = 0.3500 }
service_fee_per_kwh = 0.40
[[tariff.period]]
period = "valley"
windows = ["23:00-07:00"]
[[tariff.period]]
period = "peak"
windows = ["10:00-15:00", "18:00-21:00"]
[[assign]]
tariff = "standard"
from = "2020-01-01"
TOML

# $1: run name, $2: configuration text. Prints one JSON line: the run's
# summary and how long billing took to issue every record after it.
run() {
  local dir="$work/$1"
  mkdir -p "$dir"
  printf '%s\n' "$2" >"$dir/csmsd.toml"
  start_csmsd "$dir" --config "$dir/csmsd.toml"
  local pid=$csmsd_pid
  local started summary
  started=$(date +%s.%N)
  summary=$("$bin/ocpp-sim" --url "ws://$ws/ocpp" --chargers "$chargers" --sessions "$sessions" --meter-values 3 \
    --connect-rate 500 --prefix "$1" --server-pid "$pid" --json)
  local ended records=0 lag="-"
  ended=$(date +%s.%N)
  if grep -q tariffs "$dir/csmsd.toml"; then
    local want=$((chargers * sessions))
    for _ in $(seq 1200); do
      records=$(sqlite3 "$dir/csms.db" "SELECT count(*) FROM billing_records" 2>/dev/null || echo 0)
      [[ "$records" -ge "$want" ]] && break
      sleep 0.1
    done
    lag=$(awk -v s="$ended" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  fi
  # csmsd's whole CPU time (user + system) once billing has caught up.
  local cpu_ms
  cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$pid/stat")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  jq -c --arg lag "$lag" --arg records "$records" --arg cpu "$cpu_ms" \
    --arg wall "$(awk -v s="$started" -v e="$ended" 'BEGIN { printf "%.1f", e - s }')" \
    '. + {billing_lag_s: $lag, records: $records, wall_s: $wall, cpu_ms: $cpu}' <<<"$summary"
}

off=$(run OFF $'[statistics]\nenabled = false')
on=$(run ON "[statistics]
enabled = false
[billing]
tariffs = \"$work/tariffs.toml\"")

row() {
  jq -r --arg n "$1" '"| \($n) | \(.latency_ms.p50) | \(.latency_ms.p99) | \(.wall_s) | \(.cpu_ms) | \(.records) | \(.billing_lag_s) |"' <<<"$2"
}
echo "| $chargers chargers x $sessions sessions (3 MeterValues each) | charger p50 ms | charger p99 ms | run s | csmsd CPU ms, start to caught up | records | every record issued, s after the run |"
echo "|---|---|---|---|---|---|---|"
row "billing off" "$off"
row "billing on" "$on"
