# Sourced by tools/bench-*.sh: a work directory that is removed, with every
# background job, when the script exits; and csmsd started on free ports.
# The sourcing script sets $bin (where csmsd is) before calling start_csmsd.

work=$(mktemp -d)
bench_cleanup() {
  jobs -p | xargs -r kill 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap bench_cleanup EXIT

# start_csmsd DIR [csmsd options...]: an admin "root" (token in DIR/token),
# then csmsd in --dev on DIR/csms.db in the background, waiting for its
# ready line. Sets csmsd_pid, ws and admin (HOST:PORT).
start_csmsd() {
  local dir=$1
  shift
  "$bin/csmsd" --db "$dir/csms.db" --bootstrap-admin root --token-file "$dir/token" >/dev/null
  "$bin/csmsd" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 --db "$dir/csms.db" --dev --log-level warn "$@" \
    >"$dir/ready" 2>"$dir/csmsd.log" &
  csmsd_pid=$!
  for _ in $(seq 100); do grep -q '^csmsd ready' "$dir/ready" 2>/dev/null && break; sleep 0.1; done
  read -r ws admin < <(sed -E 's/^csmsd ready ws=(\S+) wss=\S+ admin=(\S+)$/\1 \2/' "$dir/ready")
}
