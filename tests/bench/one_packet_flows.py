#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a classic pcap (µs) of N one-packet TCP flows: SYNs of a port scan from a /16 of
sources to one host, spread evenly over SPAN seconds. The worst case for a flow meter's memory:
every packet opens a flow that no later packet closes.
Usage: one_packet_flows.py OUT.pcap N [SPAN_SECONDS] [--fin]
--fin makes every packet a FIN+ACK instead (head mode's "appendix" flows after a close)."""
import struct
import sys


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    fin = "--fin" in sys.argv
    out, n = args[0], int(args[1])
    span = float(args[2]) if len(args) > 2 else 10.0
    flags = 0x11 if fin else 0x02
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    dst = bytes([10, 200, 0, 1])
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        start = 1_700_000_000 * 1_000_000
        for i in range(n):
            src = bytes([10, 1, (i >> 8) & 0xFF, i & 0xFF])
            sport = 1024 + (i >> 16)
            tcp = struct.pack("!HHIIBBHHH", sport, 80, i, 0, 5 << 4, flags, 64240, 0, 0)
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, i & 0xFFFF, 0x4000, 64, 6, 0, src, dst)
            ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
            pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
            tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
            frame = eth + ip + tcp
            t = start + int(i * span * 1_000_000 / max(n, 1))
            f.write(struct.pack("<IIII", t // 1_000_000, t % 1_000_000, len(frame), len(frame)))
            f.write(frame)


if __name__ == "__main__":
    main()
