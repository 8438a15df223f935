#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest: first the
# normal build, then the same suite under AddressSanitizer + UBSan (csmsd,
# csmsctl, src/ and the tests; the simulator's own tests run in the first
# pass only). CSMS_SKIP_SANITIZE=1 skips the second pass.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/bootstrap.sh

# The suite runs first on the Release configuration, as it ships: GCC's -O3
# finds warnings -O2 does not (-Werror=restrict), so Release is what must
# compile, and no third build is needed to prove it. Both builds carry line
# tables only (-g1, tools/build.sh).
echo "== build (Release, -g1) =="
CSMS_BUILD_TYPE=Release tools/build.sh -DCSMS_SANITIZE=
echo "== tests =="
# Three at a time on two cores: most tests wait on sockets and child
# processes, not on the CPU.
ctest --test-dir build --output-on-failure -j3 --timeout 600

if [ "${CSMS_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== build (ASan+UBSan) =="
  # The product under the sanitizers; ocpp-sim, a client the end-to-end
  # tests drive it with, is the release build's (compiling it again would
  # cost minutes and test nothing of csmsd).
  CSMS_BUILD_DIR=build-asan CSMS_BUILD_TYPE=Debug tools/build.sh -DCSMS_SANITIZE=address,undefined \
    -DCSMS_SIM_BIN_DIR="$PWD/build/bin"
  echo "== tests under ASan+UBSan =="
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j3 --timeout 900
fi
echo "== all tests passed =="
