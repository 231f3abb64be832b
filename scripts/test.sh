#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Sets up (scripts/setup.sh), builds and runs the whole test suite twice: a Release build, then
# an AddressSanitizer + UndefinedBehaviorSanitizer build (warnings are errors in both); then runs
# each libFuzzer target for FUZZ_SECONDS (default 60) from the repository's seeds.
# Usage: scripts/test.sh            (from anywhere; builds in build/ and build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=${JOBS:-2}

echo "== Release build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j1)

echo "== AddressSanitizer + UBSan build"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOWREPLAY_SANITIZE=ON -DFLOWREPLAY_BENCH=OFF >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure -j1)

echo "== Fuzz targets (clang, libFuzzer, ASan + UBSan), ${FUZZ_SECONDS:-60} s each"
bash tests/fuzz/run.sh "${FUZZ_SECONDS:-60}" build/src/flowreplay
