# SPDX-License-Identifier: MIT
"""flowreplay profile from flow records, as ft-profiler: an IPFIX file of one-way records (and of
biflows), an IPFIX file whose long flows an active timeout cut, and nfcapd's records read with
nfdump, each merged into the same biflow records the capture's own profile has; -z output;
the --memory bound.
Usage: profile_records_test.py FLOWREPLAY
"""
import gzip
import os
import sys

from flow_records import nfcapd_collect, nfdump_csv
from tshark_util import Checker, run, tmpdir

binary = sys.argv[1]
c = Checker("profile_records")
d = tmpdir()


def counts(path, opener=open):
    """Profile rows without the times (whose origin and precision differ by input)."""
    with opener(path, "rt") as f:
        return sorted(",".join(line.split(",")[2:]) for line in f.read().splitlines()[1:])


cap = os.path.join(d, "g.pcapng")
run([binary, "gen", "-q", "--flows", "3000", "--pcap", cap])
truth = os.path.join(d, "from-capture.csv")
run([binary, "profile", "-q", cap, "-o", truth])
want = counts(truth)

for label, extra, cut in (("one-way IPFIX records", [], []), ("biflow IPFIX records", ["--biflow"], []),
                          ("records an active timeout of 5 s cut", [], ["--active-timeout", "5s"])):
    ipfix = os.path.join(d, "flows.ipfix")
    r = run([binary, "export", "-q", cap, "--ipfix-file", ipfix] + extra + cut)
    out = os.path.join(d, "from-records.csv")
    r = run([binary, "profile", ipfix, "-o", out] + cut)
    got = counts(out)
    c.check(r.returncode == 0 and got == want,
            f"{label}: merged into the capture's {len(want)} biflow records ({len(got)} rows; {r.stderr.strip()})")

# nfcapd's store, read with nfdump -o csv.
nfcapd_file = nfcapd_collect(
    d, lambda port: run([binary, "export", "-q", cap, "--ipfix", f"udp://127.0.0.1:{port}", "--rate", "20000"]))
nf = os.path.join(d, "nfdump.csv")
nfdump_csv(nfcapd_file, nf)
out = os.path.join(d, "from-nfdump.csv")
r = run([binary, "profile", nf, "-o", out])
got = counts(out)
c.check(r.returncode == 0 and got == want, f"nfdump -o csv of nfcapd's records: the same {len(want)} records ({r.stderr.strip()})")

# -z: gzip output that gen --profile reads as it is.
z = os.path.join(d, "p.csv.gz")
r = run([binary, "profile", "-q", "-z", cap, "-o", z])
with open(z, "rb") as f:
    magic = f.read(2)
c.check(r.returncode == 0 and magic == b"\x1f\x8b" and counts(z, gzip.open) == want, "-z writes a gzip file with the same rows")
r = run([binary, "gen", "-q", "--profile", z, "--pcap", os.path.join(d, "from-gz.pcapng")])
c.equal(r.returncode, 0, "gen --profile reads the gzip'd profile")

# --memory: a cache of 1 MiB holds 4 096 flows; 6 000 flows cached at once overflow it.
cap2 = os.path.join(d, "many.pcapng")
run([binary, "gen", "-q", "--flows", "6000", "--pcap", cap2])
ipfix = os.path.join(d, "many.ipfix")
run([binary, "export", "-q", cap2, "--ipfix-file", ipfix])
r = run([binary, "profile", ipfix, "--memory", "1", "-o", os.path.join(d, "many.csv")])
c.check(r.returncode == 0 and "written early when the --memory cache was full" in r.stderr,
        f"--memory 1: the cache bound holds and the early writes are counted ({r.stderr.strip()})")
c.done()
