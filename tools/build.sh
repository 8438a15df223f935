#!/usr/bin/env bash
# Configures (once) and builds into build/ (or $CSMS_BUILD_DIR) with ccache.
# Extra arguments go to the CMake configure step, e.g. -DCSMS_SANITIZE=address,undefined.
# CSMS_TARGETS="csmsd csmsctl" builds only those targets (and what they need);
# unset or empty, everything is built, tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${CSMS_BUILD_DIR:-build}
build_type=${CSMS_BUILD_TYPE:-Release}
# Release as it ships (-O3) plus line tables (-g1), so stack traces keep
# file:line at a quarter of full debug info's compile time. tools/run.sh and
# tools/test.sh configure alike, so neither rebuilds what the other built.
if [ ! -f "$build_dir/build.ninja" ] || [ $# -gt 0 ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
    -DCMAKE_CXX_FLAGS_RELEASE="-O3 -DNDEBUG -g1" -DCMAKE_CXX_FLAGS_DEBUG="-g1" "$@" >/dev/null
fi
read -r -a targets <<<"${CSMS_TARGETS:-}"
target_args=()
if [ ${#targets[@]} -gt 0 ]; then
  target_args=(--target "${targets[@]}")
fi
cmake --build "$build_dir" -j"${CSMS_JOBS:-2}" "${target_args[@]}"
