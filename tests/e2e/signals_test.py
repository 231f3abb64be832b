# SPDX-License-Identifier: MIT
"""Interruptions and failed starts: SIGINT/SIGTERM/SIGHUP end gen and features cleanly (the
packet or row in hand finished, every output valid to its last packet or row, the summary
printed, exit 128 + signal), outputs keep their NAME.partial names unless the run completed,
an existing file is never truncated by a run that fails to start, and --no-partial writes in place.
Usage: signals_test.py FLOWREPLAY
"""
import csv
import os
import signal
import subprocess
import sys
import time

from tshark_util import Checker, run, tmpdir

binary = sys.argv[1]
c = Checker("signals")
d = tmpdir()


def capinfos_packets(path):
    r = run(["capinfos", "-c", "-M", path])
    for line in r.stdout.splitlines():
        if "Number of packets" in line:
            return int(line.split()[-1]), r.returncode, r.stderr
    return None, r.returncode, r.stderr


def interrupt(cmd, sig, after, started=None):
    """Runs cmd, and once it is under way (the file `started` has grown past 64 KiB, which also
    means its signal handlers are in place; at most 60 s) waits `after` seconds more and sends sig."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=d)
    if started is not None:
        deadline = time.monotonic() + 60
        path = os.path.join(d, started)
        while time.monotonic() < deadline and p.poll() is None:
            if os.path.exists(path) and os.path.getsize(path) > 65536:
                break
            time.sleep(0.02)
    time.sleep(after)
    p.send_signal(sig)
    err = p.communicate(timeout=120)[1]
    return p.returncode, err


for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)):
    name = signal.Signals(sig).name
    for f in ("g.pcapng", "g.csv"):
        for suffix in ("", ".partial"):
            if os.path.exists(os.path.join(d, f + suffix)):
                os.unlink(os.path.join(d, f + suffix))
    rc, err = interrupt([binary, "gen", "--flows", "5000000", "--pcap", "g.pcapng", "--report", "g.csv"], sig, 0.5,
                        started="g.pcapng.partial")
    pcap = os.path.join(d, "g.pcapng.partial")
    rep = os.path.join(d, "g.csv.partial")
    c.check(rc == code and f"interrupted by {name}" in err and "flowreplay gen:" in err,
            f"gen, {name}: exit {code} with the summary ({rc}, {err.strip()[-200:]!r})")
    c.check(os.path.exists(pcap) and os.path.exists(rep) and not os.path.exists(os.path.join(d, "g.pcapng"))
            and not os.path.exists(os.path.join(d, "g.csv")), f"gen, {name}: the outputs keep their .partial names")
    n, crc, cerr = capinfos_packets(pcap)
    with open(rep, newline="") as f:
        text = f.read()
    rows = list(csv.DictReader(text.splitlines()))
    in_report = sum(int(r["PACKETS"]) + int(r["PACKETS_REV"]) for r in rows)
    c.check(crc == 0 and n and n > 1000 and "cut short" not in cerr,
            f"gen, {name}: capinfos reads the pcapng to its last packet ({n} packets, {cerr.strip()!r})")
    c.check(text.endswith("\n") and all(len(r) == 17 and None not in r.values() for r in rows) and in_report == n,
            f"gen, {name}: every report row whole, and they count every captured packet ({in_report} = {n})")

# features on a large capture, interrupted: the CSV ends on a whole row.
cap = os.path.join(d, "big.pcapng")
run([binary, "gen", "-q", "--flows", "40000", "--pcap", cap])
out = os.path.join(d, "f.csv")
rc, err = interrupt([binary, "features", cap, "-o", out], signal.SIGINT, 0.0, started="f.csv.partial")
with open(out + ".partial") as f:
    text = f.read()
lines = text.splitlines()
c.check(rc == 130 and text.endswith("\n") and len(lines) > 1 and all(line.count(",") == 83 for line in lines)
        and not os.path.exists(out), f"features, SIGINT: exit 130, {len(lines) - 1} whole rows in f.csv.partial ({rc})")

# A completed run publishes its outputs under their names and leaves no .partial behind.
r = run([binary, "gen", "-q", "--flows", "100", "--pcap", os.path.join(d, "ok.pcapng"), "--report", os.path.join(d, "ok.csv")])
c.check(r.returncode == 0 and os.path.exists(os.path.join(d, "ok.pcapng")) and os.path.exists(os.path.join(d, "ok.csv"))
        and not any(n.endswith(".partial") and n.startswith("ok.") for n in os.listdir(d)),
        "a completed run: final names, no .partial left")

# An existing capture is untouched by a run that fails to open a later output.
keep = os.path.join(d, "keep.pcapng")
with open(keep, "wb") as f:
    f.write(b"precious")
r = run([binary, "gen", "-q", "--flows", "100", "--pcap", keep, "--report", "/nonexistent-dir/r.csv"])
with open(keep, "rb") as f:
    c.check(r.returncode == 1 and f.read() == b"precious", f"a failed start leaves an existing file as it was ({r.stderr.strip()!r})")
r = run([binary, "gen", "-q", "--flows", "100", "--pcap", keep, "--ipfix", "tcp://127.0.0.1:9"])
with open(keep, "rb") as f:
    c.check(r.returncode == 1 and f.read() == b"precious", f"a refused collector leaves it too ({r.stderr.strip()[-120:]!r})")

# A run that fails part way (the IPFIX file's disk is full once its first MiB goes out) finishes
# the capture and the report with what was made, under their .partial names: they do not hold
# the whole run.
for f in ("fail.pcapng", "fail.csv"):
    assert not os.path.exists(os.path.join(d, f))
r = run([binary, "gen", "-q", "--flows", "20000", "--pcap", os.path.join(d, "fail.pcapng"), "--report",
         os.path.join(d, "fail.csv"), "--ipfix-file", "/dev/full"])
n, crc, _ = capinfos_packets(os.path.join(d, "fail.pcapng.partial"))
c.check(r.returncode == 1 and crc == 0 and n and not os.path.exists(os.path.join(d, "fail.pcapng"))
        and os.path.exists(os.path.join(d, "fail.csv.partial")) and not os.path.exists(os.path.join(d, "fail.csv")),
        f"a failed run keeps its outputs as .partial ({n} packets in fail.pcapng.partial; {r.stderr.strip()[-80:]!r})")

# A symbolic link (as /dev/stdout is; a link of its own here, so that a regression cannot replace the
# system's) is written through in place, never replaced by a file.
target = os.path.join(d, "target.csv")
link = os.path.join(d, "link.csv")
with open(target, "w") as f:
    f.write("old\n")
os.symlink(target, link)
r = run([binary, "gen", "-q", "--flows", "20", "--report", link])
with open(target) as f:
    rows = f.read().splitlines()
c.check(r.returncode == 0 and os.path.islink(link) and len(rows) == 21 and not os.path.exists(link + ".partial"),
        "an output that is a symbolic link: written through it, the link kept")

# --no-partial writes in place, so an interrupted run leaves the name itself.
rc, err = interrupt([binary, "gen", "--flows", "5000000", "--pcap", "np.pcapng", "--no-partial"], signal.SIGINT, 0.2,
                     started="np.pcapng")
n, crc, _ = capinfos_packets(os.path.join(d, "np.pcapng"))
c.check(rc == 130 and crc == 0 and n and not os.path.exists(os.path.join(d, "np.pcapng.partial")),
        f"--no-partial: the interrupted capture is np.pcapng itself, valid ({n} packets)")
c.done()
