# SPDX-License-Identifier: MIT
"""flowreplay profile: a gen capture's flows as a FlowTest profile. Every expected row comes from
gen's ground-truth report (itself checked against tshark in gen_capture_test.py): times become
milliseconds from the capture's first packet, ports 0 unless TCP or UDP.
Usage: profile_test.py FLOWREPLAY
"""
import collections
import csv
import os
import sys

from tshark_util import Checker, read_report, run, tmpdir

binary = sys.argv[1]
c = Checker("profile")
d = tmpdir()
HEADER = ["START_TIME", "END_TIME", "L3_PROTO", "L4_PROTO", "SRC_PORT", "DST_PORT", "PACKETS", "BYTES",
          "PACKETS_REV", "BYTES_REV"]

cap = os.path.join(d, "trace.pcapng")
rep = os.path.join(d, "truth.csv")
r = run([binary, "gen", "-q", "--flows", "3000", "--seed", "11", "--pcap", cap, "--report", rep])
c.equal(r.returncode, 0, "gen exits 0")
report = read_report(rep)
t0 = min(int(x["START_TIME"]) for x in report)  # the capture's first packet opens the first flow


def expected(with_addresses):
    out = collections.Counter()
    for x in report:
        tcp_udp = x["L4_PROTO"] in ("6", "17")
        row = ((x["SRC_IP"], x["DST_IP"]) if with_addresses else ()) + (
            str((int(x["START_TIME"]) - t0) // 10**6), str((int(x["END_TIME"]) - t0) // 10**6), x["L3_PROTO"],
            x["L4_PROTO"], x["SRC_PORT"] if tcp_udp else "0", x["DST_PORT"] if tcp_udp else "0", x["PACKETS"],
            x["BYTES"], x["PACKETS_REV"], x["BYTES_REV"])
        out[row] += 1
    return out


def read_profile(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], collections.Counter(tuple(x) for x in rows[1:])


prof = os.path.join(d, "profile.csv")
r = run([binary, "profile", cap, "-o", prof])
c.equal(r.returncode, 0, "profile exits 0")
c.check("3000 flow records" in r.stderr, f"profile prints a summary ({r.stderr.strip()})")
header, got = read_profile(prof)
c.equal(header, HEADER, "the FlowTest profile columns, in order")
want = expected(False)
c.check(got == want, f"one row per report flow, equal in every column ({sum(got.values())} rows, "
                     f"{sum((got - want).values())} unexpected, {sum((want - got).values())} missing)")

r = run([binary, "profile", "-", "--addresses"], stdin=open(cap, "rb"))
lines = r.stdout.splitlines()
got = collections.Counter(tuple(x) for x in csv.reader(lines[1:]))
c.check(r.returncode == 0 and lines[0].split(",") == ["SRC_IP", "DST_IP"] + HEADER and got == expected(True),
        "--addresses from stdin: SRC_IP and DST_IP first, every row equal to the report")

# An active timeout cuts long flows into several records; their counters add up to the flow's.
r = run([binary, "profile", cap, "-q", "--active-timeout", "200ms"])
rows = list(csv.DictReader(r.stdout.splitlines()))
long_flows = sum(1 for x in report if int(x["END_TIME"]) - int(x["START_TIME"]) > 200 * 10**6)
total = collections.Counter()
for x in rows:
    for k in ("PACKETS", "BYTES", "PACKETS_REV", "BYTES_REV"):
        total[k] += int(x[k])
truth = collections.Counter()
for x in report:
    for k in ("PACKETS", "BYTES", "PACKETS_REV", "BYTES_REV"):
        truth[k] += int(x[k])
c.check(r.returncode == 0 and long_flows > 0 and len(rows) >= len(report) + long_flows and total == truth,
        f"--active-timeout 200ms: {len(rows)} records for {len(report)} flows ({long_flows} longer than 200 ms), "
        "same packet and byte totals")

# Bad input: a truncated capture keeps what was read, warns and exits 1; bad options exit 2.
cut = os.path.join(d, "cut.pcapng")
with open(cap, "rb") as f, open(cut, "wb") as g:
    g.write(f.read(os.path.getsize(cap) // 2 + 7))
r = run([binary, "profile", cut, "-o", os.path.join(d, "cut.csv")])
c.check(r.returncode == 1 and "warning" in r.stderr and os.path.getsize(os.path.join(d, "cut.csv")) > 100,
        f"truncated capture: warning, exit 1, the flows read so far written ({r.stderr.strip().splitlines()[0]})")
r = run([binary, "profile", cap, "--inactive-timeout", "soon"])
c.check(r.returncode == 2 and "--inactive-timeout" in r.stderr, f"a bad timeout -> exit 2 ({r.stderr.strip()})")
r = run([binary, "profile", os.path.join(d, "missing.pcap")])
c.check(r.returncode == 1 and "missing.pcap" in r.stderr, f"a missing capture -> exit 1 ({r.stderr.strip()})")
c.done()
