# SPDX-License-Identifier: MIT
"""Capture inputs as users have them: gzip (one member or several) and zstd compressed, from a
file or from stdin, recognized by their first bytes whatever their names; and --filter with
tcpdump's BPF syntax on every command that reads captures. Compressed inputs must give exactly the
plain file's output; a filter keeps exactly the frames tshark's same filter keeps.
Usage: input_formats_test.py FLOWREPLAY
"""
import csv
import os
import subprocess
import sys

from tshark_util import Checker, run, tmpdir

binary = sys.argv[1]
c = Checker("input_formats")
d = tmpdir()

plain = {}
for ext in ("pcapng", "pcap"):
    path = os.path.join(d, f"g.{ext}")
    run([binary, "gen", "-q", "--flows", "800", "--pcap", path])
    plain[ext] = path


def features(path, stdin=False, *extra):
    out = os.path.join(d, "f.csv")
    if stdin:
        with open(path, "rb") as f:
            r = subprocess.run([binary, "features", "-q", "-", "-o", out, *extra], stdin=f, capture_output=True, text=True)
    else:
        r = run([binary, "features", "-q", path, "-o", out, *extra])
    text = open(out).read() if os.path.exists(out) else ""
    return r, text


for ext, path in plain.items():
    _, want = features(path)
    variants = {}
    gz = os.path.join(d, f"g.{ext}.gz")
    subprocess.run(f"gzip -c '{path}' > '{gz}'", shell=True, check=True)
    variants["gzip"] = gz
    zst = os.path.join(d, f"g.{ext}.zst")
    subprocess.run(["zstd", "-q", "-f", path, "-o", zst], check=True)
    variants["zstd"] = zst
    # Two gzip members back to back (pigz, split then concatenated): one stream to the reader.
    size = os.path.getsize(path)
    multi = os.path.join(d, f"multi.{ext}.gz")
    subprocess.run(f"head -c {size // 2} '{path}' | gzip -c > '{multi}'; tail -c +{size // 2 + 1} '{path}' | gzip -c >> '{multi}'",
                   shell=True, check=True)
    variants["gzip, two members"] = multi
    renamed = os.path.join(d, f"no-extension-{ext}")
    os.link(zst, renamed)
    variants["zstd under a plain name"] = renamed
    for name, v in variants.items():
        for stdin in (False, True):
            r, got = features(v, stdin)
            c.check(r.returncode == 0 and got == want and len(want.splitlines()) > 100,
                    f"{ext}, {name}{' on stdin' if stdin else ''}: the same {len(want.splitlines()) - 1} rows as the plain file ({r.stderr.strip()!r})")

# A compressed capture cut short: a warning, exit 1, the rows read so far.
cut = os.path.join(d, "cut.pcapng.gz")
subprocess.run(f"gzip -c '{plain['pcapng']}' | head -c 300000 > '{cut}'", shell=True, check=True)
r, got = features(cut)
c.check(r.returncode == 1 and "warning" in r.stderr and len(got.splitlines()) > 1,
        f"a truncated gzip capture: exit 1, a warning, {len(got.splitlines()) - 1} rows kept ({r.stderr.strip()!r})")

# --filter: the frames tshark's filter keeps, on every command that reads captures.
def tshark_count(path, display_filter):
    return len(run(["tshark", "-r", path, "-Y", display_filter, "-T", "fields", "-e", "frame.number"]).stdout.split())


for expr, display in (("tcp", "tcp"), ("udp port 53", "udp.port == 53"), ("ip6", "ipv6")):
    rep = os.path.join(d, "r.csv")
    r = run([binary, "export", "-q", plain["pcapng"], "--filter", expr, "--report", rep])
    with open(rep) as f:
        rows = list(csv.DictReader(f))
    packets = sum(int(x["PACKETS"]) + int(x["PACKETS_REV"]) for x in rows)
    want = tshark_count(plain["pcapng"], display)
    c.check(r.returncode == 0 and packets == want, f"export --filter '{expr}': {packets} packets, tshark -Y '{display}': {want}")
r = run([binary, "profile", plain["pcap"], "--filter", "tcp", "-o", os.path.join(d, "p.csv")])
with open(os.path.join(d, "p.csv")) as f:
    protos = {x["L4_PROTO"] for x in csv.DictReader(f)}
c.check(r.returncode == 0 and protos == {"6"} and "frames left out by --filter" in r.stderr,
        f"profile --filter tcp: only TCP records, and the summary counts what was left out ({protos})")
r, got = features(plain["pcapng"], False, "--filter", "udp")
c.check(r.returncode == 0 and all(line.split(",")[5] == "17" for line in got.splitlines()[1:]),
        "features --filter udp: only UDP flows")
r = run([binary, "features", plain["pcap"], "--filter", "tcp port", "-o", os.path.join(d, "x.csv")])
c.check(r.returncode == 2 and r.stderr.startswith("flowreplay: --filter 'tcp port'") and r.stderr.count("\n") == 1,
        f"a malformed filter: exit 2, one line ({r.stderr.strip()!r})")
c.done()
