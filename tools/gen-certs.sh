#!/usr/bin/env bash
# Development PKI for csmsd's wss listener and the OCPP security profiles,
# made with the openssl CLI (OpenSSL 3.0 or later). Never for production.
#
#   tools/gen-certs.sh [--dir DIR] [--force] [--test-material] [CHARGER_ID...]
#
# DIR (default: certs/ at the repository root) receives:
#   ca.crt ca.key              dev CA, EC P-256, 10 years
#   server.crt server.key      EC P-256, DNS:localhost + IP:127.0.0.1, serverAuth, signed by the CA
#   clients/ID.crt clients/ID.key
#                              one per CHARGER_ID (default CP-1): CN = ID, clientAuth, signed by the CA
# and with --test-material, for the TLS tests, under DIR/test/:
#   expired.crt/.key           CN = CP-1, signed by the CA, valid 2020-01-01..2020-01-02 only
#   other-ca.crt/.key          a second, unrelated CA
#   wrong-ca.crt/.key          CN = CP-1, clientAuth, signed by other-ca
#   cn-other.crt/.key          CN = OTHER, clientAuth, signed by the CA
#   server-rsa.crt/.key        RSA-2048 variant of server.crt, signed by the CA
#   other-host.crt/.key        as server.crt but for DNS:other.example only (a host-name mismatch)
#   revoked.crt/.key, ca.crl   CN = CP-1, signed by the CA and revoked; ca.crl is the CA's CRL listing it
#
# Idempotent: a certificate whose .crt and .key both exist is kept, unless
# --force (which remakes everything, the CA included). Keys are mode 600.
set -euo pipefail

usage() {
  sed -n '5p' "$0" | sed 's/^#   //' >&2
  exit 2
}

repo=$(cd "$(dirname "$0")/.." && pwd)
dir="$repo/certs"
force=0
test_material=0
ids=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) [ $# -ge 2 ] || usage; dir=$2; shift 2 ;;
    --dir=*) dir=${1#--dir=}; shift ;;
    --force) force=1; shift ;;
    --test-material) test_material=1; shift ;;
    -h|--help) usage ;;
    -*) echo "gen-certs: unknown option $1" >&2; usage ;;
    *) ids+=("$1"); shift ;;
  esac
done
[ ${#ids[@]} -gt 0 ] || ids=(CP-1)
for id in "${ids[@]}"; do
  # The id becomes both a file name and a subject CN: keep it to OCPP's usual
  # identity characters so neither needs escaping.
  if ! [[ $id =~ ^[A-Za-z0-9._:-]{1,48}$ ]] || [[ $id == .* ]]; then
    echo "gen-certs: charger id '$id' must match [A-Za-z0-9._:-]{1,48} and not start with '.'" >&2
    exit 2
  fi
done

command -v openssl >/dev/null || { echo "gen-certs: openssl not found" >&2; exit 1; }
umask 077
mkdir -p "$dir/clients"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One config for every signing step: no dependence on the system openssl.cnf.
cat >"$work/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
[ca_ext]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[other_host_ext]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
# `openssl ca` is the only 3.0 CLI that takes explicit start and end dates.
[ca]
default_ca = backdated
[backdated]
database = $ENV::GEN_CERTS_WORK/index.txt
new_certs_dir = $ENV::GEN_CERTS_WORK
serial = $ENV::GEN_CERTS_WORK/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
EOF
export GEN_CERTS_WORK=$work
: >"$work/index.txt"
echo 01 >"$work/serial"
export OPENSSL_CONF="$work/openssl.cnf"

exists() { [ "$force" -eq 0 ] && [ -f "$1.crt" ] && [ -f "$1.key" ]; }

new_key() { # new_key FILE ec|rsa
  if [ "$2" = rsa ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
  else
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"
  fi
  chmod 600 "$1"
}

make_ca() { # make_ca BASE CN
  exists "$1" && return 0
  new_key "$1.key" ec
  openssl req -new -x509 -key "$1.key" -subj "/CN=$2" -days 3650 -sha256 \
    -config "$work/openssl.cnf" -extensions ca_ext -out "$1.crt"
  chmod 644 "$1.crt"
  echo "gen-certs: wrote $1.crt" >&2
}

sign() { # sign BASE CN EXT CA_BASE DAYS KEYTYPE
  exists "$1" && return 0
  new_key "$1.key" "$6"
  openssl req -new -key "$1.key" -subj "/CN=$2" -config "$work/openssl.cnf" -out "$work/req.csr"
  openssl x509 -req -in "$work/req.csr" -CA "$4.crt" -CAkey "$4.key" -CAcreateserial -CAserial "$work/ca.srl" \
    -days "$5" -sha256 -extfile "$work/openssl.cnf" -extensions "$3" -out "$1.crt" 2>/dev/null
  chmod 644 "$1.crt"
  echo "gen-certs: wrote $1.crt" >&2
}

ca_sign() { # ca_sign BASE CN CA_BASE START END: a client certificate through `openssl ca` (recorded in its index)
  new_key "$1.key" ec
  openssl req -new -key "$1.key" -subj "/CN=$2" -config "$work/openssl.cnf" -out "$work/req.csr"
  openssl ca -batch -notext -config "$work/openssl.cnf" -cert "$3.crt" -keyfile "$3.key" \
    -startdate "$4" -enddate "$5" -extfile "$work/openssl.cnf" -extensions client_ext \
    -in "$work/req.csr" -out "$1.crt" 2>/dev/null
  chmod 644 "$1.crt"
  echo "gen-certs: wrote $1.crt" >&2
}

sign_expired() { # sign_expired BASE CN CA_BASE
  exists "$1" && return 0
  ca_sign "$1" "$2" "$3" 20200101000000Z 20200102000000Z
}

sign_revoked() { # sign_revoked BASE CN CA_BASE CRL: a valid certificate, then revoked in a fresh CRL
  exists "$1" && [ -f "$4" ] && return 0
  ca_sign "$1" "$2" "$3" "$(date -u +%Y%m%d%H%M%SZ)" 20350101000000Z
  openssl ca -config "$work/openssl.cnf" -cert "$3.crt" -keyfile "$3.key" -revoke "$1.crt" 2>/dev/null
  openssl ca -config "$work/openssl.cnf" -cert "$3.crt" -keyfile "$3.key" -gencrl -crldays 3650 -out "$4" 2>/dev/null
  chmod 644 "$4"
  echo "gen-certs: wrote $4" >&2
}

# A new CA invalidates everything it signed (and --force remakes the CA).
if [ "$force" -eq 0 ] && ! { [ -f "$dir/ca.crt" ] && [ -f "$dir/ca.key" ]; }; then
  force=1
fi
make_ca "$dir/ca" "CSMS Dev CA"
sign "$dir/server" localhost server_ext "$dir/ca" 825 ec
for id in "${ids[@]}"; do
  sign "$dir/clients/$id" "$id" client_ext "$dir/ca" 825 ec
done

# Test material signed by a replaced CA would fail for the wrong reason.
[ "$force" -eq 1 ] && [ -d "$dir/test" ] && test_material=1
if [ "$test_material" -eq 1 ]; then
  mkdir -p "$dir/test"
  sign_expired "$dir/test/expired" CP-1 "$dir/ca"
  if ! exists "$dir/test/other-ca"; then
    make_ca "$dir/test/other-ca" "CSMS Unrelated Test CA"
    rm -f "$dir/test/wrong-ca.crt" # signed by the CA just replaced
  fi
  sign "$dir/test/wrong-ca" CP-1 client_ext "$dir/test/other-ca" 825 ec
  sign "$dir/test/cn-other" OTHER client_ext "$dir/ca" 825 ec
  sign "$dir/test/server-rsa" localhost server_ext "$dir/ca" 825 rsa
  sign "$dir/test/other-host" other.example other_host_ext "$dir/ca" 825 ec
  sign_revoked "$dir/test/revoked" CP-1 "$dir/ca" "$dir/test/ca.crl"
fi
