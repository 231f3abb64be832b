#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Peak resident memory of `flowreplay gen` as the flow count grows: memory must follow
# concurrent flows, not total flows. Usage: tests/bench/gen_memory.sh build/src/flowreplay [FLOWS...]
set -euo pipefail
bin=${1:?usage: gen_memory.sh FLOWREPLAY [FLOWS...]}
shift
counts=("${@:-100000 1000000 10000000}")
printf '%-10s %-12s %-10s %-12s %s\n' flows packets wall_s peak_rss_MiB Mpps
for n in ${counts[@]}; do
  out=$( { /usr/bin/time -f '%e %M' "$bin" gen -q --flows "$n" --pcap /dev/null --report /dev/null; } 2>&1 )
  wall=$(echo "$out" | tail -1 | cut -d' ' -f1)
  rss=$(echo "$out" | tail -1 | cut -d' ' -f2)
  pkts=$("$bin" gen --flows "$n" --report /dev/null 2>&1 >/dev/null | sed -n 's/.* flows, \([0-9]*\) packets.*/\1/p' | head -1)
  printf '%-10s %-12s %-10s %-12s %s\n' "$n" "$pkts" "$wall" "$((rss / 1024))" "$(awk -v p="$pkts" -v w="$wall" 'BEGIN{printf "%.2f", p/w/1e6}')"
done
