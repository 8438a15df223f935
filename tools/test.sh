#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest: first the
# normal build, then the same suite under AddressSanitizer + UBSan
# (CSMS_SKIP_SANITIZE=1 skips the second pass).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/bootstrap.sh

echo "== build (RelWithDebInfo) =="
tools/build.sh
echo "== tests =="
ctest --test-dir build --output-on-failure -j2 --timeout 600

if [ "${CSMS_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== build (ASan+UBSan) =="
  CSMS_BUILD_DIR=build-asan CSMS_BUILD_TYPE=Debug tools/build.sh -DCSMS_SANITIZE=address,undefined
  echo "== tests under ASan+UBSan =="
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j2 --timeout 900
fi
echo "== all tests passed =="
