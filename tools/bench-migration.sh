#!/usr/bin/env bash
# What migration mode costs a charger, and whether both backends agree
# afterwards, measured from outside: N scripted chargers each run S sessions
# against csmsd alone, then against a csmsd whose partners file makes a
# second csmsd (on the same machine) their primary backend. Reports each
# run's calls/s, charger latency and CPU, and for the migrating run what
# each backend holds: sessions, stopped sessions, unmatched stops, and the
# sessions whose primary id csmsd mapped.
# Usage: tools/bench-migration.sh [--bin DIR] [--chargers N] [--sessions S] [--meter-values M]
# Prints a Markdown table. Needs jq and sqlite3.
set -euo pipefail

bin=build/bin
chargers=200
sessions=5
meter_values=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --chargers) chargers=$2; shift 2 ;;
    --sessions) sessions=$2; shift 2 ;;
    --meter-values) meter_values=$2; shift 2 ;;
    *) echo "usage: $0 [--bin DIR] [--chargers N] [--sessions S] [--meter-values M]" >&2; exit 2 ;;
  esac
done

source "$(dirname "$0")/bench-common.sh"

cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }
count() { sqlite3 "$1" "$2"; }

# $1: run name, $2: the csmsd pid the chargers talk to. Prints the
# ocpp-sim summary with that csmsd's CPU time added.
load() {
  local summary
  summary=$("$bin/ocpp-sim" --url "ws://$ws/ocpp" --chargers "$chargers" --sessions "$sessions" \
    --meter-values "$meter_values" --connect-rate 500 --prefix "$1" --server-pid "$2" --json)
  jq -c --arg cpu "$(cpu_ms "$2")" '. + {cpu_ms: $cpu}' <<<"$summary"
}

# Direct: csmsd is the chargers' backend.
mkdir -p "$work/direct"
start_csmsd "$work/direct"
direct=$(load DIRECT "$csmsd_pid")
kill "$csmsd_pid"
wait "$csmsd_pid" 2>/dev/null || true

# Migrating: the primary is a second csmsd; every charger is listed by id.
mkdir -p "$work/primary" "$work/front"
start_csmsd "$work/primary"
primary_pid=$csmsd_pid
primary_ws=$ws
ids=$(for i in $(seq 1 "$chargers"); do printf '"MIG-%04d", ' "$i"; done)
cat >"$work/front/partners.toml" <<TOML
[[partner]]
name = "primary"
url = "ws://$primary_ws/ocpp"
primary = true
chargers = [${ids%, }]
TOML
printf '[proxy]\npartners = "%s"\n' "$work/front/partners.toml" >"$work/front/csmsd.toml"
start_csmsd "$work/front" --config "$work/front/csmsd.toml"
front_pid=$csmsd_pid
migrating=$(load MIG "$front_pid")
primary_cpu=$(cpu_ms "$primary_pid")
kill "$front_pid" "$primary_pid"
wait "$front_pid" "$primary_pid" 2>/dev/null || true

front_db="$work/front/csms.db"
primary_db="$work/primary/csms.db"
held() { # sessions, stopped, unmatched stops in a database
  printf '%s sessions, %s stopped, %s unmatched stops' \
    "$(count "$1" "SELECT count(*) FROM transactions")" \
    "$(count "$1" "SELECT count(*) FROM transactions WHERE stop_received_at IS NOT NULL")" \
    "$(count "$1" "SELECT count(*) FROM unmatched_stops")"
}

row() {
  jq -r --arg n "$1" --arg extra "$3" \
    '"| \($n) | \(.calls) | \(.errors) | \(.calls_per_s | floor) | \(.latency_ms.p50) | \(.latency_ms.p99) | \(.cpu_ms)\($extra) |"' <<<"$2"
}
echo "| $chargers chargers x $sessions sessions x $meter_values MeterValues | calls | errors | calls/s | charger p50 ms | charger p99 ms | csmsd CPU ms |"
echo "|---|---|---|---|---|---|---|"
row "csmsd is the backend" "$direct" ""
row "csmsd relays to a primary csmsd" "$migrating" " (+ the primary's $primary_cpu)"
echo
echo "- csmsd after the migrating run: $(held "$front_db"), $(count "$front_db" "SELECT count(*) FROM proxy_transaction_ids WHERE partner = 'primary'") mapped to the primary's ids"
echo "- the primary after the migrating run: $(held "$primary_db")"
