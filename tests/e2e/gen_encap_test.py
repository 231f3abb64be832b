# SPDX-License-Identifier: MIT
"""gen with VLAN/MPLS encapsulation variants and IP fragmentation (network.encapsulation,
network.fragmentation_probability), read back by tshark: each flow carries one configured stack
in the configured shares, MPLS bottom-of-stack is set on the last label only, fragments reassemble
in tshark with good checksums, and the report counts exactly the frames and L3 bytes on the wire.
The same with gen --profile: each split adds one packet and one IP header (IPv6: a header and a
fragment header) to the profile's totals.

Usage: gen_encap_test.py FLOWREPLAY
"""
import collections
import os
import sys

from tshark_util import CHECKSUM_PREFS, Checker, read_report, run, tmpdir, tshark_fields

binary = sys.argv[1]
c = Checker("gen_encap")
d = tmpdir()

VARIANTS = {  # (VLAN ids, MPLS labels) -> share of flows; the rest goes bare
    ((100,), ()): 0.3,
    ((200,), (16, 17)): 0.3,
    ((), (1000,)): 0.2,
    ((), ()): 0.2,
}
FLOWS = 400
config = os.path.join(d, "mix.yaml")
with open(config, "w") as f:
    f.write(f"""generation: {{max_flows: {FLOWS}, flows_per_second: 1000, seed: 11}}
traffic_patterns:
  - {{type: web, percentage: 40}}
  - {{type: random, percentage: 30, protocol: udp, requests: 4-10, ports: [5000]}}
  - {{type: tls, percentage: 20}}
  - {{type: icmp, percentage: 10, request_bytes: 600-1400}}
network:
  ipv6_share: 30%
  encapsulation:
    - {{probability: 30%, layers: [{{type: vlan, id: 100}}]}}
    - {{probability: 30%, layers: [{{type: vlan, id: 200}}, {{type: mpls, label: 16}}, {{type: mpls, label: 17}}]}}
    - {{probability: 20%, layers: [{{type: mpls, label: 1000}}]}}
  fragmentation_probability: 20%
  min_packet_size_to_fragment: 512
""")

FIELDS = ["frame.number", "vlan.id", "mpls.label", "mpls.bottom", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
          "ip.len", "ipv6.plen", "ip.flags.mf", "ip.flags.df", "ip.frag_offset", "ipv6.fraghdr.more",
          "ipv6.fraghdr.offset", "ip.fragment.count", "ipv6.fragment.count", "ip.reassembled.length",
          "ipv6.reassembled.length", "ip.checksum.status", "tcp.checksum.status", "udp.checksum.status",
          "icmp.checksum.status", "icmpv6.checksum.status", "tcp.srcport", "udp.srcport", "_ws.malformed"]


# Port 5000 carries opaque random bytes, which tshark would try heuristic dissectors on (TAPA,
# COTP ...) and call malformed: it is decoded as data.
def read_frames(cap):
    rows = tshark_fields(cap, FIELDS, extra=CHECKSUM_PREFS + ["-E", "occurrence=a", "-E", "aggregator=;", "-d", "udp.port==5000,data"])
    for x in rows:
        x["vlans"] = tuple(int(v) for v in x["vlan.id"].split(";") if v)
        x["labels"] = tuple(int(v) for v in x["mpls.label"].split(";") if v)
        x["bottoms"] = tuple(int(v) for v in x["mpls.bottom"].split(";") if v)
        v6 = bool(x["ipv6.src"])
        x["pair"] = frozenset((x["ipv6.src"], x["ipv6.dst"]) if v6 else (x["ip.src"], x["ip.dst"]))
        x["l3"] = int(x["ipv6.plen"].split(";")[0]) + 40 if v6 else int(x["ip.len"].split(";")[0])
        x["first_fragment"] = x["ipv6.fraghdr.more"] == "1" if v6 else x["ip.flags.mf"] == "1"
        x["later_fragment"] = (x["ipv6.fraghdr.offset"] not in ("", "0")) if v6 else x["ip.frag_offset"] not in ("", "0")
        x["reassembled"] = (x["ipv6.fragment.count"] if v6 else x["ip.fragment.count"]) == "2"
        x["v6"] = v6
    return rows


def check_fragments(rows, split, what):
    firsts = [x for x in rows if x["first_fragment"]]
    later = [x for x in rows if x["later_fragment"]]
    c.equal(len(firsts), split, f"{what}: first fragments (MF/M set) = the {split} splits the summary names")
    c.equal(len(later), split, f"{what}: as many second fragments (offset > 0)")
    c.equal(sum(1 for x in rows if x["reassembled"]), split, f"{what}: tshark reassembles every pair from 2 fragments")
    bad = [x["frame.number"] for x in rows
           if "0" in (x["ip.checksum.status"], x["tcp.checksum.status"], x["udp.checksum.status"],
                      x["icmp.checksum.status"], x["icmpv6.checksum.status"])]
    c.equal(bad, [], f"{what}: no bad checksum, reassembled packets' TCP/UDP/ICMP checksums included")
    c.equal(sum(1 for x in rows if x["_ws.malformed"]), 0, f"{what}: no malformed frame")
    c.equal(sum(1 for x in firsts if not x["v6"] and x["ip.flags.df"] == "1"), 0, f"{what}: DF clear on IPv4 fragments")


# --- traffic mix --------------------------------------------------------------------------------
cap = os.path.join(d, "out.pcapng")
rep = os.path.join(d, "flows.csv")
r = run([binary, "gen", "--config", config, "--pcap", cap, "--report", rep])
c.equal(r.returncode, 0, f"gen with encapsulation and fragmentation exits 0 {r.stderr[-300:]}")
split_line = [line for line in r.stderr.splitlines() if "split in two IP fragments" in line]
split = int(split_line[0].split()[0]) if split_line else -1
rows = read_frames(cap)
report = read_report(rep)
c.check(len(rows) > 10000 and split > 500, f"{len(rows)} frames, {split} packets split")

stacks = collections.defaultdict(set)  # address pair -> stacks seen
for x in rows:
    stacks[x["pair"]].add((x["vlans"], x["labels"]))
c.equal(sum(1 for s in stacks.values() if len(s) != 1), 0, "every flow's frames carry one stack")
seen = collections.Counter(next(iter(s)) for s in stacks.values())
c.equal(set(seen) - set(VARIANTS), set(), f"only configured stacks appear: {dict(seen)}")
for stack, share in VARIANTS.items():
    want = share * len(stacks)
    c.check(abs(seen[stack] - want) <= 5 * (want * (1 - share)) ** 0.5,
            f"stack {stack}: {seen[stack]} of {len(stacks)} flows, about {want:.0f}")
bottoms_ok = all(x["bottoms"] == tuple(int(i == len(x["labels"]) - 1) for i in range(len(x["labels"]))) for x in rows)
c.check(bottoms_ok, "MPLS bottom-of-stack set on the last label only")

check_fragments(rows, split, "mix")
eligible = split + sum(1 for x in rows if x["l3"] >= 512 and not x["first_fragment"] and not x["later_fragment"])
c.check(abs(split / eligible - 0.2) < 0.03, f"{split} of {eligible} packets of >= 512 L3 bytes split ({split / eligible:.3f}, 0.2 asked)")
small = [x for x in rows if x["first_fragment"] and x["l3"] + 0 < 256]
c.equal(len(small), 0, "first fragments carry half of a packet of at least 512 bytes")
c.equal(sum(int(row["PACKETS"]) + int(row["PACKETS_REV"]) for row in report), len(rows),
        "report packets = frames on the wire (both fragments counted)")
c.equal(sum(int(row["BYTES"]) + int(row["BYTES_REV"]) for row in report), sum(x["l3"] for x in rows),
        "report L3 bytes = tshark's IP lengths summed")

# --- profile --------------------------------------------------------------------------------------
profile = os.path.join(d, "profile.csv")
with open(profile, "w") as f:
    f.write("START_TIME,END_TIME,L3_PROTO,L4_PROTO,SRC_PORT,DST_PORT,PACKETS,BYTES,PACKETS_REV,BYTES_REV\n")
    for i in range(60):
        v6 = i % 3 == 0
        f.write(f"{i * 10},{i * 10 + 500},{6 if v6 else 4},17,{40000 + i},5000,20,{20 * 900},10,{10 * 1200}\n")
pcap2 = os.path.join(d, "profile.pcapng")
rep2 = os.path.join(d, "profile-flows.csv")
r = run([binary, "gen", "--profile", profile, "--config", config, "--pcap", pcap2, "--report", rep2])
c.equal(r.returncode, 0, f"gen --profile with fragmentation exits 0 {r.stderr[-300:]}")
split_line = [line for line in r.stderr.splitlines() if "split in two IP fragments" in line]
split2 = int(split_line[0].split()[0]) if split_line else -1
rows2 = read_frames(pcap2)
check_fragments(rows2, split2, "profile")
v6_splits = sum(1 for x in rows2 if x["first_fragment"] and x["v6"])
c.equal(len(rows2), 60 * 30 + split2, "profile: frames = the profile's packets + one per split")
c.equal(sum(x["l3"] for x in rows2), 60 * (20 * 900 + 10 * 1200) + 20 * (split2 - v6_splits) + 56 * v6_splits,
        "profile: L3 bytes = the profile's + an IPv4 header per IPv4 split, IPv6 header and two fragment headers per IPv6 one")
report2 = read_report(rep2)
c.equal(sum(int(row["PACKETS"]) + int(row["PACKETS_REV"]) for row in report2), len(rows2),
        "profile: the report counts the frames written")
c.done()
