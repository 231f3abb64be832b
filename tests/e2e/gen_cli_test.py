# SPDX-License-Identifier: MIT
"""flowreplay gen from the command line: determinism, formats, stdout, every example config,
and the errors a user meets (bad config, unwritable output, full disk, closed pipe).
Usage: gen_cli_test.py FLOWREPLAY CONFIGS_DIR
"""
import filecmp
import glob
import os
import re
import subprocess
import sys

from tshark_util import Checker, run, tmpdir, tshark_fields

binary, configs = sys.argv[1], sys.argv[2]
c = Checker("gen_cli")
d = tmpdir()


def gen(*args):
    return run([binary, "gen", "-q", *args])


# Same seed: byte-identical; another seed: different.
a, b, x = (os.path.join(d, n) for n in ("a.pcapng", "b.pcapng", "c.pcapng"))
gen("--pcap", a, "--flows", "500", "--seed", "7")
gen("--pcap", b, "--flows", "500", "--seed", "7")
gen("--pcap", x, "--flows", "500", "--seed", "8")
c.check(filecmp.cmp(a, b, shallow=False), "same seed twice: identical files")
c.check(not filecmp.cmp(a, x, shallow=False), "another seed: a different file")

# Classic pcap by name and by --format; pcapng on stdout.
p = os.path.join(d, "f.pcap")
c.equal(gen("--pcap", p, "--flows", "200").returncode, 0, "gen --pcap f.pcap exits 0")
info = run(["capinfos", "-M", p]).stdout
c.check(re.search(r"File type:\s+nsecpcap", info) is not None,
        "f.pcap is classic nanosecond pcap (capinfos)")
with open(p, "rb") as f:
    c.equal(f.read(4), bytes.fromhex("4d3cb2a1"), "pcap magic 0xa1b23c4d (ns) in little-endian")
p2 = os.path.join(d, "forced.pcapng")
gen("--pcap", p2, "--format", "pcap", "--flows", "200")
c.check(filecmp.cmp(p, p2, shallow=False), "--format pcap overrides the .pcapng name")
npkts = len(tshark_fields(p, ["frame.number"]))
ng = os.path.join(d, "same.pcapng")
gen("--pcap", ng, "--flows", "200")
c.equal(len(tshark_fields(ng, ["frame.number"])), npkts, "pcap and pcapng of one seed hold the same packets")
times_pcap = [r["frame.time_epoch"] for r in tshark_fields(p, ["frame.time_epoch"])]
times_ng = [r["frame.time_epoch"] for r in tshark_fields(ng, ["frame.time_epoch"])]
c.check(times_pcap == times_ng, "pcap and pcapng carry the same ns timestamps")
out = subprocess.run([binary, "gen", "-q", "--pcap", "-", "--flows", "200"], stdout=subprocess.PIPE)
with open(ng, "rb") as f:
    c.check(out.returncode == 0 and out.stdout == f.read(), "--pcap - writes the same pcapng to stdout")

# --duration bounds flow starts; --flows bounds the count.
rep = os.path.join(d, "dur.csv")
gen("--report", rep, "--duration", "0.5s", "--seed", "3")
import csv
with open(rep) as f:
    rows = list(csv.DictReader(f))
starts = [int(r["START_TIME"]) for r in rows]
c.check(len(rows) > 100 and max(starts) - 1700000000 * 10**9 < 500_000_000,
        f"--duration 0.5s: {len(rows)} flows, all start within 0.5 s")
rep2 = os.path.join(d, "n.csv")
gen("--report", rep2, "--flows", "123")
with open(rep2) as f:
    c.equal(sum(1 for _ in f) - 1, 123, "--flows 123 gives 123 report rows")

# Every example config loads and generates.
for cfg in sorted(glob.glob(os.path.join(configs, "*.yaml"))):
    out = os.path.join(d, "cfg.pcapng")
    r = gen("--config", cfg, "--pcap", out, "--flows", "300")
    c.check(r.returncode == 0 and os.path.getsize(out) > 1000, f"configs/{os.path.basename(cfg)} generates ({r.stderr.strip()})")

# Errors: a one-line message and the documented exit code.
bad = os.path.join(d, "bad.yaml")
cases = [
    ("generation:\n  flows_per_second: 10\n  colour: blue\n", r"bad\.yaml:3:3: generation\.colour: unknown key"),
    ("traffic_patterns:\n  - {type: web, percentage: 60}\n  - {type: dns, percentage: 30}\n",
     r"bad\.yaml:2:3: traffic_patterns: percentages sum to 90, not 100"),
    ("network:\n  client_subnets: [10.0.0.0/33]\n", r"bad\.yaml:2:20: network\.client_subnets: not a CIDR"),
    ("traffic_patterns:\n  - {type: telnet, percentage: 100}\n", r"bad\.yaml:2:12: traffic_patterns\[0\]\.type: unknown type"),
    ("timing:\n  link_speed: fast\n", r"bad\.yaml:2:15: timing\.link_speed: expected a bit rate"),
    ("generation: [1, 2\n", r"bad\.yaml:\d+:\d+: "),
]
for text, pattern in cases:
    with open(bad, "w") as f:
        f.write(text)
    r = gen("--config", bad, "--pcap", os.path.join(d, "x.pcapng"))
    line = r.stderr.strip()
    c.check(r.returncode == 2 and re.search(pattern, line) is not None and "\n" not in line,
            f"bad config -> exit 2, one line: {line!r}")

r = gen("--pcap", "/nonexistent-dir/out.pcapng")
c.check(r.returncode == 1 and "/nonexistent-dir/out.pcapng" in r.stderr and "No such file" in r.stderr,
        f"unwritable output -> exit 1: {r.stderr.strip()!r}")
for fmt in ("pcapng", "pcap"):
    r = gen("--pcap", "/dev/full", "--format", fmt, "--flows", "2000")
    c.check(r.returncode == 1 and "No space left on device" in r.stderr,
            f"full disk ({fmt} to /dev/full) -> exit 1: {r.stderr.strip()!r}")
r = gen("--report", "/dev/full", "--flows", "20000")
c.check(r.returncode == 1 and "No space left" in r.stderr, f"report on a full disk -> exit 1: {r.stderr.strip()!r}")
pipe = subprocess.run(f"'{binary}' gen -q --pcap - --flows 5000 | head -c 100 > /dev/null; echo ${{PIPESTATUS[0]}}",
                      shell=True, executable="/bin/bash", stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
c.check(pipe.stdout.strip() == "1" and "Broken pipe" in pipe.stderr,
        f"closed pipe -> exit 1: {pipe.stderr.strip()!r}")
r = run([binary, "gen"])
c.check(r.returncode == 2 and "--pcap" in r.stderr, "gen without an output -> exit 2 with a hint")
out_cic = os.path.join(d, "cic.pcapng")
r = gen("--pcap", out_cic, "--cic", "2018", "--flows", "5")
c.check(r.returncode == 2 and "--features" in r.stderr and "\n" not in r.stderr.strip() and not os.path.exists(out_cic),
        f"--cic without --features -> exit 2, nothing written: {r.stderr.strip()!r}")
r = run([binary, "gen", "--flows", "zero", "--pcap", "x"])
c.equal(r.returncode, 2, "a malformed option value -> exit 2")
r = run([binary, "--version"])
c.check(r.returncode == 0 and r.stdout.startswith("flowreplay "), "--version")
r = run([binary, "gen", "--help"])
c.check(r.returncode == 0 and "--pcap" in r.stdout and "--seed" in r.stdout and "--report" in r.stdout, "gen --help lists the options")
r = run([binary, "gen", "--print-default-config"])
c.check(r.returncode == 0 and "traffic_patterns:" in r.stdout, "--print-default-config prints the built-in YAML")
c.done()
