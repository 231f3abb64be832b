# SPDX-License-Identifier: MIT
"""--shard K/N: the N shards' outputs together are the whole output, exactly, for N = 1, 2 and 7.
features: every mode, and each row lies in the shard that docs/cli.md's hash names, computed
here: FNV-1a 64 over the lower endpoint, the higher endpoint (address bytes, then the port as two
big-endian bytes; endpoints ordered by address bytes, then port) and the protocol number, of the
meter's key (ICMP in corrected mode: the echo identifier, shown as Src Port, on both sides).
profile: the rows (same time zero in every shard); export: the IPFIX records as ipfixDump reads
them, with their flowEndReason. gen --shard: the run's flows K, K+N, ..., reports and frames exactly the
whole run's (with fragments); from a profile likewise.
Usage: shard_test.py FLOWREPLAY SOURCE_DIR
"""
import collections
import csv
import io
import ipaddress
import os
import struct
import sys

from flow_records import ipfixdump_records
from tshark_util import Checker, run, tmpdir

binary, source = sys.argv[1], sys.argv[2]
c = Checker("shard")
d = tmpdir()


def fnv1a(data):
    h = 0xcbf29ce484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def shard_of(row, mode, n):
    proto = int(row["Protocol"])
    sport, dport = int(row["Src Port"]), int(row["Dst Port"])
    if mode == "corrected" and proto in (1, 58):
        dport = sport  # keyed by the echo identifier on both sides
    ends = sorted([(ipaddress.ip_address(row["Src IP"]).packed, sport), (ipaddress.ip_address(row["Dst IP"]).packed, dport)])
    data = b"".join(addr + port.to_bytes(2, "big") for addr, port in ends) + bytes([proto])
    return fnv1a(data) % n


def rows(args):
    r = run([binary, "features", "-q", *args])
    if r.returncode != 0:
        raise AssertionError(f"features {args} failed: {r.stderr}")
    lines = r.stdout.splitlines()
    return lines[0], lines[1:]


for config, name in ((None, "default mix"), (os.path.join(source, "configs", "ipv6-vlan.yaml"), "ipv6-vlan")):
    cap = os.path.join(d, "g.pcapng")
    cfg = ["--config", config] if config else []
    r = run([binary, "gen", "-q", "--flows", "2000", "--seed", "5", *cfg, "--pcap", cap])
    c.equal(r.returncode, 0, f"{name}: gen writes the capture")
    for mode in ("head", "2020", "2018", "corrected"):
        header, whole = rows(["--cic", mode, cap])
        c.check(len(whole) > 500, f"{name}, {mode}: {len(whole)} rows in the whole")
        for n in (1, 2, 7):
            union, misplaced, sizes = [], 0, []
            for k in range(n):
                h, part = rows(["--cic", mode, "--shard", f"{k}/{n}", cap])
                if h != header:
                    raise AssertionError("a shard's header differs")
                sizes.append(len(part))
                union += part
                for row in csv.DictReader(io.StringIO("\n".join([h] + part))):
                    misplaced += shard_of(row, mode, n) != k
            c.check(sorted(union) == sorted(whole),
                    f"{name}, {mode}: the {n} shards together are the whole ({len(union)} rows against {len(whole)})")
            c.equal(misplaced, 0, f"{name}, {mode}, N={n}: every row is in the shard the documented hash names")
            if n == 7:
                c.check(min(sizes) > len(whole) / 7 / 2, f"{name}, {mode}: 7 shards are balanced ({sizes})")

cap = os.path.join(d, "g.pcapng")  # the ipv6-vlan capture
for n in (1, 2, 7):
    whole = run([binary, "profile", "-q", cap, "-o", "-"]).stdout.splitlines()
    union = []
    for k in range(n):
        r = run([binary, "profile", "-q", "--shard", f"{k}/{n}", cap, "-o", "-"])
        c.equal(r.returncode, 0, f"profile --shard {k}/{n} runs")
        union += r.stdout.splitlines()[1:]
    c.check(len(whole) > 1000 and sorted(union) == sorted(whole[1:]),
            f"profile: the {n} shards' rows together are the whole's ({len(union)} against {len(whole) - 1})")
    ipfix = os.path.join(d, "whole.ipfix")
    run([binary, "export", "-q", cap, "--ipfix-file", ipfix, "--inactive-timeout", "50ms"])
    want = ipfixdump_records(ipfix, ("flowEndReason",))
    got = collections.Counter()
    for k in range(n):
        part = os.path.join(d, f"shard{k}.ipfix")
        r = run([binary, "export", "-q", "--shard", f"{k}/{n}", cap, "--ipfix-file", part, "--inactive-timeout", "50ms"])
        c.equal(r.returncode, 0, f"export --shard {k}/{n} runs")
        got += ipfixdump_records(part, ("flowEndReason",))
    reasons = collections.Counter(key[-1] for key in want.elements())
    c.check(sum(want.values()) > 1000 and len(reasons) >= 2 and got == want,
            f"export: the {n} shards' IPFIX records, end reasons included ({dict(reasons)}), are the whole's")
r = run([binary, "profile", "-q", "--shard", "0/2", os.path.join(d, "whole.ipfix")])
c.check(r.returncode == 2 and "--shard applies to captures" in r.stderr, "profile --shard of flow records is refused")

# gen --shard K/N: the run's flows K, K+N, ... in start order, byte for byte as the whole run
# writes them (every flow is still planned and takes its time on the shared link), so the N
# shards' frames and report rows together are exactly the whole run's.
def report(args):
    out = os.path.join(d, "r.csv")
    r = run([binary, "gen", "-q", *args, "--report", out])
    if r.returncode != 0:
        raise AssertionError(f"gen {args} failed: {r.stderr}")
    with open(out) as f:
        return {(x["SRC_IP"], x["SRC_PORT"], x["DST_IP"], x["DST_PORT"], x["L4_PROTO"]): x for x in csv.DictReader(f)}


def frames(args):
    """The (time, bytes) of each frame gen writes, read from a classic ns pcap here."""
    out = os.path.join(d, "f.pcap")
    r = run([binary, "gen", "-q", *args, "--pcap", out])
    if r.returncode != 0:
        raise AssertionError(f"gen {args} failed: {r.stderr}")
    with open(out, "rb") as f:
        data = f.read()
    got, off = [], 24
    while off < len(data):
        sec, frac, caplen, _ = struct.unpack_from("<IIII", data, off)
        got.append((sec * 10**9 + frac, data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return got


for cfg_name in ("ipv6-vlan.yaml", "mpls-fragments.yaml"):
    args = ["--config", os.path.join(source, "configs", cfg_name), "--flows", "2000", "--seed", "5"]
    whole = report(args)
    whole_frames = sorted(frames(args))
    protos = collections.Counter(k[4] for k in whole)
    # The flows' order of start: by START_TIME (the report is in end order).
    by_start = sorted(whole, key=lambda key: int(whole[key]["START_TIME"]))
    for n in (2, 7):
        union, union_frames, misplaced = {}, [], 0
        for k in range(n):
            part = report([*args, "--shard", f"{k}/{n}"])
            misplaced += sum(1 for key in part if key not in set(by_start[k::n]))
            union.update(part)
            union_frames += frames([*args, "--shard", f"{k}/{n}"])
        c.check(len(whole) == 2000 and union == whole,
                f"gen --shard, {cfg_name}, N={n}: the shards' report rows are the whole run's, exactly ({dict(protos)})")
        c.equal(misplaced, 0, f"gen --shard, {cfg_name}, N={n}: shard K holds the run's flows K, K+N, ... in start order")
        c.check(len(whole_frames) > 40000 and sorted(union_frames) == whole_frames,
                f"gen --shard, {cfg_name}, N={n}: the shards' frames are the whole run's, byte for byte ({len(union_frames)})")

prof = os.path.join(d, "v6.profile.csv")
run([binary, "profile", "-q", "--addresses", "--time-decimals", "6", cap, "-o", prof])
exact = report(["--profile", prof])
union = {}
for k in range(3):
    union.update(report(["--profile", prof, "--shard", f"{k}/3"]))
c.check(len(exact) > 1000 and union == exact, f"gen --profile --shard: the 3 shards' report rows are the whole's, exactly ({len(union)})")

for bad in ("2/2", "1", "-1/2", "1/0", "a/b", "0/70000", "/2", "1/"):
    r = run([binary, "features", "-q", "--shard", bad, os.path.join(d, "g.pcapng")])
    c.check(r.returncode == 2 and "--shard expects K/N" in r.stderr, f"--shard {bad!r} is refused with exit 2")
c.done()
