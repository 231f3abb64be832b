#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Two builds of flowreplay side by side, runs alternating (A B A B ...) so that the machine's
# noise falls on both: gen's default mix (gen_bench), features in head and corrected mode on a
# page-cached capture, the IPFIX file exporter (export_bench); medians of RUNS and the ratio
# NEW/OLD. Then instructions per packet from callgrind, which do not depend on the noise.
# Usage: tests/bench/before_after.sh OLD_BUILD_DIR NEW_BUILD_DIR [RUNS]     (default 5)
set -euo pipefail
old=$(realpath "$1") new=$(realpath "$2") runs=${3:-5}
dir=$(mktemp -d /tmp/flowreplay-ab.XXXXXX)
trap 'rm -rf "$dir"' EXIT

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
bench_value() {  # BINARY FILTER -> items_per_second of one run
  "$1" --benchmark_filter="$2" --benchmark_format=json 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["benchmarks"][0]["items_per_second"])'
}
wall_rate() {  # PACKETS COMMAND... -> packets per second of one run
  local n=$1; shift
  local t0 t1
  t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N)
  python3 -c "print($n / ($t1 - $t0))"
}
compare() {  # NAME UNIT -- runs the function measure_old / measure_new alternately
  local name=$1 unit=$2
  : > "$dir/a"; : > "$dir/b"
  for _ in $(seq "$runs"); do
    measure_old >> "$dir/a"
    measure_new >> "$dir/b"
  done
  local a b
  a=$(median < "$dir/a"); b=$(median < "$dir/b")
  python3 -c "print(f'| $name | {$a/1e6:.2f} M $unit | {$b/1e6:.2f} M $unit | {$b/$a:.3f} |')"
}

echo "| case | before | after | after/before |"
echo "| --- | --- | --- | --- |"
measure_old() { bench_value "$old/tests/bench/gen_bench" 'BM_GenDefaultMix'; }
measure_new() { bench_value "$new/tests/bench/gen_bench" 'BM_GenDefaultMix'; }
compare "gen, built-in mix (BM_GenDefaultMix/20000)" "packets/s"

"$new/src/flowreplay" gen -q --flows 20000 --pcap "$dir/cap.pcapng"
packets=$(capinfos -c -M "$dir/cap.pcapng" | awk '/Number of packets/ {print $4}')
cat "$dir/cap.pcapng" > /dev/null
for mode in head corrected; do
  measure_old() { wall_rate "$packets" "$old/src/flowreplay" features -q --cic "$mode" "$dir/cap.pcapng" -o /dev/null; }
  measure_new() { wall_rate "$packets" "$new/src/flowreplay" features -q --cic "$mode" "$dir/cap.pcapng" -o /dev/null; }
  compare "features --cic $mode, $packets packets (whole process)" "packets/s"
done
measure_old() { bench_value "$old/tests/bench/export_bench" 'BM_IpfixFile'; }
measure_new() { bench_value "$new/tests/bench/export_bench" 'BM_IpfixFile'; }
compare "IPFIX file, 1 M biflow records (BM_IpfixFile)" "records/s"

echo
echo "| callgrind: instructions per packet | before | after | after/before |"
echo "| --- | --- | --- | --- |"
irs() {  # COMMAND... -> total instructions
  valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out" "$@" >/dev/null 2>&1
  callgrind_annotate "$dir/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
}
"$new/src/flowreplay" gen -q --flows 5000 --pcap "$dir/small.pcapng"
n_small=$(capinfos -c -M "$dir/small.pcapng" | awk '/Number of packets/ {print $4}')
row() {  # NAME PACKETS OLD_CMD... -- NEW_CMD...
  local name=$1 n=$2; shift 2
  local a b
  a=$(irs "${@:1:$(( $# / 2 ))}")
  b=$(irs "${@:$(( $# / 2 + 1 ))}")
  python3 -c "print(f'| $name | {$a/$n:.0f} | {$b/$n:.0f} | {$b/$a:.3f} |')"
}
row "gen --flows 5000 --pcap /dev/null ($n_small packets)" "$n_small" \
  "$old/src/flowreplay" gen -q --flows 5000 --pcap /dev/null "$new/src/flowreplay" gen -q --flows 5000 --pcap /dev/null
row "features --cic head ($n_small packets)" "$n_small" \
  "$old/src/flowreplay" features -q "$dir/small.pcapng" -o /dev/null "$new/src/flowreplay" features -q "$dir/small.pcapng" -o /dev/null
row "features --cic corrected ($n_small packets)" "$n_small" \
  "$old/src/flowreplay" features -q --cic corrected "$dir/small.pcapng" -o /dev/null \
  "$new/src/flowreplay" features -q --cic corrected "$dir/small.pcapng" -o /dev/null
