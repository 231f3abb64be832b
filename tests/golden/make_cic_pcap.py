# SPDX-License-Identifier: MIT
"""Writes pcaps/cic-scenarios.pcap: hand-built packets that exercise every CICFlowMeter rule the
golden tests pin (FIN and RST endings, the 120 s flow timeout, active/idle gaps over 5 s,
subflow gaps over 1 s, bulk, IPv6, VLAN, Ethernet padding, a one-packet flow, ICMP).

Nanosecond classic pcap, Ethernet. Run from the repository root:  python3 tests/golden/make_cic_pcap.py
The file is committed; run this again only to change the scenarios (then UPDATE_GOLDEN=1).
"""
import ipaddress
import struct
import sys

BASE = 1_700_000_000 * 10**9  # ns
packets = []  # (ts_ns, frame bytes)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth(payload, v6=False, vlan=None, pad_to=60):
    frame = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01"
    if vlan is not None:
        frame += struct.pack("!HH", 0x8100, vlan)
    frame += struct.pack("!H", 0x86DD if v6 else 0x0800) + payload
    if len(frame) < pad_to:
        frame += b"\0" * (pad_to - len(frame))  # Ethernet padding, not part of the IP packet
    return frame


def ip_packet(src, dst, proto, l4):
    s, d = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    if s.version == 4:
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0x4000, 64, proto, 0, s.packed, d.packed)
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        pseudo = s.packed + d.packed + struct.pack("!BBH", 0, proto, len(l4))
        return hdr, pseudo
    hdr = struct.pack("!IHBB16s16s", 6 << 28, len(l4), proto, 64, s.packed, d.packed)
    pseudo = s.packed + d.packed + struct.pack("!IxxxB", len(l4), proto)
    return hdr, pseudo


def tcp(t_us, src, sport, dst, dport, flags, seq=0, ack=0, win=1000, payload=0, vlan=None, frac_ns=0):
    flag_bits = sum({"F": 1, "S": 2, "R": 4, "P": 8, "A": 16, "U": 32, "E": 64, "C": 128}[c] for c in flags)
    data = bytes((i * 7 + 3) & 0xFF for i in range(payload))
    l4 = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flag_bits, win, 0, 0) + data
    hdr, pseudo = ip_packet(src, dst, 6, l4)
    l4 = l4[:16] + struct.pack("!H", csum(pseudo + l4)) + l4[18:]
    packets.append((BASE + t_us * 1000 + frac_ns, eth(hdr + l4, ":" in src, vlan)))


def udp(t_us, src, sport, dst, dport, payload, frac_ns=0):
    data = bytes((i * 5 + 1) & 0xFF for i in range(payload))
    l4 = struct.pack("!HHHH", sport, dport, 8 + payload, 0) + data
    hdr, pseudo = ip_packet(src, dst, 17, l4)
    c = csum(pseudo + l4) or 0xFFFF
    l4 = l4[:6] + struct.pack("!H", c) + l4[8:]
    packets.append((BASE + t_us * 1000 + frac_ns, eth(hdr + l4, ":" in src)))


def icmp(t_us, src, dst, typ, seq):
    l4 = struct.pack("!BBHHH", typ, 0, 0, 0x1234, seq) + b"ping" * 8
    l4 = l4[:2] + struct.pack("!H", csum(l4)) + l4[4:]
    hdr, _ = ip_packet(src, dst, 1, l4)
    packets.append((BASE + t_us * 1000, eth(hdr + l4)))


C, S = "10.0.0.1", "10.0.0.2"
# 1. TCP with handshake, data both ways, a bulk from the server, FIN from the client first, then
#    the server's FIN-ACK and the last ACK. Padding on the small packets (frames < 60 bytes).
tcp(0, C, 40001, S, 80, "S", 100, 0, 64240)
tcp(1_200, S, 80, C, 40001, "SA", 500, 101, 65160)
tcp(1_350, C, 40001, S, 80, "A", 101, 501, 502)
tcp(1_400, C, 40001, S, 80, "PA", 101, 501, 502, 120, frac_ns=999)
tcp(2_800, S, 80, C, 40001, "A", 501, 221, 509)
for i in range(6):  # six full segments in 5 ms: a bulk of 6 packets
    tcp(3_000 + i * 1_000, S, 80, C, 40001, "A" if i < 5 else "PA", 501 + i * 1000, 221, 509, 1000)
tcp(9_100, C, 40001, S, 80, "A", 221, 6501, 502)
tcp(2_509_100, C, 40001, S, 80, "PA", 221, 6501, 502, 40)  # 2.5 s later: a subflow gap
tcp(2_510_500, S, 80, C, 40001, "PA", 6501, 261, 509, 3)
tcp(8_600_000, C, 40001, S, 80, "FA", 261, 6504, 502)      # 6.1 s later: an idle gap
tcp(8_601_300, S, 80, C, 40001, "FA", 6504, 262, 509)
tcp(8_601_400, C, 40001, S, 80, "A", 262, 6505, 502)

# 2. TCP ended by RST from the server, on a VLAN.
tcp(20_000, "10.0.0.3", 40002, S, 443, "S", 1, 0, 29200, vlan=7)
tcp(20_900, S, 443, "10.0.0.3", 40002, "SA", 9, 2, 28960, vlan=7)
tcp(21_000, "10.0.0.3", 40002, S, 443, "PA", 2, 10, 229, 517, vlan=7)
tcp(22_500, S, 443, "10.0.0.3", 40002, "RA", 10, 519, 0, vlan=7)

# 3. UDP over IPv6 lasting 150 s, a packet every 10 s: the 120 s flow timeout splits it, every
#    gap is an idle period (> 5 s) and a subflow boundary (> 1 s).
for i in range(16):
    if i % 2 == 0:
        udp(100_000 + i * 10_000_000, "fd00::1", 46000, "fd00::2", 46001, 20 + i, frac_ns=123)
    else:
        udp(100_000 + i * 10_000_000 + 250, "fd00::2", 46001, "fd00::1", 46000, 30)

# 4. One lone UDP packet (a one-packet flow), and ICMP echo between two hosts.
udp(50_000, "10.0.0.9", 46002, "10.0.0.8", 46003, 33)
icmp(60_000, "10.0.0.5", "10.0.0.6", 8, 1)
icmp(60_700, "10.0.0.6", "10.0.0.5", 0, 1)
icmp(1_060_000, "10.0.0.5", "10.0.0.6", 8, 2)
icmp(1_060_650, "10.0.0.6", "10.0.0.5", 0, 2)

packets.sort(key=lambda p: p[0])
out = sys.argv[1] if len(sys.argv) > 1 else "pcaps/cic-scenarios.pcap"
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1))
    for ts, frame in packets:
        f.write(struct.pack("<IIII", ts // 10**9, ts % 10**9, len(frame), len(frame)) + frame)
print(f"{out}: {len(packets)} packets")
