# SPDX-License-Identifier: MIT
"""features --labels and gen --features: every features row carries the APP of its flow.

The expected label of each row comes from a join done here, not by flowreplay: the row's key
(the 5-tuple either way; in corrected mode ICMP by the echo identifier in Src Port, as the report
writes it; in the reference modes ICMP is "protocol 0" with no ports, matched by the address pair)
and its time span (the Timestamp column's second plus the Flow Duration) against the report's
rows. Decoy truth rows with the same keys 1000 s before and after each flow check that the time
counts; a truth without the DNS rows checks --default-label; a truth shifted by 2 ms checks
--label-slack. gen --features must give the same bytes as features --labels on gen's capture.
Usage: features_labels_test.py FLOWREPLAY SOURCE_DIR
"""
import csv
import datetime
import os
import sys

from tshark_util import Checker, read_report, run, tmpdir

binary, source = sys.argv[1], sys.argv[2]
c = Checker("features_labels")
d = tmpdir()
ICMP = ("1", "58")


def write_truth(path, rows, header):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(r)


def features(capture, mode, truth, *extra):
    out = os.path.join(d, "feats.csv")
    r = run([binary, "features", "-q", "--cic", mode, capture, "--labels", truth, "-o", out, *extra])
    if r.returncode != 0:
        raise AssertionError(f"features --labels failed: {r.stderr}")
    with open(out, newline="") as f:
        return list(csv.DictReader(f))


def row_span_ns(row):
    """The flow's span as the CSV allows: from the Timestamp's second to a second past it plus the duration."""
    t = datetime.datetime.strptime(row["Timestamp"], "%d/%m/%Y %I:%M:%S %p").replace(tzinfo=datetime.timezone.utc)
    start = int(t.timestamp()) * 1_000_000_000
    return start, start + 1_000_000_000 + int(row["Flow Duration"]) * 1000


def expected_labels(row, truth, label_column="APP"):
    """Labels of the truth rows that share the row's key and overlap its span."""
    lo, hi = row_span_ns(row)
    src, dst, proto = row["Src IP"], row["Dst IP"], row["Protocol"]
    ends = {src, dst}
    out = set()
    for t in truth:
        if {t["SRC_IP"], t["DST_IP"]} != ends or int(t["END_TIME"]) < lo or int(t["START_TIME"]) > hi:
            continue
        if proto == "0":  # reference modes: anything but TCP/UDP, no ports
            ok = t["L4_PROTO"] not in ("6", "17")
        elif proto in ICMP:  # corrected: the echo identifier on both sides
            ok = t["L4_PROTO"] == proto and t["SRC_PORT"] == row["Src Port"]
        else:
            ok = t["L4_PROTO"] == proto and {(t["SRC_IP"], t["SRC_PORT"]), (t["DST_IP"], t["DST_PORT"])} == {
                (src, row["Src Port"]), (dst, row["Dst Port"])}
        if ok:
            out.add(t[label_column])
    return out


def check_rows(rows, truth, what, label_column="APP", default=None):
    """Every row's label is its one expected label (or `default` when no truth flow overlaps)."""
    wrong, ambiguous = [], 0
    for row in rows:
        want = expected_labels(row, truth, label_column)
        if len(want) > 1:
            ambiguous += 1
            continue
        w = next(iter(want)) if want else default
        if row["Label"] != w:
            wrong.append((row["Flow ID"], row["Label"], w))
    c.equal(ambiguous, 0, f"{what}: no row overlaps truth flows of two labels")
    c.check(not wrong, f"{what}: all {len(rows)} rows carry their flow's label" +
            (f" ({len(wrong)} wrong, e.g. {wrong[:3]})" if wrong else ""))


for config, name in ((None, "default mix"), (os.path.join(source, "configs", "ipv6-vlan.yaml"), "ipv6-vlan")):
    cap = os.path.join(d, "g.pcapng")
    report = os.path.join(d, "truth.csv")
    cfg = ["--config", config] if config else []
    r = run([binary, "gen", "-q", "--flows", "1500", "--seed", "11", *cfg, "--pcap", cap, "--report", report])
    c.equal(r.returncode, 0, f"{name}: gen writes the capture and the report")
    truth = read_report(report)
    header = list(truth[0].keys())
    icmp_truth = [t for t in truth if t["L4_PROTO"] in ICMP]
    c.check(len(icmp_truth) > 20, f"{name}: the mix has ICMP flows ({len(icmp_truth)})")

    # Decoys: every key again 1000 s before (listed first) and after (listed last), another label.
    label_rows = []
    for shift, label in ((-10**12, "decoy-before"), (0, None), (10**12, "decoy-after")):
        for t in truth:
            x = dict(t)
            x["START_TIME"] = str(int(t["START_TIME"]) + shift)
            x["END_TIME"] = str(int(t["END_TIME"]) + shift)
            x["LABEL"] = label or t["APP"]
            label_rows.append(x)
    decoyed = os.path.join(d, "decoyed.csv")
    write_truth(decoyed, label_rows, header + ["LABEL"])

    for mode in ("head", "corrected"):
        rows = features(cap, mode, decoyed, "--label-column", "LABEL")
        check_rows(rows, truth, f"{name}, --cic {mode}")
        c.check(not any(r["Label"].startswith("decoy") or r["Label"] == "BENIGN" for r in rows),
                f"{name}, --cic {mode}: no row takes a decoy's label or the default")
        icmp_rows = [r for r in rows if r["Protocol"] in ICMP + ("0",)]
        # ICMPv6 flows are named icmpv6 (the report's APP), ICMP ones icmp; a protocol-0 row of the
        # reference modes is one host pair's ICMP, of the family its addresses have.
        want_label = lambda r: "icmpv6" if r["Protocol"] == "58" or ":" in r["Src IP"] else "icmp"
        c.check(icmp_rows and all(r["Label"] == want_label(r) for r in icmp_rows),
                f"{name}, --cic {mode}: ICMP rows are labelled icmp, ICMPv6 rows icmpv6")
        if mode == "corrected":
            # The report and the features agree on ICMP keys: one row per ICMP flow, same ports.
            got = sorted((r["Src IP"], r["Src Port"], r["Dst IP"], r["Dst Port"], r["Protocol"]) for r in icmp_rows)
            want = sorted((t["SRC_IP"], t["SRC_PORT"], t["DST_IP"], t["DST_PORT"], t["L4_PROTO"]) for t in icmp_truth)
            c.equal(got, want, f"{name}: corrected ICMP rows have the report's keys (echo id, type * 256 + code)")

    # Flows with no truth flow take --default-label.
    no_dns = os.path.join(d, "no_dns.csv")
    write_truth(no_dns, [t for t in truth if t["APP"] != "dns"], header)
    rows = features(cap, "corrected", no_dns, "--default-label", "UNKNOWN")
    check_rows(rows, [t for t in truth if t["APP"] != "dns"], f"{name}, truth without DNS", default="UNKNOWN")
    dns_rows = [r for r in rows if "53" in (r["Src Port"], r["Dst Port"]) and r["Protocol"] == "17"]
    c.check(dns_rows and all(r["Label"] == "UNKNOWN" for r in dns_rows), f"{name}: DNS rows take --default-label")

    # Coarse truth times: shifted 2 ms late, the first packets fall outside; --label-slack 2ms
    # gives every row its label again.
    late = os.path.join(d, "late.csv")
    shifted = []
    for t in truth:
        x = dict(t)
        x["START_TIME"] = str(int(t["START_TIME"]) + 2_000_000)
        x["END_TIME"] = str(int(t["END_TIME"]) + 2_000_000)
        shifted.append(x)
    write_truth(late, shifted, header)
    rows = features(cap, "corrected", late)
    c.check(any(r["Label"] == "BENIGN" for r in rows), f"{name}: without slack, flows before a late truth are BENIGN")
    rows = features(cap, "corrected", late, "--label-slack", "2ms")
    check_rows(rows, truth, f"{name}, late truth with --label-slack 2ms")

    # gen --features: the same bytes as features --labels on gen's own capture.
    for mode in ("head", "corrected", "2018"):
        direct = os.path.join(d, "direct.csv")
        r = run([binary, "gen", "-q", "--flows", "1500", "--seed", "11", *cfg, "--features", direct, "--cic", mode])
        c.equal(r.returncode, 0, f"{name}: gen --features --cic {mode} runs")
        via = os.path.join(d, "via.csv")
        r = run([binary, "features", "-q", "--cic", mode, cap, "--labels", report, "-o", via])
        c.check(open(direct, "rb").read() == open(via, "rb").read(),
                f"{name}: gen --features --cic {mode} equals features --labels of the capture")

# Bad label files and options: file:line errors, exit 2, no output.
cap = os.path.join(d, "g.pcapng")
out = os.path.join(d, "never.csv")
bad = os.path.join(d, "bad.csv")
with open(bad, "w") as f:
    f.write("SRC_IP,DST_IP,SRC_PORT,DST_PORT,START_TIME,END_TIME,APP\n")
r = run([binary, "features", cap, "--labels", bad, "-o", out])
c.equal(r.returncode, 2, "a label file without L4_PROTO: exit 2")
c.check(f"{bad}:1: no L4_PROTO column" in r.stderr, f"... names file:line and the column: {r.stderr.strip()}")
with open(bad, "w") as f:
    f.write("# a comment\nSRC_IP,DST_IP,SRC_PORT,DST_PORT,L4_PROTO,START_TIME,END_TIME,APP\n"
            "10.0.0.1,10.0.0.2,1000,80,6,5,9,web\n10.0.0.1,10.0.0.2,1000,80,6,9,5,web\n")
r = run([binary, "features", cap, "--labels", bad, "-o", out])
c.equal(r.returncode, 2, "an end before its start: exit 2")
c.check(f"{bad}:4: START_TIME, END_TIME" in r.stderr, f"... names file:line: {r.stderr.strip()}")
r = run([binary, "features", cap, "--labels", bad, "--label-column", "KIND", "-o", out])
c.check(r.returncode == 2 and f"{bad}:2: no KIND column" in r.stderr, "an absent --label-column is named")
r = run([binary, "features", cap, "--labels", bad, "--default-label", "a,b", "-o", out])
c.check(r.returncode == 2 and "--default-label" in r.stderr, "a default label with a comma is refused")
c.check(not os.path.exists(out), "no CSV is written when the labels are refused")
c.done()
