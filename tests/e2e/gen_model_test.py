# SPDX-License-Identifier: MIT
"""flowreplay gen --model: flow lengths drawn from the shipped agh_2015 mixtures. The model's CDF is
computed here from its JSON (scipy's uniform and lognorm written out with math.erfc), and the
report's per-direction packet counts are checked against it (Kolmogorov-Smirnov distance) and
against the data set's published checkpoints (P(1 packet) 47.83 %, p90 15-16, p99 421-428);
bytes per packet against the averages the models spec computed; the capture of a run, metered
by `stats`, against its report; --profile-out through gen --profile; errors.
Usage: gen_model_test.py FLOWREPLAY SOURCE_DIR
"""
import csv
import math
import os
import sys

from mixture_cdf import ks_distance, load_cdf
from tshark_util import Checker, run, tmpdir

binary, source = sys.argv[1], sys.argv[2]
models = os.path.join(source, "configs", "models", "agh_2015")
c = Checker("gen_model")
d = tmpdir()


def directions(report):
    """(packets, L3 bytes) of every direction with packets."""
    out = []
    with open(report, newline="") as f:
        for row in csv.DictReader(f):
            for p, b in (("PACKETS", "BYTES"), ("PACKETS_REV", "BYTES_REV")):
                if int(row[p]) > 0:
                    out.append((int(row[p]), int(row[b])))
    return out


# 30 000 flows, every protocol from the all/ model: 60 000 one-way draws.
report = os.path.join(d, "truth.csv")
r = run([binary, "gen", "--model", os.path.join(models, "all"), "--flows", "30000", "--seed", "11", "--report", report])
c.check(r.returncode == 0 and "0 of them adjusted" in r.stderr, f"gen --model all: exit 0, nothing adjusted ({r.stderr.strip()})")
dirs = directions(report)
lengths = sorted(p for p, _ in dirs)
n = len(lengths)
c.equal(n, 60000, "every flow has two directions, each one draw")
_, cdf = load_cdf(os.path.join(models, "all", "length", "flows.json"))
ks = ks_distance(lengths, cdf)
c.check(ks < 0.01, f"Kolmogorov-Smirnov distance to the model's CDF {ks:.4f} < 0.01")


def quantile(q):
    return lengths[max(1, math.ceil(q * n)) - 1]


p1 = sum(1 for v in lengths if v == 1) / n
c.check(abs(p1 - 0.4783) < 0.015, f"P(1 packet) {100 * p1:.2f} % (data set 47.83 %)")
c.check(15 <= quantile(0.9) <= 17, f"p90 {quantile(0.9)} (data set 15, model 16)")
c.check(360 <= quantile(0.99) <= 500, f"p99 {quantile(0.99)} (data set 421, model 428)")
c.check(abs(sum(1 for v in lengths if v <= 16) / n - 0.9058) < 0.015, "P(<= 16 packets) near the data set's 90.58 %")

# Bytes: the model's average frame (Ethernet with FCS) at a length, less 18 bytes a packet for L3.
for length, frame in ((1, 150), (10, 257)):
    sizes = [b / p + 18 for p, b in dirs if p == length]
    mean = sum(sizes) / len(sizes)
    c.check(abs(mean - frame) < 0.02 * frame, f"{len(sizes)} directions of {length} packets: mean frame {mean:.1f} B (model {frame} B)")

# --model-by size: each direction's frame bytes (L3 bytes + 18 a packet) are the draw from the size
# model, raised to 64 as flow-models does: P(size <= n) is 0 below 64 and the model's CDF from 64.
# IPv6 directions are left out: their 64-byte frames are below IPv6's headers and get raised.
sized = os.path.join(d, "sized.csv")
r = run([binary, "gen", "--model", os.path.join(models, "all"), "--model-by", "size", "--flows", "30000", "--seed", "11",
         "--report", sized])
c.check(r.returncode == 0 and "size model" in r.stderr, f"--model-by size: exit 0 ({r.stderr.strip()[-160:]})")
sizes, per_packet = [], []
with open(sized, newline="") as f:
    for row in csv.DictReader(f):
        if ":" in row["SRC_IP"]:
            continue
        for p, b in (("PACKETS", "BYTES"), ("PACKETS_REV", "BYTES_REV")):
            if int(row[p]) > 0:
                sizes.append(int(row[b]) + 18 * int(row[p]))
                per_packet.append(sizes[-1] / int(row[p]))
_, size_cdf = load_cdf(os.path.join(models, "all", "size", "flows.json"))
ks = ks_distance(sizes, lambda n: 0.0 if n < 64 else size_cdf(n))
c.check(len(sizes) > 50000 and ks < 0.01, f"--model-by size: {len(sizes)} IPv4 directions, KS distance to the size model {ks:.4f} < 0.01")
c.check(min(per_packet) >= 64 and max(per_packet) <= 1518, f"--model-by size: frames of 64 to 1518 bytes on average ({min(per_packet):.0f}-{max(per_packet):.0f})")

# Per protocol (the default mix: TCP, UDP and ICMP flows): TCP draws from tcp/, UDP from udp/.
report2 = os.path.join(d, "per-proto.csv")
r = run([binary, "gen", "-q", "--model", models, "--flows", "8000", "--seed", "2", "--report", report2])
by_proto = {6: [], 17: []}
with open(report2, newline="") as f:
    for row in csv.DictReader(f):
        if int(row["L4_PROTO"]) in by_proto:
            by_proto[int(row["L4_PROTO"])] += [int(row["PACKETS"]), int(row["PACKETS_REV"])]
for proto, name, share in ((6, "tcp", 0.2657), (17, "udp", 0.7209)):
    got = sum(1 for v in by_proto[proto] if v == 1) / len(by_proto[proto])
    c.check(abs(got - share) < 0.04, f"{name} directions: P(1 packet) {100 * got:.1f} % (agh_2015 {name} {100 * share:.2f} %)")

# The capture of a run holds what the report says, metered back by stats.
cap = os.path.join(d, "m.pcapng")
small = os.path.join(d, "small.csv")
r = run([binary, "gen", "-q", "--model", models, "--flows", "300", "--seed", "4", "--pcap", cap, "--report", small,
         "--profile-out", os.path.join(d, "drawn.csv")])
c.equal(r.returncode, 0, "gen --model --pcap --profile-out: exit 0")
from_cap = run([binary, "stats", "-q", "-b", "0", cap]).stdout
from_rep = run([binary, "stats", "-q", "-b", "0", small]).stdout
c.check(from_cap == from_rep and from_cap.count("\n") > 20, "stats of the capture equal stats of the report (exact bins)")
for axis in ("size", "duration"):
    a = run([binary, "stats", "-q", "--by", axis, cap]).stdout
    b = run([binary, "stats", "-q", "--by", axis, small]).stdout
    c.check(a == b, f"--by {axis}: capture and report agree")

# --profile-out: gen --profile turns the drawn records back into the same counts.
again = os.path.join(d, "again.csv")
r = run([binary, "gen", "-q", "--profile", os.path.join(d, "drawn.csv"), "--report", again])


def counts(path):
    with open(path, newline="") as f:
        return sorted((row["L4_PROTO"], row["PACKETS"], row["BYTES"], row["PACKETS_REV"], row["BYTES_REV"]) for row in csv.DictReader(f))


c.check(r.returncode == 0 and counts(again) == counts(small), "--profile-out, then gen --profile: the same flows' counts")

# Errors.
r = run([binary, "gen", "--model", os.path.join(d, "nowhere"), "--flows", "3", "--report", os.devnull])
c.check(r.returncode == 2 and "nowhere" in r.stderr, "a missing model: exit 2 naming it")
r = run([binary, "gen", "--model", d, "--flows", "3", "--report", os.devnull])
c.check(r.returncode == 1 and "no all/length/flows.json" in r.stderr, f"a directory without models: exit 1 ({r.stderr.strip()})")
bad = os.path.join(d, "bad")
os.makedirs(bad)
for name in ("flows", "packets", "octets"):
    with open(os.path.join(bad, name + ".json"), "w") as f:
        f.write('{"sum": 10, "mix": [[1, "gamma", [1, 0, 2]]]}\n' if name == "flows" else '{"sum": 10, "mix": [[1, "uniform", [0, 1]]]}\n')
r = run([binary, "gen", "--model", bad, "--flows", "3", "--report", os.devnull])
c.check(r.returncode == 2 and "flows.json:1:25: unknown distribution 'gamma'" in r.stderr, f"a bad model: file:line:column ({r.stderr.strip()})")
r = run([binary, "gen", "--model", models, "--profile", report, "--report", os.devnull])
c.check(r.returncode == 2 and "--profile and --model" in r.stderr, "--model with --profile: exit 2")
c.done()
