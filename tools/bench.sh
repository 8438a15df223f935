#!/usr/bin/env bash
# The benchmark suite: starts csmsd, drives it with ocpp-sim through the
# standard scenarios, and writes the figures with their commands, the git
# revision and the machine's facts to a Markdown file.
#
#   tools/bench.sh [--smoke] [--out FILE] [--bin DIR] [--only NAME,...] [--hold-minutes M]
#
#   --smoke          tiny version of every scenario (CI): checks the tooling
#                    works and durability holds; the figures mean nothing
#   --out FILE       where the report goes (default docs/benchmarks.md;
#                    with --smoke, a temporary file)
#   --bin DIR        csmsd and ocpp-sim from DIR (default: build them into build/)
#   --only NAMES     run only these scenarios (comma-separated): handshakes,
#                    idle-memory, meter-values, meter-values-below, meter-values-light, heartbeat,
#                    mixed, storm, idle-cost, held-wss, kill9, kill9-mixed
#   --hold-minutes M how long held-wss holds its chargers (default 10)
#
# Server and load generator share the machine, so every figure is a lower
# bound for a server that has the cores to itself. Timings here are never CI
# gates: --smoke fails only when a tool fails or an acknowledged message is lost.
# mixed also needs the sqlite3 command-line shell (for its bytes per sample).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

smoke=0
out=""
bin=""
only=""
hold_minutes=10
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1; shift ;;
    --out) out=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --hold-minutes) hold_minutes=$2; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

for tool in jq curl openssl sqlite3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (tools/bootstrap.sh installs it)" >&2; exit 2; }
done
if [ -z "$bin" ]; then
  tools/build.sh >&2
  bin="$repo/build/bin"
fi
csmsd="$bin/csmsd"
sim="$bin/ocpp-sim"

work=$(mktemp -d /tmp/csms-bench.XXXXXX)
[ -n "$out" ] || { if [ $smoke = 1 ]; then out="$work/benchmarks.md"; else out="$repo/docs/benchmarks.md"; fi; }
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
  jobs -p | xargs -r kill -9 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A throwaway PKI: the ECDSA server certificate, and the RSA variant.
tools/gen-certs.sh --dir "$work/certs" --test-material >"$work/gen-certs.log" 2>&1 || { cat "$work/gen-certs.log" >&2; exit 1; }
ca="$work/certs/ca.crt"
ecdsa_cert="$work/certs/server.crt"
ecdsa_key="$work/certs/server.key"
rsa_cert="$work/certs/test/server-rsa.crt"
rsa_key="$work/certs/test/server-rsa.key"

wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }
pick() { if [ $smoke = 1 ]; then echo "$2"; else echo "$1"; fi; } # pick FULL SMOKE

# ---------------------------------------------------------------- the server

# start_server NAME [CERT KEY] [extra csmsd flags...]: a fresh csmsd with its own
# database under $work/NAME (kept if it exists: a restart on the same data).
start_server() {
  local name=$1 cert=$2 key=$3
  shift 3
  local dir="$work/$name"
  mkdir -p "$dir"
  : >"$dir/ready"
  "$csmsd" --listen 127.0.0.1:0 --tls-listen 127.0.0.1:0 --cert "$cert" --key "$key" --ca "$ca" \
    --admin-listen 127.0.0.1:0 --db "$dir/csms.db" --dev --log-level warn "$@" \
    >"$dir/ready" 2>>"$dir/csmsd.log" &
  server_pid=$!
  local i
  for i in $(seq 1 300); do
    grep -q '^csmsd ready' "$dir/ready" && break
    kill -0 "$server_pid" 2>/dev/null || { echo "bench: csmsd died at start:" >&2; cat "$dir/csmsd.log" >&2; exit 1; }
    sleep 0.1
  done
  local line
  line=$(grep '^csmsd ready' "$dir/ready") || { echo "bench: csmsd not ready after 30 s" >&2; exit 1; }
  ws=$(sed -E 's/.* ws=([^ ]+).*/\1/' <<<"$line")
  wss=$(sed -E 's/.* wss=([^ ]+).*/\1/' <<<"$line")
  admin=$(sed -E 's/.* admin=([^ ]+).*/\1/' <<<"$line")
}

stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
ticks_per_s=$(getconf CLK_TCK)
# CPU seconds of this shell's children that have ended (an ocpp-sim run, its
# forks included): the load generator's own cost. Read around one run_sim
# in this shell, before csmsd (a child too) is reaped.
ended_children_cpu_s() { awk -v t="$ticks_per_s" '{printf "%.2f", ($16 + $17) / t}' "/proc/$$/stat"; }
metric() { curl -s "http://$admin/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

# wait_connections N SECONDS: until csmsd counts N open sessions.
wait_connections() {
  local want=$1 deadline=$((SECONDS + $2)) have
  while [ $SECONDS -lt $deadline ]; do
    have=$(metric csms_connections)
    [ "${have%.*}" -ge "$want" ] 2>/dev/null && return 0
    sleep 0.5
  done
  echo "bench: only ${have:-0} of $want connections after $2 s" >&2
  return 1
}

# --------------------------------------------------------------- the report

results=()  # markdown table rows
details=""  # per-scenario sections

# row SCENARIO TARGET MEASURED VERDICT
row() { results+=("| $1 | $2 | $3 | $4 |"); }
verdict() { if awk "BEGIN {exit !($1)}"; then echo met; else echo "**missed**"; fi; }

# section TITLE TEXT: a details section; commands are shown with $work as /tmp/bench.
section() { details+=$'\n'"### $1"$'\n\n'"${2//$work//tmp/bench}"$'\n'; }

# Commands as run, collected per scenario in a file (run_sim may run in a
# background subshell) and taken by the scenario's report section.
note() { echo "$*" >>"$work/commands"; }
take_commands() { cat "$work/commands"; : >"$work/commands"; }

# run_sim OUTFILE ARGS...: ocpp-sim with --json, its command noted.
run_sim() {
  local outfile=$1
  shift
  note "ocpp-sim $*"
  local rc=0
  "$sim" "$@" --json >"$outfile" 2>>"$work/sim.log" || rc=$?
  [ -s "$outfile" ] || { echo "bench: ocpp-sim printed nothing (exit $rc): $*" >&2; tail -20 "$work/sim.log" >&2; exit 1; }
  return $rc
}
j() { jq -r "$1" "$2"; } # j FILTER FILE

server_line() { # the csmsd command as run, for the report
  note "csmsd --listen 127.0.0.1:0 --tls-listen 127.0.0.1:0 --cert $1 --key $2 --ca ca.crt --admin-listen 127.0.0.1:0 --db csms.db --dev --log-level warn"
}

# ------------------------------------------------------------- the scenarios

# New wss connections per second: TLS handshake + upgrade + BootNotification
# committed, all chargers dialling at once, with each server key type.
bench_handshakes() {
  local n
  n=$(pick 6000 20)
  local kind cert key target
  for kind in ECDSA RSA; do
    if [ $kind = RSA ]; then cert=$rsa_cert key=$rsa_key target=1500; else cert=$ecdsa_cert key=$ecdsa_key target=2000; fi
    start_server "handshakes-$kind" "$cert" "$key"
    server_line "server-${kind,,}.crt" "server-${kind,,}.key"
    run_sim "$work/hs-$kind.json" --url "wss://$wss/ocpp" --ca-file "$ca" --chargers "$n" --connect-only \
      --processes 2 --server-pid "$server_pid" --prefix "HS$kind"
    stop_server
    local f="$work/hs-$kind.json"
    local rate
    rate=$(j .handshakes_per_s "$f")
    row "new wss connections/s, $kind ($n at once)" "≥ $target/s" \
      "$(printf '%.0f/s; connect p50 %.0f ms, p99 %.0f ms; %s ms server CPU per 1000' "$rate" \
        "$(j .connect_ms.p50 "$f")" "$(j .connect_ms.p99 "$f")" "$(j '.server.cpu_ms_per_1000_handshakes | floor' "$f")")" \
      "$(verdict "$rate >= $target")"
    section "New wss connections per second, $kind server key" "$(printf '```sh\n%s\n```\n\n```json\n%s\n```' "$(take_commands)" "$(cat "$f")")"
  done
}

# Server memory per idle connection: RSS with N chargers connected (after
# BootNotification) minus RSS before, divided by N.
bench_idle_memory() {
  local n hold
  n=$(pick 5000 20)
  hold=$(pick 40 5)
  local scheme target
  for scheme in ws wss; do
    start_server "memory-$scheme" "$ecdsa_cert" "$ecdsa_key"
    local before url extra=()
    before=$(rss_kb)
    if [ $scheme = ws ]; then url="ws://$ws/ocpp" target=8; else url="wss://$wss/ocpp" target=20 extra=(--ca-file "$ca"); fi
    server_line server.crt server.key
    run_sim "$work/mem-$scheme.json" --url "$url" "${extra[@]}" --chargers "$n" --connect-only \
      --hold-seconds "$hold" --prefix "MEM$scheme" &
    local sim_pid=$!
    wait_connections "$n" "$hold"
    sleep 2 # let the last Boot replies and their buffers settle
    local during
    during=$(rss_kb)
    wait "$sim_pid"
    stop_server
    local per_kb
    per_kb=$(awk -v a="$before" -v b="$during" -v n="$n" 'BEGIN {printf "%.1f", (b - a) / n}')
    row "server memory per idle $scheme connection ($n held)" "≤ $target KB" \
      "$per_kb KB (RSS $((before / 1024)) MB empty, $((during / 1024)) MB with $n)" "$(verdict "$per_kb <= $target")"
    section "Memory per idle $scheme connection" "$(printf '```sh\n%s\n# RSS read from /proc/PID/status before and while held\n```\n\nRSS before: %s kB; with %s chargers held: %s kB; per connection: %s KB.' \
      "$(take_commands)" "$before" "$n" "$during" "$per_kb")"
  done
}

# load_scenario NAME TITLE TARGET_RATE TARGET_P99_MS SIM_ARGS...: an open-loop
# load on plain ws, reported as calls/s and latency.
load_scenario() {
  local name=$1 title=$2 target_rate=$3 target_p99=$4
  shift 4
  start_server "$name" "$ecdsa_cert" "$ecdsa_key"
  server_line server.crt server.key
  run_sim "$work/$name.json" --url "ws://$ws/ocpp" --mode load --server-pid "$server_pid" --prefix "$name" "$@"
  local f="$work/$name.json"
  local writer
  writer=$(curl -s "http://$admin/metrics" | grep -E '^csms_writer_(commits_total|jobs_total|batch_size_max|commit_seconds_sum|commit_seconds_count) ' || true)
  stop_server
  local rate p99
  rate=$(j .load_calls_per_s "$f")
  p99=$(j .latency_ms.p99 "$f")
  local check="$rate >= $target_rate"
  local target="≥ $target_rate/s"
  if [ "$target_p99" != - ]; then
    check="$check && $p99 <= $target_p99"
    target="$target, p99 ≤ $target_p99 ms"
  fi
  row "$title" "$target" \
    "$(printf '%.0f/s; p50 %.2f, p99 %.2f, p99.9 %.2f, max %.1f ms; %s ms server CPU per 1000 calls; errors %s' "$rate" \
      "$(j .latency_ms.p50 "$f")" "$p99" "$(j .latency_ms.p999 "$f")" "$(j .latency_ms.max "$f")" \
      "$(j '.server.cpu_ms_per_1000_calls | floor' "$f")" "$(j .errors "$f")")" \
    "$(verdict "$check")"
  section "$title" "$(printf '```sh\n%s\n```\n\n```json\n%s\n```\n\nWriter counters at the end:\n\n```\n%s\n```' "$(take_commands)" "$(cat "$f")" "$writer")"
}

bench_meter_values() {
  # 1,000 chargers x 10 MeterValues/s (6 sampled values each), acknowledged
  # after COMMIT with synchronous=FULL.
  load_scenario meter-values "durable MeterValues calls/s" 10000 10 \
    --chargers "$(pick 1000 20)" --meter-interval 0.1 --duration "$(pick 30 2)" --ramp-seconds "$(pick 5 1)"
}

# The same below the ceiling measured above: the latency a charger sees
# when the writer keeps up.
bench_meter_values_below() {
  load_scenario meter-values-below "durable MeterValues, 8,000/s offered" 7900 10 \
    --chargers "$(pick 1000 20)" --meter-interval 0.125 --duration "$(pick 30 2)" --ramp-seconds "$(pick 5 1)"
}

# A network's ordinary day: every charger sends a MeterValues a second.
bench_meter_values_light() {
  load_scenario meter-values-light "durable MeterValues, 1,000 chargers at 1/s" 990 5 \
    --chargers "$(pick 1000 20)" --meter-interval 1 --duration "$(pick 30 2)" --ramp-seconds "$(pick 5 1)"
}

bench_heartbeat() {
  load_scenario heartbeat "Heartbeat calls/s" 40000 - \
    --chargers "$(pick 4000 20)" --heartbeat-interval 0.1 --duration "$(pick 20 2)" --ramp-seconds "$(pick 5 1)" \
    --processes 2 --source-addresses 127.0.0.2-127.0.0.9
}

# Closed-loop mixed load: N chargers, each with an open transaction and
# exactly one call in flight (80 % MeterValues of six sampled values, 10 %
# Heartbeat, 10 % StatusNotification), the next sent on each answer. Then,
# with csmsd stopped cleanly, what its database spends per stored sampled
# value (dbstat over the sample tables and their indexes, either layout).
bench_mixed() {
  local n
  n=$(pick 1000 20)
  start_server mixed "$ecdsa_cert" "$ecdsa_key"
  server_line server.crt server.key
  local f="$work/mixed.json" gen_before gen_after
  gen_before=$(ended_children_cpu_s)
  run_sim "$f" --url "ws://$ws/ocpp" --mode load --closed-loop --mix meter=80,heartbeat=10,status=10 \
    --chargers "$n" --duration "$(pick 60 3)" --ramp-seconds "$(pick 5 1)" --processes 2 \
    --server-pid "$server_pid" --prefix MIXED || true
  gen_after=$(ended_children_cpu_s)
  local writer
  writer=$(curl -s "http://$admin/metrics" | grep -E '^csms_writer_(commits_total|jobs_total|batch_size_max|commit_seconds_sum|commit_seconds_count) ' || true)
  stop_server
  local db="$work/mixed/csms.db" bytes samples per_sample
  bytes=$(sqlite3 "$db" "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN (SELECT name FROM sqlite_schema
    WHERE type IN ('table', 'index') AND tbl_name GLOB 'sample*')")
  samples=$(sqlite3 "$db" "SELECT count(*) FROM samples")
  per_sample=$(awk -v b="$bytes" -v n="$samples" 'BEGIN {printf "%.1f", (n > 0 ? b / n : 0)}')
  note "kill -TERM \$(pidof csmsd); wait   # a clean stop, then:"
  note "sqlite3 csms.db \"SELECT sum(pgsize) FROM dbstat WHERE name IN (tables and indexes of sample*)\""
  note "sqlite3 csms.db \"SELECT count(*) FROM samples\""
  local rate us errors gen_cpu gen_share
  rate=$(j .load_calls_per_s "$f")
  us=$(j '.server.cpu_us_per_call // 0' "$f")
  errors=$(jq -r '.errors + .unexpected' "$f")
  gen_cpu=$(awk -v a="$gen_before" -v b="$gen_after" 'BEGIN {printf "%.1f", b - a}')
  gen_share=$(awk -v c="$gen_cpu" -v e="$(j .elapsed_s "$f")" -v k="$(nproc)" 'BEGIN {printf "%.0f", (e > 0 ? 100 * c / e / k : 0)}')
  local p99s
  p99s=$(jq -r '.latency_by_kind_ms | to_entries | map("\(.key) \(.value.p99)") | join(", ")' "$f")
  row "mixed load, $n chargers closed loop, 80/10/10" "≥ 20,000 calls/s, ≤ 40 µs csmsd CPU per call, 0 errors" \
    "$(printf '%.0f calls/s; %.1f µs server CPU per call; p99 ms %s; errors %s; %s bytes per sampled value (%s stored); generator CPU %s s, %s %% of %s cores' \
      "$rate" "$us" "$p99s" "$errors" "$per_sample" "$samples" "$gen_cpu" "$gen_share" "$(nproc)")" \
    "$(verdict "$rate >= 20000 && $us <= 40 && $errors == 0")"
  section "Mixed load, closed loop" "$(printf '```sh\n%s\n```\n\n```json\n%s\n```\n\nWriter counters at the end:\n\n```\n%s\n```\n\nOn disk after a clean stop: %s bytes in the sample tables and their indexes for %s sampled values, %s bytes each. The load generator used %s CPU-s over the run (%s %% of the %s cores).' \
    "$(take_commands)" "$(cat "$f")" "$writer" "$bytes" "$samples" "$per_sample" "$gen_cpu" "$gen_share" "$(nproc)")"
}

# Reconnect storm: N wss chargers dial at once (half with a fixed 10 s retry,
# half with jittered back-off) while already-connected chargers keep sending
# MeterValues; their latency must hold.
bench_storm() {
  local n live
  n=$(pick 10000 40)
  live=$(pick 500 10)
  start_server storm "$ecdsa_cert" "$ecdsa_key"
  server_line server.crt server.key
  run_sim "$work/storm-live.json" --url "wss://$wss/ocpp" --ca-file "$ca" --mode load --chargers "$live" \
    --meter-interval 1 --heartbeat-interval 0 --duration "$(pick 40 6)" --ramp-seconds 2 --prefix LIVE &
  local live_pid=$!
  wait_connections "$live" 30
  run_sim "$work/storm.json" --url "wss://$wss/ocpp" --ca-file "$ca" --mode storm --retry mix --tls-resume \
    --chargers "$n" --processes 2 --source-addresses 127.0.0.10-127.0.0.29 --hold-seconds 2 \
    --server-pid "$server_pid" --prefix STORM || true
  wait "$live_pid" || true
  stop_server
  local f="$work/storm.json" l="$work/storm-live.json"
  local converged_s p99
  converged_s=$(j .converged_s "$f")
  p99=$(j .latency_ms.p99 "$l")
  row "reconnect storm, $n wss chargers at once" "all Accepted + first status ≤ 12 s; connected p99 ≤ 1 s" \
    "$(printf '%s of %s converged in %.1f s, %s retries; connected chargers p99 %.1f ms (%s errors)' \
      "$(j .converged "$f")" "$n" "$converged_s" "$(j .retries "$f")" "$p99" "$(j .errors "$l")")" \
    "$(verdict "$(j .converged "$f") == $n && $converged_s <= 12 && $p99 <= 1000")"
  section "Reconnect storm" "$(printf '```sh\n%s\n```\n\nStorm:\n\n```json\n%s\n```\n\nChargers connected before the storm:\n\n```json\n%s\n```' \
    "$(take_commands)" "$(cat "$f")" "$(cat "$l")")"
}

# Idle cost: N wss chargers, Heartbeat every 300 s, nothing else; server CPU
# over five minutes (a whole heartbeat period, with the WebSocket pings of
# quiet chargers in it) as a share of one core.
bench_idle_cost() {
  local n
  n=$(pick 10000 20)
  start_server idle-cost "$ecdsa_cert" "$ecdsa_key"
  server_line server.crt server.key
  run_sim "$work/idle.json" --url "wss://$wss/ocpp" --ca-file "$ca" --mode load --chargers "$n" \
    --heartbeat-interval 300 --meter-interval 0 --duration "$(pick 300 3)" --ramp-seconds "$(pick 10 1)" \
    --processes 2 --server-pid "$server_pid" --prefix IDLE
  stop_server
  local f="$work/idle.json" share
  share=$(jq -r '100 * .server.cpu_s / .load_elapsed_s' "$f")
  row "idle cost, $n wss chargers, Heartbeat every 300 s" "< 2 % of one core" \
    "$(printf '%.2f %% of one core (%.2f CPU-s over %.0f s)' "$share" "$(j .server.cpu_s "$f")" "$(j .load_elapsed_s "$f")")" \
    "$(verdict "$share < 2")"
  section "Idle cost" "$(printf '```sh\n%s\n```\n\n```json\n%s\n```' "$(take_commands)" "$(cat "$f")")"
}

# Concurrent wss chargers at realistic rates (MeterValues every 60 s,
# Heartbeat every 300 s) held for M minutes; then more dial in than the
# server admits, and the extra ones must get a clean 503.
bench_held_wss() {
  local n duration
  n=$(pick 19000 30)
  duration=$(awk -v m="$(pick "$hold_minutes" 0.05)" 'BEGIN {print m * 60}')
  # The smoke run lowers the limit so that its few extra chargers meet the 503.
  local limit=()
  [ $smoke = 1 ] && limit=(--max-connections $((n + 2)))
  start_server held-wss "$ecdsa_cert" "$ecdsa_key" "${limit[@]}"
  server_line server.crt server.key
  run_sim "$work/held.json" --url "wss://$wss/ocpp" --ca-file "$ca" --mode load --chargers "$n" \
    --meter-interval 60 --heartbeat-interval 300 --duration "$duration" --ramp-seconds "$(pick 30 1)" \
    --processes 4 --source-addresses 127.0.1.1-127.0.1.40 --server-pid "$server_pid" --prefix HELD &
  local held_pid=$!
  wait_connections "$n" "$(pick 180 30)"
  local rss
  rss=$(rss_kb)
  # Past the limit: these must be refused with 503, not crash anything.
  local extra
  extra=$(pick 1000 5)
  run_sim "$work/over.json" --url "wss://$wss/ocpp" --ca-file "$ca" --connect-only --chargers "$extra" \
    --processes 1 --source-addresses 127.0.2.1-127.0.2.4 --prefix OVER --call-timeout-ms 5000 || true
  local refused
  refused=$(curl -s "http://$admin/metrics" |
    awk '$1 ~ /^csms_connections_refused_total\{.*reason="limit"/ {s += $2} END {print s + 0}')
  wait "$held_pid" || true
  local f="$work/held.json"
  stop_server
  local dropped=$(( $(j .connections "$f") - n ))
  row "concurrent wss chargers, realistic rates, held $(pick "$hold_minutes" 0.05) min" \
    "19,000, no drops; refused cleanly with 503 past the limit" \
    "$(printf '%s connected, %s reconnects, %s errors; RSS %s MB; %s of %s extra refused with 503' \
      "$(j .connected "$f")" "$dropped" "$(j .errors "$f")" "$((rss / 1024))" "${refused:-0}" "$extra")" \
    "$(verdict "$(j .connected "$f") == $n && $dropped == 0 && $(j .errors "$f") == 0")"
  section "Concurrent wss chargers held" "$(printf '```sh\n%s\n```\n\nHeld:\n\n```json\n%s\n```\n\nPast the limit:\n\n```json\n%s\n```' \
    "$(take_commands)" "$(cat "$f")" "$(cat "$work/over.json")")"
}

# kill9_run NAME TITLE CHARGERS SIM_ARGS...: kill -9 under an ocpp-sim load,
# restart, then every acknowledged message must be in the database.
kill9_run() {
  local name=$1 title=$2 n=$3
  shift 3
  start_server "$name" "$ecdsa_cert" "$ecdsa_key"
  server_line server.crt server.key
  local log="$work/$name/acked.log"
  run_sim "$work/$name-load.json" --url "ws://$ws/ocpp" --mode load --chargers "$n" "$@" \
    --duration 60 --ramp-seconds 1 --durability-log "$log" &
  local load_pid=$!
  wait_connections "$n" 30
  sleep "$(pick 10 2)"
  kill -9 "$server_pid"
  note "kill -9 \$(pidof csmsd)   # after $(pick 10 2) s of load"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  wait "$load_pid" || true
  start_server "$name" "$ecdsa_cert" "$ecdsa_key" # same database: recovery runs at open
  note "csmsd ... --db csms.db   # restart on the same file"
  stop_server
  note "ocpp-sim verify-durability --log acked.log --db csms.db --json"
  local rc=0
  "$sim" verify-durability --log "$log" --db "$work/$name/csms.db" --json >"$work/$name.json" 2>>"$work/sim.log" || rc=$?
  local f="$work/$name.json"
  row "$title ($n chargers), restart" "0 acknowledged messages lost" \
    "$(printf '%s acknowledged, %s found, %s lost' "$(j .logged "$f")" "$(j .found "$f")" "$(j .missing "$f")")" \
    "$(verdict "$(j .missing "$f") == 0 && $(j .logged "$f") > 0")"
  section "$title" "$(printf '```sh\n%s\n```\n\n```json\n%s\n```' "$(take_commands)" "$(cat "$f")")"
  if [ $rc -ne 0 ] || [ "$(j .missing "$f")" != 0 ]; then
    echo "bench: acknowledged messages were lost across kill -9 ($name)" >&2
    durability_failed=1
  fi
}

bench_kill9() {
  kill9_run kill9 "kill -9 under load" "$(pick 500 10)" --meter-interval 0.1 --heartbeat-interval 1 --prefix KILL
}

# The same under the closed-loop mix: the writer is as busy as it gets.
bench_kill9_mixed() {
  kill9_run kill9-mixed "kill -9 under the mixed closed-loop load" "$(pick 1000 10)" --closed-loop \
    --processes 2 --prefix KILLMIX
}

durability_failed=0
for scenario in handshakes idle-memory meter-values meter-values-below meter-values-light heartbeat mixed storm idle-cost held-wss kill9 \
  kill9-mixed; do
  wanted "$scenario" || continue
  echo "bench: $scenario" >&2
  "bench_${scenario//-/_}"
done

# ---------------------------------------------------------------- the file

cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
mem_gib=$(awk '/^MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)
revision=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$repo" status --porcelain 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
{
  echo "# Benchmarks"
  echo
  echo "Written by \`tools/bench.sh$([ $smoke = 1 ] && echo ' --smoke')\` on $(date -u +%Y-%m-%d), git revision $revision$dirty."
  echo "Do not edit by hand: rerun the script. What limits each figure, and what was"
  echo "tried, is in [benchmarks-analysis.md](benchmarks-analysis.md)."
  echo
  echo "Machine: $(nproc) cores ($cpu_model), $mem_gib GiB, $(uname -sr), open-file limit $(ulimit -Hn)."
  echo "csmsd and ocpp-sim run on the same cores, so every figure is a lower bound."
  echo "SQLite runs in WAL mode with synchronous=FULL; every acknowledged message is durable."
  echo "Latency is measured from each call's intended send time (open loop); in the closed-loop mixed"
  echo "load, from its send."
  echo
  echo "| scenario | target | measured | |"
  echo "|---|---|---|---|"
  printf '%s\n' "${results[@]}"
  echo
  echo "## Scenarios"
  printf '%s\n' "$details"
} >"$out"
echo "bench: report written to $out" >&2
if [ $smoke = 1 ]; then cat "$out"; fi
exit $durability_failed
