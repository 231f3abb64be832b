#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# gen --model at scale: a million flows from the agh_2015 all/length model, the report's
# per-direction lengths against the model's CDF (Kolmogorov-Smirnov distance, computed by
# model_ks.py from the JSON) and the data set's checkpoints; then gen's packets/s with and
# without --model on the same flows count, alternating, median of 3 (to /dev/null, report only).
# Usage: tests/bench/model_check.sh build/src/flowreplay [FLOWS]   (default 1000000)
set -euo pipefail
bin=${1:?usage: model_check.sh FLOWREPLAY [FLOWS]}
flows=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
models=$here/../../configs/models/agh_2015
dir=$(mktemp -d /tmp/flowreplay-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
/usr/bin/time -f '%e s wall, %M KiB peak' "$bin" gen -q --model "$models/all" --flows "$flows" --seed 1 --report "$dir/truth.csv"
python3 "$here/model_ks.py" "$models/all/length/flows.json" "$dir/truth.csv"
"$bin" stats -q "$dir/truth.csv" --summary /dev/stdout -o /dev/null
rate() {  # the M packets/s of gen's summary line
  "$@" 2>&1 | sed -n 's/.* \([0-9.]*\) M packets\/s.*/\1/p'
}
mix=() model=()
for _ in 1 2 3; do
  mix+=("$(rate "$bin" gen --flows "$flows" --seed 1 --report /dev/null)")
  model+=("$(rate "$bin" gen --model "$models" --flows "$flows" --seed 1 --report /dev/null)")
done
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
echo "gen, built-in mix:        ${mix[*]} M packets/s (median $(median "${mix[@]}"))"
echo "gen --model agh_2015:     ${model[*]} M packets/s (median $(median "${model[@]}"))"
