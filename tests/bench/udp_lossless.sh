#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# NetFlow v9 and IPFIX over UDP into nfcapd on loopback at increasing paced rates: records sent
# against records nfcapd stored. Usage: tests/bench/udp_lossless.sh build [COUNT] [RATES...]
set -euo pipefail
build=${1:?usage: udp_lossless.sh BUILD_DIR [COUNT] [RATES...]}
count=${2:-2000000}
shift $(( $# >= 2 ? 2 : 1 ))
rates=("${@:-250000 500000 1000000 1500000}")
probe=$build/tests/bench/udp_export_probe
printf '%-6s %-10s %-10s %-10s %s\n' proto rate sent stored lost
for proto in v9 ipfix; do
  for rate in ${rates[@]}; do
    dir=$(mktemp -d /tmp/flowreplay-nf.XXXXXX)
    port=$(( 40000 + RANDOM % 20000 ))
    nfcapd -w "$dir" -p "$port" -b 127.0.0.1 -t 3600 -B 16777216 >"$dir.log" 2>&1 &
    pid=$!
    sleep 0.7
    read -r sent dropped < <("$probe" "$proto" "udp://127.0.0.1:$port" "$rate" "$count")
    sleep 1
    kill -TERM $pid; wait $pid || true
    # nfcapd's own count at exit ("Ident: 'none' Flows: N, ...").
    stored=$(sed -n "s/.*Flows: \([0-9]*\),.*/\1/p" "$dir.log" | awk '{s += $1} END {print s + 0}')
    printf '%-6s %-10s %-10s %-10s %s\n' "$proto" "$rate" "$sent" "$stored" "$(( sent - stored ))"
    rm -rf "$dir" "$dir.log"
  done
done
