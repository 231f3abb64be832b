#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# flowreplay features against the flow meters a user would pick instead, on the same capture in
# the same run: softflowd and argus (Debian packages; installed here if missing), with tcpdump's
# read-and-discard as the floor of reading the file. Whole-process wall, CPU and peak RSS,
# median of 3, capture in the page cache.
# Usage: tests/bench/features_compare.sh build/src/flowreplay [PACKETS]   (default 2000000)
set -euo pipefail
bin=${1:?usage: features_compare.sh FLOWREPLAY [PACKETS]}
packets=${2:-2000000}
dir=$(mktemp -d /tmp/flowreplay-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
for tool in softflowd argus; do
  command -v $tool >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq softflowd argus-server >/dev/null
done
cap=$dir/gen.pcapng
# The built-in mix: about 34 000 flows, mean frame 800 bytes.
flows=$(( packets / 58 ))
"$bin" gen -q --flows "$flows" --pcap "$cap"
n=$(capinfos -c -M "$cap" | awk '/Number of packets/ {print $4}')
cat "$cap" > /dev/null
echo "capture: $cap, $n packets, $(du -h "$cap" | cut -f1)"

measure() {  # name, command...
  local name=$1; shift
  local runs=()
  for _ in 1 2 3; do
    /usr/bin/time -o "$dir/time" -f '%e %U %S %M' "$@" >/dev/null 2>&1 || true
    runs+=("$(tail -1 "$dir/time")")
  done
  printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p | awk -v name="$name" -v n="$n" \
    '{printf "%-28s wall %5.2f s  user %5.2f s  sys %5.2f s  %6.2f M packets/s  peak RSS %4d MiB\n", name, $1, $2, $3, n/$1/1e6, $4/1024}'
}
measure "tcpdump -r -w /dev/null" tcpdump -r "$cap" -w /dev/null
measure "flowreplay features head" "$bin" features -q "$cap" -o /dev/null
measure "flowreplay features corrected" "$bin" features -q --cic corrected "$cap" -o /dev/null
measure "softflowd 1.1.0 (v9)" softflowd -d -c none -r "$cap" -n 127.0.0.1:39995 -m 500000 -v 9
measure "argus 3.0.8" argus -F /dev/null -r "$cap" -w "$dir/out.argus"
