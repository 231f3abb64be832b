#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the build tree into a temporary prefix, checks the man pages and the bash completion
# (completing commands, options and --cic values as bash would), then builds and runs a consumer
# program against it: with CMake's find_package(flowreplay) (shared and static) and with pkg-config.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
work=$(mktemp -d /tmp/flowreplay-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
for f in include/flowreplay/version.hpp include/flowreplay/core/flow_record.hpp lib/cmake/flowreplay/flowreplayConfig.cmake \
         lib/pkgconfig/flowreplay.pc bin/flowreplay; do
  [ -e "$work/prefix/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
ls "$work"/prefix/lib/libflowreplay.so* "$work/prefix/lib/libflowreplay.a" >/dev/null

echo "== man pages and bash completion"
for page in flowreplay flowreplay-gen flowreplay-features flowreplay-export flowreplay-profile flowreplay-compare; do
  grep -q '^\.SH OPTIONS' "$work/prefix/share/man/man1/$page.1" || { echo "FAIL: $page.1 has no OPTIONS section"; exit 1; }
done
grep -qF -- '\-\-pcap' "$work/prefix/share/man/man1/flowreplay-gen.1"  # troff escapes the dashes
completion=$work/prefix/share/bash-completion/completions/flowreplay
complete_words() {  # the completions bash would offer for the words given
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _flowreplay; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$completion" "$@"
}
[ "$(complete_words "$work/prefix/bin/flowreplay" fea)" = features ] || { echo "FAIL: 'fea' does not complete to features"; exit 1; }
complete_words "$work/prefix/bin/flowreplay" gen --pc | grep -qx -- --pcap || { echo "FAIL: 'gen --pc' does not offer --pcap"; exit 1; }
complete_words "$work/prefix/bin/flowreplay" features --cic c | grep -qx corrected || { echo "FAIL: '--cic c' does not offer corrected"; exit 1; }

echo "== find_package(flowreplay)"
cmake -S "$src/tests/install/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" -j2 >/dev/null
LD_LIBRARY_PATH="$work/prefix/lib" "$work/consumer/consumer_shared" "$work/a.pcapng"
"$work/consumer/consumer_static" "$work/b.pcapng"
cmp "$work/a.pcapng" "$work/b.pcapng"
# The shared consumer really uses the installed shared library.
# (ldd's output is taken whole first: grep -q closing the pipe early would fail it under pipefail.)
libs=$(LD_LIBRARY_PATH="$work/prefix/lib" ldd "$work/consumer/consumer_shared")
grep -q "$work/prefix/lib/libflowreplay.so" <<< "$libs" || { echo "FAIL: consumer_shared does not load the installed library"; exit 1; }

echo "== pkg-config"
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
g++ -o "$work/consumer_pc" "$src/tests/install/consumer/consumer.cpp" $(pkg-config --cflags --libs flowreplay)
LD_LIBRARY_PATH="$work/prefix/lib" "$work/consumer_pc" "$work/c.pcapng"
cmp "$work/a.pcapng" "$work/c.pcapng"
echo "install test: man pages and completion installed; 3 consumers built and ran against the installed tree"
