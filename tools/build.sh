#!/usr/bin/env bash
# Configures (once) and builds into build/ (or $CSMS_BUILD_DIR) with ccache.
# Extra arguments go to the CMake configure step, e.g. -DCSMS_SANITIZE=address,undefined.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${CSMS_BUILD_DIR:-build}
build_type=${CSMS_BUILD_TYPE:-RelWithDebInfo}
if [ ! -f "$build_dir/build.ninja" ] || [ $# -gt 0 ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" "$@" >/dev/null
fi
cmake --build "$build_dir" -j"${CSMS_JOBS:-2}"
