#!/usr/bin/env bash
# Installs what is missing, builds, and starts csmsd on its embedded default:
# SQLite at var/csms.db, ws on 0.0.0.0:8180, wss on 0.0.0.0:8443 with the
# development PKI from tools/gen-certs.sh, admin on 127.0.0.1:8181, dev mode.
# Extra arguments are passed to csmsd; they win over these defaults.
# Builds only the three programs it runs and the README's "Try it" uses, not
# the test suite (tools/test.sh builds that), so the first start is minutes
# sooner on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/bootstrap.sh >&2
[ -f certs/server.crt ] || tools/gen-certs.sh >&2
CSMS_TARGETS="csmsd csmsctl ocpp-sim" tools/build.sh >&2 # stdout carries only csmsd's ready line
exec build/bin/csmsd --dev --tls-listen 0.0.0.0:8443 --cert certs/server.crt --key certs/server.key \
  --ca certs/ca.crt "$@"
