#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs, idempotently, what flowreplay needs to build and what its tests run (Debian 12, as root).
# Packages already installed are left alone; nothing is fetched outside Debian's archive.
set -euo pipefail

build_deps=(cmake g++ clang-14 libclang-rt-14-dev libfuzzer-14-dev make pkg-config help2man libpcap-dev libfixbuf-dev libyaml-cpp-dev libcli11-dev zlib1g-dev libzstd-dev libxdp-dev libbpf-dev
            libgtest-dev libgmock-dev libbenchmark-dev python3-dev pybind11-dev)
test_tools=(tshark wireshark-common nfdump libfixbuf-tools tcpdump tcpreplay libndpi-bin iproute2 util-linux python3 tzdata clang-tidy gzip zstd chromium fonts-dejavu-core python3-numpy python3-pandas python3-pytest python3-distributed)

missing=()
for p in "${build_deps[@]}" "${test_tools[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#build_deps[@]} build and ${#test_tools[@]} test packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "setup: missing ${missing[*]}; run as root or install sudo" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
echo "setup: installing ${missing[*]}"
# wireshark-common asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections 2>/dev/null || true
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
