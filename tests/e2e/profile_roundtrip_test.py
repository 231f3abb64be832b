# SPDX-License-Identifier: MIT
"""capture -> profile -> gen --profile -> capture -> profile gives back every record: packets and
bytes per direction, ports, protocols, and times to the ns (profiles written with --time-decimals
6), on a 10 000-flow capture of the built-in mix and one with IPv6 and VLANs, with and without
an active timeout that splits long flows; and FlowTest's edge cases.
Usage: profile_roundtrip_test.py FLOWREPLAY REPO_ROOT
"""
import os
import sys

from tshark_util import Checker, run, tmpdir

binary, root = sys.argv[1], sys.argv[2]
c = Checker("profile_roundtrip")
d = tmpdir()


def rows(path):
    with open(path) as f:
        return sorted(f.read().splitlines()[1:])


def first_packet_seconds(capture):
    r = run(["tshark", "-n", "-r", capture, "-c", "1", "-T", "fields", "-e", "frame.time_epoch"])
    return r.stdout.strip()


for name, extra in (("built-in mix", []), ("IPv6 and VLAN mix", ["--config", os.path.join(root, "configs", "ipv6-vlan.yaml")])):
    cap1 = os.path.join(d, "c1.pcapng")
    r = run([binary, "gen", "-q", "--flows", "10000", "--pcap", cap1] + extra)
    c.equal(r.returncode, 0, f"{name}: gen writes the original capture")
    t0 = first_packet_seconds(cap1)
    for cut in ([], ["--active-timeout", "5s"]):
        label = f"{name}{', active timeout 5 s' if cut else ''}"
        p1, p2, cap2 = (os.path.join(d, x) for x in ("p1.csv", "p2.csv", "c2.pcapng"))
        run([binary, "profile", "-q", cap1, "--time-decimals", "6", "-o", p1] + cut)
        r = run([binary, "gen", "--profile", p1, "--start-time", t0, "--pcap", cap2] + extra)
        c.check(r.returncode == 0 and "0 of them adjusted" in r.stderr, f"{label}: gen --profile meets every record as given")
        run([binary, "profile", "-q", cap2, "--time-decimals", "6", "-o", p2] + cut)
        a, b = rows(p1), rows(p2)
        longest = max(float(x.split(",")[1]) - float(x.split(",")[0]) for x in a)
        diff = len(set(a) ^ set(b))
        c.check(len(a) >= 10000 and a == b,
                f"{label}: {len(a)} records (longest {longest / 1000:.1f} s) come back identical, times to the ns "
                f"({diff} differ)")

# FlowTest's edge cases (times relative to the first record, which becomes the new time zero).
HEADER = "START_TIME,END_TIME,L3_PROTO,L4_PROTO,SRC_PORT,DST_PORT,PACKETS,BYTES,PACKETS_REV,BYTES_REV"
edge = [
    "-2.5,7,4,6,20001,80,1,1040,1000,1000000",      # one forward packet, a thousand reverse
    "-900,-800,4,17,20002,53,1,60,1,120",           # before time zero
    "70000,70000,4,6,20003,80,5,400,4,320",         # zero duration
    "73000,74000,4,6,20005,443,6,240,4,160",        # 40 bytes a packet: option-less TCP
    "75000,76000,6,58,0,0,3,244,3,244",             # ICMPv6 echo
    "77000,77000,6,6,20006,22,1,60,0,0",            # a lone IPv6 SYN
    "78000,79000,4,1,0,2048,2,200,2,200",           # ICMP with ports, as ft-profiler writes it
    "80000,200000,4,6,20007,443,40,40000,30,30000",  # 120 s: longer than an exporter's active timeout
]
src = os.path.join(d, "edge.csv")
with open(src, "w") as f:
    f.write(HEADER + "\n" + "\n".join(edge) + "\n")
cap = os.path.join(d, "edge.pcapng")
back = os.path.join(d, "edge-back.csv")
r = run([binary, "gen", "--profile", src, "--start-time", "1700000000", "--pcap", cap])
c.check(r.returncode == 0 and "1 of them adjusted" in r.stderr, "edge cases: generated (the ICMP ports adjusted, warned)")
run([binary, "profile", "-q", cap, "--time-decimals", "6", "-o", back])
zero = min(float(e.split(",")[0]) for e in edge)


def normalized(row, shift):
    f = row.split(",")
    start, end = float(f[0]) - shift, float(f[1]) - shift
    l4 = f[3]
    ports = ("0", "0") if l4 in ("1", "58") else (f[4], f[5])  # the schema has ports for TCP and UDP only
    return (round(start * 1e6), round(end * 1e6), f[2], l4) + ports + tuple(f[6:10])


want = sorted(normalized(e, zero) for e in edge)
got = sorted(normalized(x, 0) for x in rows(back))
c.equal(got, want, "edge cases come back as given (times to the ns, counts, ports; ICMP ports zeroed)")
c.done()
