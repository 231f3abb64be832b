#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs clang-tidy with the repository's .clang-tidy (the naming rules) over every source file of
# the library, the CLI and their headers, using the build's compile_commands.json.
# Usage: clang_tidy.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
tidy=$(command -v clang-tidy || command -v clang-tidy-14)
cd "$src"
mapfile -t files < <(git ls-files 'src/*.cpp' 'exporters/*.cpp' 'replay/*.cpp' 2>/dev/null || find src exporters replay -name '*.cpp')
echo "clang-tidy: ${#files[@]} files"
printf '%s\n' "${files[@]}" | xargs -P 2 -n 4 "$tidy" -p "$build" --quiet 2>&1 | grep -v "warnings generated" | tee /tmp/clang-tidy.$$ || true
if grep -q "error:" /tmp/clang-tidy.$$; then
  rm -f /tmp/clang-tidy.$$
  echo "clang-tidy: naming errors above"
  exit 1
fi
rm -f /tmp/clang-tidy.$$
echo "clang-tidy: clean"
