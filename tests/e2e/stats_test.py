# SPDX-License-Identifier: MIT
"""flowreplay stats: histograms in flow-models' csv_hist layout and the summary. The expected
histograms are computed here from the gen report's rows with flow-models' own binning rule
(bin width 1 << max(0, x.bit_length() - b)), duration (truncated ms, 0 for one packet) and rate
(8000 * octets / duration); the capture of the same run, its IPFIX export, its profile and an
nfdump-style CSV must give the same histograms where they carry the same information.
Usage: stats_test.py FLOWREPLAY
"""
import csv
import math
import os
import sys

from tshark_util import Checker, run, tmpdir

binary = sys.argv[1]
c = Checker("stats")
d = tmpdir()

cap = os.path.join(d, "g.pcapng")
report = os.path.join(d, "truth.csv")
ipfix = os.path.join(d, "g.ipfix")
r = run([binary, "gen", "-q", "--flows", "3000", "--pcap", cap, "--report", report, "--ipfix-file", ipfix])
c.equal(r.returncode, 0, "gen writes the capture, the report and the IPFIX file")


def one_way_flows(path, proto=None):
    """(packets, octets, first_ns, last_ns) of each direction with packets, from the report."""
    out = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if proto is not None and int(row["L4_PROTO"]) != proto:
                continue
            for p, b, s, e in (("PACKETS", "BYTES", "START_TIME_FWD", "END_TIME_FWD"),
                               ("PACKETS_REV", "BYTES_REV", "START_TIME_REV", "END_TIME_REV")):
                if int(row[p]) > 0:
                    out.append((int(row[p]), int(row[b]), int(row[s]), int(row[e])))
    return out


def duration_ms(flow):
    packets, _, first, last = flow
    return 0 if packets == 1 else last // 1_000_000 - first // 1_000_000


def rate(flow):
    dur = duration_ms(flow)
    return 0 if dur == 0 else 8000 * flow[1] / dur


def bin_of(x, b):
    """flow-models' bin_calc_log (bin_calc_one for b = 0)."""
    if b == 0:
        return x, x + 1
    width = 1 << max(0, int(x).bit_length() - b)
    lo = (x // width) * width
    return lo, lo + width


def expected_hist(flows, axis, b=12, columns=()):
    bins = {}
    for fl in flows:
        x = {"length": fl[0], "size": fl[1], "duration": duration_ms(fl), "rate": int(rate(fl))}[axis]
        lo, hi = bin_of(x, b)
        s = bins.setdefault(lo, [lo, hi, 0, 0, 0, 0, 0.0])
        s[2] += 1
        s[3] += fl[0]
        s[4] += fl[1]
        s[5] += duration_ms(fl)
        s[6] += rate(fl)
    header = ["bin_lo", "bin_hi", "flows_sum", "packets_sum", "octets_sum"] + [col + "_sum" for col in columns]
    rows = []
    for lo in sorted(bins):
        s = bins[lo]
        row = [str(v) for v in s[:5]]
        if "duration" in columns:
            row.append(str(s[5]))
        if "rate" in columns:
            row.append(str(int(s[6])))
        rows.append(",".join(row))
    return [",".join(header)] + rows


def stats(inputs, *extra):
    res = run([binary, "stats", "-q"] + list(extra) + list(inputs))
    return res, res.stdout.splitlines()


flows = one_way_flows(report)
c.check(len(flows) > 3000, f"the report has {len(flows)} one-way flows")

# The report against flow-models' rules computed here, every axis.
for axis in ("length", "size", "duration", "rate"):
    res, got = stats([report], "--by", axis)
    want = expected_hist(flows, axis)
    c.check(res.returncode == 0 and got == want, f"report, --by {axis}: {len(want) - 1} bins as flow-models bins them")
res, got = stats([report], "--by", "duration", "-c", "duration", "-c", "rate")
c.check(got == expected_hist(flows, "duration", columns=("duration", "rate")), "-c duration -c rate add the sums")
res, got = stats([report], "--by", "size", "--bin-exp", "0")
c.check(got == expected_hist(flows, "size", b=0), "--bin-exp 0: every size its own bin")
res, got = stats([report], "--by", "size", "--bin-exp", "4")
c.check(got == expected_hist(flows, "size", b=4), "--bin-exp 4: coarse logarithmic bins")
tcp = one_way_flows(report, proto=6)
res, got = stats([report], "--proto", "tcp")
c.check(got == expected_hist(tcp, "length") and len(tcp) < len(flows), f"--proto tcp keeps the {len(tcp)} TCP flows")

# The acceptance point: the capture of the same run gives the same histograms.
for axis in ("length", "size", "duration", "rate"):
    res_cap, got_cap = stats([cap], "--by", axis)
    _, got_rep = stats([report], "--by", axis)
    c.check(res_cap.returncode == 0 and got_cap == got_rep, f"capture, --by {axis}: the report's histogram ({res_cap.stderr.strip()})")

# IPFIX export and the profile carry packets and bytes per direction (their times differ).
for label, path in (("IPFIX file", ipfix),):
    for axis in ("length", "size"):
        res, got = stats([path], "--by", axis)
        c.check(res.returncode == 0 and got == expected_hist(flows, axis), f"{label}, --by {axis}: the report's histogram")
profile = os.path.join(d, "p.csv.gz")
run([binary, "profile", "-q", "-z", cap, "-o", profile])
for axis in ("length", "size"):
    res, got = stats([profile], "--by", axis)
    c.check(res.returncode == 0 and got == expected_hist(flows, axis), f"gzip'd profile, --by {axis}: the report's histogram")

# flow-models' binary columns (profile --format flow-models): read here with Python's array module,
# as flow-models reads them, and by stats, which must give the capture's histograms on every axis.
import array  # noqa: E402
import ipaddress  # noqa: E402
binary_dir = os.path.join(d, "fm")
r = run([binary, "profile", "-q", cap, "--format", "flow-models", "-o", binary_dir])
c.equal(r.returncode, 0, f"profile --format flow-models: exit 0 ({r.stderr.strip()})")


def column(name, code):
    a = array.array(code)
    with open(os.path.join(binary_dir, f"{name}.{code}"), "rb") as f:
        a.frombytes(f.read())
    return list(a)


packets, octets, af, prot = column("packets", "Q"), column("octets", "Q"), column("af", "B"), column("prot", "B")
words = list(zip(*(column(f"sa{i}", "I") for i in range(4))))
c.check(sorted(zip(packets, octets)) == sorted((fl[0], fl[1]) for fl in flows),
        f"flow-models binary: {len(packets)} one-way records with the report's packets and bytes per direction")


def as_words(text):
    """(af, sa0, sa1, sa2, sa3) as nfdump's pipe output gives an address: IPv4 in the last word."""
    a = ipaddress.ip_address(text)
    if a.version == 4:
        return (2, 0, 0, 0, int(a))
    n = int(a)
    return (10,) + tuple((n >> (96 - 32 * i)) & 0xFFFFFFFF for i in range(4))


sources = []
with open(report, newline="") as f:
    for row in csv.DictReader(f):
        if int(row["PACKETS"]) > 0:
            sources.append(as_words(row["SRC_IP"]))
        if int(row["PACKETS_REV"]) > 0:
            sources.append(as_words(row["DST_IP"]))
c.check(sorted((a,) + w for a, w in zip(af, words)) == sorted(sources) and {2, 10} <= set(af),
        "af 2 or 10 and each record's source address in sa0..sa3 (IPv4 in sa3), as nfdump's pipe output")
c.check(set(prot) == {int(row["L4_PROTO"]) for row in csv.DictReader(open(report, newline=""))}, "prot: the report's protocols")
for axis in ("length", "size", "duration", "rate"):
    res, got = stats([binary_dir], "--by", axis)
    _, want = stats([cap], "--by", axis)
    c.check(res.returncode == 0 and got == want, f"stats of the flow-models directory, --by {axis}: the capture's histogram")
os.rename(os.path.join(binary_dir, "sa0.I"), os.path.join(binary_dir, "_sa0.I"))  # flow-models 1.x's key-field names
res, got = stats([binary_dir])
c.check(res.returncode == 0 and got == expected_hist(flows, "length"), "an underscored key field (_sa0.I) reads the same")
os.remove(os.path.join(binary_dir, "octets.Q"))
res = run([binary, "stats", binary_dir, "--format", "flow-models"])
c.check(res.returncode == 1 and "octets.Q" in res.stderr, f"a directory without octets.Q: exit 1 naming it ({res.stderr.strip()})")

# Several inputs make one histogram.
res, got = stats([report, report])
doubled = expected_hist(flows + flows, "length")
c.check(got == doubled, "two inputs: one histogram of both")

# --unit biflow: one flow per report row, both directions together.
bi = []
with open(report, newline="") as f:
    for row in csv.DictReader(f):
        bi.append((int(row["PACKETS"]) + int(row["PACKETS_REV"]), int(row["BYTES"]) + int(row["BYTES_REV"]),
                   int(row["START_TIME"]), int(row["END_TIME"])))
res, got = stats([report], "--unit", "biflow", "--by", "size")
c.check(got == expected_hist(bi, "size"), f"--unit biflow: {len(bi)} biflows")

# The summary: quantiles and the top 1 % share from the sorted values.
summary = os.path.join(d, "summary.csv")
res, _ = stats([report], "--by", "length", "--summary", summary)
with open(summary) as f:
    got = dict(line.split(",", 1) for line in f.read().splitlines()[1:])
lengths = sorted(fl[0] for fl in flows)
n = len(lengths)
c.equal(int(got["flows"]), n, "summary: flows")
c.equal(int(got["packets"]), sum(lengths), "summary: packets")
c.equal(int(got["octets"]), sum(fl[1] for fl in flows), "summary: octets")
for name, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p99.9", 0.999)):
    want = bin_of(lengths[max(1, math.ceil(q * n - 1e-9)) - 1], 12)[0]
    c.equal(int(got[name]), want, f"summary: {name}")
c.check(abs(float(got["mean"]) - sum(lengths) / n) < 1e-4 * sum(lengths) / n, "summary: mean")
top = n / 100
# Within the boundary bin the share is pro rata: take whole bins from the top, then a fraction.
bins = {}
for fl in flows:
    lo = bin_of(fl[0], 12)[0]
    s = bins.setdefault(lo, [0, 0])
    s[0] += 1
    s[1] += fl[1]
left, top_octets = top, 0.0
for lo in sorted(bins, reverse=True):
    if left <= 0:
        break
    take = min(bins[lo][0], left)
    top_octets += bins[lo][1] * take / bins[lo][0]
    left -= take
c.check(abs(float(got["top1_octets_share"]) - top_octets / sum(fl[1] for fl in flows)) < 2e-6, "summary: top 1 % share of bytes")
res = run([binary, "stats", report])
c.check("p50" in res.stderr and "top 1 %" in res.stderr, "a summary on stderr without -q")

# nfdump -o csv text (one-way records, ms times).
nf = os.path.join(d, "nf.csv")
with open(nf, "w") as f:
    f.write("ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt\n")
    f.write("2026-12-05 10:00:00.000,2026-12-05 10:00:00.250,0.250,10.0.0.1,10.0.0.2,1234,80,TCP,......,0,0,10,5000,0,0\n")
    f.write("2026-12-05 10:00:01.000,2026-12-05 10:00:01.000,0.000,10.0.0.3,10.0.0.2,53,53,UDP,......,0,0,1,80,0,0\n")
    f.write("Summary\n")
res, got = stats([nf], "--by", "duration", "-c", "rate")
c.check(got == ["bin_lo,bin_hi,flows_sum,packets_sum,octets_sum,rate_sum", "0,1,1,1,80,0", "250,251,1,10,5000,160000"],
        f"nfdump CSV: durations and rate from its ms times ({got})")

# Bad input: clear messages and exit codes.
res = run([binary, "stats", "--by", "bytes", report])
c.check(res.returncode == 2 and "--by" in res.stderr, "--by bytes: exit 2 naming the option")
res = run([binary, "stats", os.path.join(d, "missing.pcap")])
c.check(res.returncode == 1 and "missing.pcap" in res.stderr, "a missing input: exit 1 naming it")
junk = os.path.join(d, "junk.bin")
with open(junk, "wb") as f:
    f.write(bytes(range(256)) * 4)
res = run([binary, "stats", junk])
c.check(res.returncode == 1 and "junk.bin: not a pcap/pcapng capture, an IPFIX file" in res.stderr,
        f"a file of no known format: exit 1 naming what it could be ({res.stderr.strip()})")
bad = os.path.join(d, "bad.csv")
with open(bad, "w") as f:
    f.write("START_TIME,END_TIME,L3_PROTO,L4_PROTO,SRC_PORT,DST_PORT,PACKETS,BYTES,PACKETS_REV,BYTES_REV\n")
    f.write("0,1,4,6,1,2,3,120,x,0\n")
res = run([binary, "stats", bad])
c.check(res.returncode == 2 and "bad.csv:2" in res.stderr, f"a bad profile row: file:line ({res.stderr.strip()})")
empty = os.path.join(d, "empty.csv")
with open(empty, "w") as f:
    f.write("START_TIME,END_TIME,L3_PROTO,L4_PROTO,SRC_PORT,DST_PORT,PACKETS,BYTES,PACKETS_REV,BYTES_REV\n")
res, got = stats([empty])
c.check(res.returncode == 0 and got == ["bin_lo,bin_hi,flows_sum,packets_sum,octets_sum"], "an empty profile: header only, exit 0")
out = os.path.join(d, "h.csv")
res = run([binary, "stats", "-q", report, "-o", out])
with open(out) as f:
    c.check(res.returncode == 0 and f.read().splitlines() == expected_hist(flows, "length"), "-o writes the file")
c.check(not os.path.exists(out + ".partial"), "no .partial left behind")
c.done()
