#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Golden test of `flowreplay features`: one mode on a capture against its expected CSV.
# The expected CSVs are computed by tests/golden/cic_reference.py (an independent reading of
# shared/specs/cicflowmeter.md over tshark's fields), not by flowreplay.
# Usage: run_cic_golden.sh FLOWREPLAY MODE CAPTURE EXPECTED
#        UPDATE_GOLDEN=1 run_cic_golden.sh ...   rewrites EXPECTED from the reference (review the diff)
set -euo pipefail
bin=$1 mode=$2 capture=$3 expected=$4
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3; [ -x "$py" ] || py=python3
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
  "$py" "$here/cic_reference.py" "$capture" "$mode" > "$expected"
  echo "rewrote $expected"
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" features -q --cic "$mode" "$capture" -o "$out"
"$py" "$here/compare_cic.py" "$expected" "$out"
