#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs two flowreplay binaries on the same inputs and compares every output byte for byte:
# gen (pcapng, pcap, report), features in all four modes, profile, export's report, an IPFIX file
# and the NetFlow v9 datagrams sent to a loopback port. IPFIX export times are compared with the
# header's export-time field masked, since a binary older than --export-time stamped wall time.
# Usage: scripts/compare-outputs.sh OLD_BINARY NEW_BINARY [FLOWS]     (exit 0: all identical)
set -euo pipefail
old=$(realpath "$1") new=$(realpath "$2") flows=${3:-5000}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/flowreplay-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT

mask_ipfix() {  # zero the export time of every message of an IPFIX file
  python3 - "$1" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = 0
while i + 16 <= len(b):
    n = int.from_bytes(b[i + 2:i + 4], 'big')
    b[i + 4:i + 8] = b'\0\0\0\0'
    i += max(n, 16)
open(sys.argv[1], 'wb').write(b)
PY
}

nf9_capture() {  # run BINARY ARGS... with NetFlow v9 to a loopback listener; datagrams to OUT
  local out=$1; shift
  python3 - "$out" "$@" <<'PY'
import socket, subprocess, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 25)
s.bind(('127.0.0.1', 0))
port = s.getsockname()[1]
cmd = [a.replace('PORT', str(port)) for a in sys.argv[2:]]
subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
s.settimeout(0.5)
with open(sys.argv[1], 'wb') as f:
    try:
        while True:
            d = s.recv(65535)
            f.write(len(d).to_bytes(4, 'big') + d)
    except socket.timeout:
        pass
PY
}

status=0
run_both() {  # NAME COMMAND-TEMPLATE: {B} is the binary, {D} its output directory
  local name=$1 template=$2
  for side in old new; do
    local bin=$old; [ $side = new ] && bin=$new
    mkdir -p "$work/$side"
    local cmd=${template//\{B\}/$bin}
    cmd=${cmd//\{D\}/$work/$side}
    (cd "$work/$side" && eval "$cmd") >/dev/null 2>&1 || { echo "FAIL $name: command failed on $side: $cmd"; status=1; return; }
  done
}
same() {  # FILE...
  for f in "$@"; do
    if cmp -s "$work/old/$f" "$work/new/$f"; then
      echo "same  $f ($(stat -c %s "$work/new/$f") bytes)"
    else
      echo "DIFF  $f"; status=1
    fi
  done
}

run_both gen "{B} gen -q --flows $flows --pcap {D}/gen.pcapng --report {D}/gen.csv"
run_both gen-pcap "{B} gen -q --flows $flows --pcap {D}/gen.pcap"
run_both gen-v6 "{B} gen -q --config $here/configs/ipv6-vlan.yaml --flows $flows --pcap {D}/v6.pcapng --report {D}/v6.csv"
run_both gen-https "{B} gen -q --config $here/configs/https.yaml --flows $flows --pcap {D}/https.pcapng --report {D}/https.csv"
same gen.pcapng gen.csv gen.pcap v6.pcapng v6.csv https.pcapng https.csv
for mode in head 2020 2018 corrected; do
  run_both features-$mode "{B} features -q --cic $mode {D}/gen.pcapng -o {D}/feat-$mode.csv && {B} features -q --cic $mode $here/pcaps/cic-scenarios.pcap -o {D}/scen-$mode.csv && {B} features -q --cic $mode {D}/v6.pcapng -o {D}/v6-$mode.csv"
  same feat-$mode.csv scen-$mode.csv v6-$mode.csv
done
run_both profile "{B} profile -q {D}/gen.pcapng -o {D}/profile.csv && {B} profile -q --addresses {D}/v6.pcapng -o {D}/profile-v6.csv"
same profile.csv profile-v6.csv
run_both export "{B} export -q {D}/gen.pcapng --report {D}/export.csv --active-timeout 2s --ipfix-file {D}/export.ipfix"
run_both ipfix "{B} gen -q --flows $flows --ipfix-file {D}/gen.ipfix && {B} gen -q --flows $flows --biflow --ipfix-time ns --ipfix-file {D}/gen-bi.ipfix && {B} gen -q --config $here/configs/ipv6-vlan.yaml --flows $flows --ipfix-file {D}/v6.ipfix"
for f in export.ipfix gen.ipfix gen-bi.ipfix v6.ipfix; do
  for side in old new; do [ -f "$work/$side/$f" ] && mask_ipfix "$work/$side/$f"; done
done
same export.csv export.ipfix gen.ipfix gen-bi.ipfix v6.ipfix
for side in old new; do
  bin=$old; [ $side = new ] && bin=$new
  nf9_capture "$work/$side/nf9.bin" "$bin" gen -q --flows 5000 --rate 20000 --netflow9 udp://127.0.0.1:PORT
  nf9_capture "$work/$side/nf9-v6.bin" "$bin" gen -q --config "$here/configs/ipv6-vlan.yaml" --flows 5000 --rate 20000 --netflow9 udp://127.0.0.1:PORT
done
same nf9.bin nf9-v6.bin
[ $status = 0 ] && echo "all outputs identical" || echo "outputs differ"
exit $status
