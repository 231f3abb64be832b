#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets with clang under ASan+UBSan and runs each for SECONDS, starting
# from seed corpora made of the repository's captures and configs (and a small generated
# capture when a flowreplay binary is given). Any crash, leak, UB or timeout fails the run; the
# crashing input is kept in the build folder's artifacts/ for a regression test.
# Usage: tests/fuzz/run.sh SECONDS [FLOWREPLAY]    (from anywhere; builds in build-fuzz/)
set -euo pipefail
seconds=${1:?usage: run.sh SECONDS [FLOWREPLAY]}
bin=${2:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build-fuzz
CXX=clang++-14 cmake -S "$top/tests/fuzz" -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$out" -j"${JOBS:-2}"

seeds=$out/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/capture "$seeds"/decode "$seeds"/config "$seeds"/profile "$seeds"/flows "$seeds"/models "$out/artifacts"
cp "$top"/pcaps/*.pcap* "$seeds/capture/" 2>/dev/null || true
if [ -n "$bin" ]; then
  "$bin" gen -q --flows 20 --pcap "$seeds/capture/gen.pcapng"
  "$bin" gen -q --flows 20 --config "$top/configs/ipv6-vlan.yaml" --pcap "$seeds/capture/v6.pcap"
  gzip -c "$seeds/capture/gen.pcapng" > "$seeds/capture/gen.pcapng.gz"
fi
cp "$top"/configs/*.yaml "$seeds/config/"
cp "$top"/tests/fuzz/profiles/*.csv "$seeds/profile/"
cp "$top"/tests/fuzz/flows/*.csv "$seeds/flows/"
if [ -n "$bin" ]; then
  "$bin" profile -q "$seeds/capture/gen.pcapng" -o "$seeds/profile/gen.csv"
  "$bin" gen -q --flows 20 --report "$seeds/flows/report.csv"
  "$bin" gen -q --model "$top/configs/models/agh_2015" --flows 200 --report "$seeds/models/report.csv"
  "$bin" stats -q "$seeds/models/report.csv" -o "$seeds/models/length.hist"
  "$bin" stats -q --by size "$seeds/models/report.csv" -o "$seeds/models/size.hist"
  rm "$seeds/models/report.csv"
fi
# Model seeds: a 0 byte before each shipped mixture, a 1 byte before each histogram.
for f in "$top"/configs/models/agh_2015/*/*/*.json; do
  { printf '\0'; cat "$f"; } > "$seeds/models/$(echo "${f#"$top"/configs/models/}" | tr / _)"
done
for f in "$seeds"/models/*.hist; do
  [ -e "$f" ] || continue
  { printf '\1'; cat "$f"; } > "$f.seed" && rm "$f"
done
python3 - "$seeds" <<'PY'
import glob, os, struct, sys
seeds = sys.argv[1]
# Decoder seeds: the first frames of each seed capture, behind a link-type byte (1 = Ethernet).
n = 0
for path in glob.glob(os.path.join(seeds, "capture", "*.pcap")):
    data = open(path, "rb").read()
    pos = 24
    while pos + 16 <= len(data) and n < 200:
        caplen = struct.unpack_from("<I", data, pos + 8)[0]
        frame = data[pos + 16:pos + 16 + caplen]
        open(os.path.join(seeds, "decode", f"f{n}"), "wb").write(bytes([1]) + frame)
        pos += 16 + caplen
        n += 1
PY

status=0
targets=0
run() {  # TARGET CORPUS...
  local target=$1
  shift
  targets=$((targets + 1))
  local work=$out/corpus-$target
  mkdir -p "$work"
  echo "== $target, ${seconds} s"
  if ! (cd "$out/artifacts" && ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "$out/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
        -print_final_stats=1 "$work" "$@" 2>&1 | tail -14); then
    echo "FAIL: $target found a crash (input in $out/artifacts)"
    status=1
  fi
}
regressions=$top/tests/fuzz/regressions
run fuzz_capture_memory "$seeds/capture" "$regressions/capture_stream"
run fuzz_capture_stream "$seeds/capture" "$regressions/capture_stream"
run fuzz_decode "$seeds/decode"
run fuzz_config "$seeds/config"
run fuzz_profile "$seeds/profile"
run fuzz_flow_csv "$seeds/flows" "$regressions/flow_csv"
run fuzz_models "$seeds/models" "$regressions/models"
[ $status = 0 ] && echo "fuzz: $targets targets ran ${seconds} s each, no crash"
exit $status
