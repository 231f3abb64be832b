# SPDX-License-Identifier: MIT
"""Bad input from a hostile user: every number checked at the boundary, configs that are empty,
endless, enormous or malformed, unknown commands. Each case gives one line on stderr starting with
'flowreplay:', the documented exit code, and (where it runs) the documented default behaviour.
Usage: bad_input_test.py FLOWREPLAY
"""
import csv
import os
import re
import subprocess
import sys

from tshark_util import Checker, run, tmpdir

binary = sys.argv[1]
c = Checker("bad_input")
d = tmpdir()


def one_line_error(r, code, pattern, what):
    line = r.stderr.strip()
    c.check(r.returncode == code and "\n" not in line and line.startswith("flowreplay: ")
            and re.search(pattern, line) is not None,
            f"{what} -> exit {code}, one line matching {pattern!r}: got {r.returncode}, {line[:300]!r}")


out = os.path.join(d, "x.pcapng")
# Numbers on the command line.
for args, pattern in [
    (["--flows", "-1"], r"--flows: expected a whole number, got '-1'"),
    (["--flows", "99999999999999999999"], r"--flows: '99999999999999999999' is outside 1 to 10000000000"),
    (["--flows", "0"], r"--flows: '0' is outside 1 to"),
    (["--seed", "-5"], r"--seed: expected a whole number, got '-5'"),
    (["--duration", "1e30s"], r"--duration expects seconds"),
    (["--duration", "400d"], r"--duration expects seconds"),
    (["--duration", "9000h"], r"--duration must be at most 365 days"),
    (["--rate", "nan", "--ipfix-file", os.path.join(d, "x.ipfix")], r"--rate: expected a number, got 'nan'"),
    (["--rate", "inf", "--ipfix-file", os.path.join(d, "x.ipfix")], r"--rate: expected a number, got 'inf'"),
    (["--rate", "1e-12", "--ipfix-file", os.path.join(d, "x.ipfix")], r"--rate: '1e-12' is outside 0.001 to"),
    (["--odid", "-1", "--ipfix-file", os.path.join(d, "x.ipfix")], r"--odid: expected a whole number"),
    (["--frobnicate"], r"^flowreplay: gen: The following argument was not expected: --frobnicate \(see 'flowreplay gen --help'\)$"),
]:
    one_line_error(run([binary, "gen", "-q", "--pcap", out, *args]), 2, pattern, "gen " + " ".join(args))
r = run([binary, "export", os.path.join(d, "none.pcap"), "--report", "-", "--realtime", "--multiplier", "1e-12"])
one_line_error(r, 2, r"--multiplier: '1e-12' is outside 0.001 to 1e\+06", "export --multiplier 1e-12")

# Commands.
one_line_error(run([binary, "frobnicate"]), 2, r"unknown command 'frobnicate'; commands: gen, features, export, profile, compare, replay",
               "an unknown command")
one_line_error(run([binary, "featurs", "x.pcap"]), 2, r"unknown command 'featurs' \(did you mean 'features'\?\)",
               "a misspelt command")
one_line_error(run([binary, "features"]), 2, r"^flowreplay: features: capture is required", "features without a capture")
for cmd in ("gen", "features", "export", "profile", "compare", "replay", "stats", "fit", "plot"):
    r = run([binary, cmd, "--help"])
    c.check(r.returncode == 0 and "Examples:" in r.stdout and "Exit codes: 0 success; 1 runtime failure" in r.stdout,
            f"{cmd} --help shows examples and exit codes")

# Configs.
cfg = os.path.join(d, "c.yaml")


def gen_with(text, *args):
    with open(cfg, "w") as f:
        f.write(text)
    return run([binary, "gen", "-q", "--config", cfg, *args])


for text in ("", "# nothing but a comment\n"):
    rep = os.path.join(d, "empty.csv")
    r = gen_with(text, "--report", rep)
    with open(rep) as f:
        rows = list(csv.DictReader(f))
    starts = sorted(int(x["START_TIME"]) for x in rows)
    # The documented defaults: 10 000 flows at 1000 flows/s from 1700000000.
    c.check(r.returncode == 0 and len(rows) == 10000 and starts[0] >= 1700000000 * 10**9
            and 5 * 10**9 < starts[-1] - starts[0] < 15 * 10**9,
            f"config {text!r}: the defaults ({len(rows)} flows over {(starts[-1] - starts[0]) / 1e9 if rows else 0:.1f} s)")
for text, pattern in [
    ("generation: {flows_per_second: 1e-12}\n", r"c\.yaml:1:32: generation\.flows_per_second: must be between 0\.001 and"),
    ("generation: {bandwidth: 1e-300bps}\n", r"c\.yaml:1:25: generation\.bandwidth: must be between 1kbps and 1Tbps"),
    ("generation: {max_flows: 99999999999999999999}\n", r"c\.yaml:1:25: generation\.max_flows: expected a whole number"),
    ("generation: {start_time: 5000000000}\n", r"c\.yaml:1:26: generation\.start_time: must be at most 4000000000"),
    ("? [a, b]\n: 1\n", r"c\.yaml:1:3: keys must be plain names"),
    ("generation: {seed: " + "9" * 500_000 + "}\n", r"c\.yaml:1:20: generation\.seed: expected a whole number, got '9{64}\.\.\.'$"),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join(['*a' if i == 1 else f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)),
     r"too large once its aliases are expanded"),
]:
    one_line_error(gen_with(text, "--pcap", out), 2, pattern, f"config {text[:40]!r}")
one_line_error(run([binary, "gen", "-q", "--config", "/dev/zero", "--pcap", out]), 2,
               r"^flowreplay: config error: /dev/zero: larger than 1 MiB", "--config /dev/zero")
big = os.path.join(d, "big.yaml")
with open(big, "w") as f:
    f.write("# padding\n" * 200_000)
one_line_error(run([binary, "gen", "-q", "--config", big, "--pcap", out]), 2, r"big\.yaml: larger than 1 MiB",
               "a 2 MB config")
c.done()
