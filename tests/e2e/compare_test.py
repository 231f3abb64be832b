# SPDX-License-Identifier: MIT
"""flowreplay compare: a gen run exported over IPFIX to nfcapd, read back with nfdump, passes
against gen's report; the same from an IPFIX file; a deliberately damaged flow file (one record
dropped, one added, one byte count changed, one flow split by a timeout) gives exactly those
verdicts; statistical mode; bad inputs.
Usage: compare_test.py FLOWREPLAY
"""
import csv
import os
import sys

from flow_records import nfcapd_collect, nfdump_csv
from tshark_util import Checker, run, tmpdir

binary = sys.argv[1]
c = Checker("compare")
d = tmpdir()


def summary_counts(text):
    for line in text.splitlines():
        if "one-way flows:" in line and "ok," in line:
            words = line.replace(",", "").replace(";", "").split()
            return {w: int(words[i - 1]) for i, w in enumerate(words) if w in ("ok", "missing", "unexpected", "incorrect")}
    return {}


# 1. gen -> IPFIX over UDP -> nfcapd -> nfdump -o csv -> compare with the report.
truth = os.path.join(d, "truth.csv")
ipfix_file = os.path.join(d, "flows.ipfix")
sent = {}


def send(port):
    sent["gen"] = run([binary, "gen", "-q", "--flows", "400", "--report", truth, "--ipfix", f"udp://127.0.0.1:{port}",
                       "--ipfix-file", ipfix_file, "--rate", "20000"])


nfcapd_file = nfcapd_collect(d, send)
c.equal(sent["gen"].returncode, 0, "gen exports 400 flows over IPFIX/UDP and into a file")
c.check(nfcapd_file is not None, "nfcapd wrote its file")
probe_csv = os.path.join(d, "probe.csv")
nfdump_csv(nfcapd_file, probe_csv)
r = run([binary, "compare", "--reference", truth, "--flows", probe_csv, "--report", os.path.join(d, "v1.csv")])
n = summary_counts(r.stdout)
with open(truth) as f:
    rows = list(csv.DictReader(f))
one_way = sum((int(x["PACKETS"]) > 0) + (int(x["PACKETS_REV"]) > 0) for x in rows)
c.check(r.returncode == 0 and n == {"ok": one_way, "missing": 0, "unexpected": 0, "incorrect": 0},
        f"nfcapd's records pass against the report: {one_way} one-way flows ok ({n}, exit {r.returncode})")
with open(os.path.join(d, "v1.csv")) as f:
    verdicts = list(csv.DictReader(f))
c.check(len(verdicts) == one_way and all(v["VERDICT"] == "ok" for v in verdicts), "--report has one ok row per one-way flow")

# 2. The IPFIX file of the same run.
r = run([binary, "compare", "--reference", truth, "--flows", ipfix_file])
n = summary_counts(r.stdout)
c.check(r.returncode == 0 and n.get("ok") == one_way and n.get("incorrect") == 0, f"the IPFIX file passes ({n})")

# 3. A damaged flow file: the report cut into one-way rows (per-direction times), then damaged.
header = "SRC_IP,DST_IP,SRC_PORT,DST_PORT,L3_PROTO,L4_PROTO,START_TIME,END_TIME,PACKETS,BYTES,PACKETS_REV,BYTES_REV"
one = []
for x in rows:
    if int(x["PACKETS"]):
        one.append([x["SRC_IP"], x["DST_IP"], x["SRC_PORT"], x["DST_PORT"], x["L3_PROTO"], x["L4_PROTO"],
                    int(x["START_TIME_FWD"]), int(x["END_TIME_FWD"]), int(x["PACKETS"]), int(x["BYTES"]), 0, 0])
    if int(x["PACKETS_REV"]):
        one.append([x["DST_IP"], x["SRC_IP"], x["DST_PORT"], x["SRC_PORT"], x["L3_PROTO"], x["L4_PROTO"],
                    int(x["START_TIME_REV"]), int(x["END_TIME_REV"]), int(x["PACKETS_REV"]), int(x["BYTES_REV"]), 0, 0])
dropped = one.pop(5)
one[10][9] += 100  # one byte count changed
long_ = max((o for o in one[20:] if o[8] >= 10), key=lambda o: o[7] - o[6])
i = one.index(long_)
span = long_[7] - long_[6]
half = long_[6] + span // 2
first = long_[:6] + [long_[6], half, long_[8] // 2, long_[9] // 2, 0, 0]
second = long_[:6] + [half + 1, long_[7], long_[8] - long_[8] // 2, long_[9] - long_[9] // 2, 0, 0]
one[i:i + 1] = [first, second]  # one flow split in two by an active timeout of span/2
one.append(["10.99.99.99", "10.88.88.88", "1234", "80", "4", "6", rows[0]["START_TIME"], rows[0]["END_TIME"], 3, 180, 0, 0])
damaged = os.path.join(d, "damaged.csv")
with open(damaged, "w") as f:
    f.write(header + "\n" + "\n".join(",".join(str(v) for v in o) for o in one) + "\n")
active = f"{span / 2 / 1e9:.6f}"
r = run([binary, "compare", "--reference", truth, "--flows", damaged, "--active-timeout", active, "--report",
         os.path.join(d, "v2.csv")])
n = summary_counts(r.stdout)
c.check(r.returncode == 1 and n == {"ok": one_way - 2, "missing": 1, "unexpected": 1, "incorrect": 1},
        f"damaged: exactly 1 missing, 1 unexpected, 1 incorrect, the rest ok ({n}, exit {r.returncode})")
with open(os.path.join(d, "v2.csv")) as f:
    v2 = list(csv.DictReader(f))
bad = {v["VERDICT"]: v for v in v2 if v["VERDICT"] != "ok"}
c.check(bad.get("missing", {}).get("SRC_IP") == dropped[0] and bad["missing"]["SRC_PORT"] == str(dropped[2]),
        "the missing verdict names the dropped record's flow")
c.check(bad.get("unexpected", {}).get("SRC_IP") == "10.99.99.99", "the unexpected verdict names the added record")
c.check("BYTES" in bad.get("incorrect", {}).get("DETAIL", "") and "(+100)" in bad["incorrect"]["DETAIL"],
        f"the incorrect verdict says BYTES, +100 ({bad.get('incorrect', {}).get('DETAIL')})")
merged = [v for v in v2 if v["PROBE_RECORDS"] == "2"]
c.check(len(merged) == 1 and merged[0]["VERDICT"] == "ok" and "merged 2 records" in merged[0]["DETAIL"],
        "the flow split by the active timeout is merged and passes")
r = run([binary, "compare", "--reference", truth, "--flows", damaged, "--active-timeout", "1000s"])
n = summary_counts(r.stdout)
c.check(r.returncode == 1 and n.get("incorrect") == 2, f"a split the given timeouts do not explain is incorrect ({n})")

# 4. Statistical mode: the damage is under 1 % of packets and bytes, but not of flows at 0.1 %.
r = run([binary, "compare", "--reference", truth, "--flows", damaged, "--statistical", "--stat-tolerance", "0.05"])
c.equal(r.returncode, 0, "statistical mode at 5 %: pass")
r = run([binary, "compare", "--reference", truth, "--flows", damaged, "--statistical", "--stat-tolerance", "0.0001"])
c.equal(r.returncode, 1, "statistical mode at 0.01 %: fail")

# 5. Bad inputs: a probe record ending before it starts is counted, duplicate reference keys are an error.
backwards = os.path.join(d, "backwards.csv")
with open(backwards, "w") as f:
    f.write(header + "\n" + ",".join(str(v) for v in one[0][:6] + [one[0][7] + 5, one[0][6]] + one[0][8:]) + "\n")
r = run([binary, "compare", "--reference", truth, "--flows", backwards])
c.check(r.returncode == 1 and "1 probe records ending before they start (skipped)" in r.stdout, "START > END is counted, not a crash")
dup = os.path.join(d, "dup.csv")
with open(truth) as f:
    lines = f.read().splitlines()
with open(dup, "w") as f:
    f.write("\n".join(lines + [lines[1]]) + "\n")
r = run([binary, "compare", "--reference", dup, "--flows", probe_csv])
c.check(r.returncode == 2 and f"dup.csv:{len(lines) + 1}: the same flow key as line 2" in r.stderr,
        f"duplicate reference keys: exit 2 naming both lines ({r.stderr.strip()})")
r = run([binary, "compare", "--reference", truth, "--flows", os.path.join(d, "nope.csv")])
c.check(r.returncode == 1 and "nope.csv" in r.stderr, "a missing flow file: exit 1 naming it")
c.done()
