#!/usr/bin/env bash
# The admin API under charger load, measured from outside:
#   1. chargers' MeterValues latency with no operator traffic;
#   2. the same while operators hammer the API (list chargers, list
#      transactions, page the audit log) from several parallel clients;
#   3. a command's round trip: POST UnlockConnector to a connected simulated
#      charger and back, one at a time.
# Usage: tools/bench-admin.sh [--bin DIR] [--chargers N] [--seconds S]
# Prints a Markdown table. Needs curl and jq.
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

start_csmsd "$work"
token=$(cat "$work/token")

load() { # $1 prefix: MeterValues every second per charger, latency summary as JSON
  "$bin/ocpp-sim" --url "ws://$ws/ocpp" --mode load --chargers "$chargers" --meter-interval 1 \
    --heartbeat-interval 0 --ramp-seconds 3 --duration "$seconds" --prefix "$1" --json
}

operator() { # loops over the heaviest list calls until killed; one line per answered request
  local paths=("/api/v1/chargers?limit=500" "/api/v1/transactions?limit=500" "/api/v1/audit?limit=500")
  while true; do
    for p in "${paths[@]}"; do
      curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $token" "http://$admin$p"
    done
  done
}

quiet=$(load QUIET)
operators=()
for i in 1 2 3 4; do
  operator >"$work/operator-$i.log" &
  operators+=($!)
done
busy=$(load BUSY)
kill "${operators[@]}" 2>/dev/null || true
wait "${operators[@]}" 2>/dev/null || true
admin_calls=$(cat "$work"/operator-*.log | grep -c '^200$' || true)

"$bin/ocpp-sim" --url "ws://$ws/ocpp" --chargers 1 --connect-only --hold-seconds 300 --prefix CMD >/dev/null 2>&1 &
sim_pid=$!
for _ in $(seq 100); do
  curl -s -H "Authorization: Bearer $token" "http://$admin/api/v1/chargers/CMD-0001" | jq -e .connected >/dev/null 2>&1 && break
  sleep 0.1
done
for _ in $(seq 200); do
  curl -s -o /dev/null -w '%{time_total}\n' -X POST -H "Authorization: Bearer $token" \
    -d '{"connectorId":1}' "http://$admin/api/v1/chargers/CMD-0001/commands/UnlockConnector"
done | sort -n >"$work/rtt"
kill "$sim_pid" 2>/dev/null || true
p50=$(awk '{a[NR]=$1} END {printf "%.2f", a[int(NR*0.5)]*1000}' "$work/rtt")
p99=$(awk '{a[NR]=$1} END {printf "%.2f", a[int(NR*0.99)]*1000}' "$work/rtt")

row() { jq -r --arg n "$1" '"| \($n) | \(.latency_ms.p50) | \(.latency_ms.p99) | \(.load_calls_per_s) |"' <<<"$2"; }
echo "| run ($chargers chargers, MeterValues every second, ${seconds} s) | charger p50 ms | charger p99 ms | calls/s |"
echo "|---|---|---|---|"
row "no operator traffic" "$quiet"
row "4 operators listing 500 rows in a loop ($admin_calls answers, $((admin_calls / seconds))/s)" "$busy"
echo
echo "UnlockConnector round trip through the API to a simulated charger, 200 in a row: p50 ${p50} ms, p99 ${p99} ms"
