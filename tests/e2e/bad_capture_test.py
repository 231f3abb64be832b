# SPDX-License-Identifier: MIT
"""Hostile captures: pcapng files with impossible timestamp resolutions, huge timestamps, block
lengths that do not add up, packets naming interfaces that do not exist; several interfaces of
different link types in one file; a capture that shrinks while it is read. Each is read from a
file (memory-mapped) and, where libpcap can, from stdin: never a crash, the documented message
with the block offset, exit code 1, and every packet before the damage used.
Usage: bad_capture_test.py FLOWREPLAY
"""
import csv
import os
import signal
import struct
import subprocess
import sys
import time

from tshark_util import Checker, run, tmpdir

binary = sys.argv[1]
c = Checker("bad_capture")
d = tmpdir()


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def shb():
    return block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def idb(link, tsresol=None, tsoffset=None):
    opts = b""
    if tsresol is not None:
        opts += struct.pack("<HH", 9, 1) + bytes([tsresol]) + b"\0\0\0"
    if tsoffset is not None:
        opts += struct.pack("<HHq", 14, 8, tsoffset)
    if opts:
        opts += struct.pack("<HH", 0, 0)
    return block(1, struct.pack("<HHI", link, 0, 0) + opts)


def epb(ifc, units, frame):
    return block(6, struct.pack("<IIIII", ifc, units >> 32, units & 0xffffffff, len(frame), len(frame)) + frame)


def udp_ip(src, dst, sport, dport, payload=b"x" * 10):
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, bytes(src), bytes(dst))
    return ip + udp


def ether(ip):
    return b"\x02" * 12 + b"\x08\x00" + ip


def write(name, data):
    path = os.path.join(d, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def report_of(path, stdin=False):
    """`export --report` of a capture: the flows' ns times and addresses, exit code, stderr."""
    rep = os.path.join(d, "r.csv")
    if stdin:
        with open(path, "rb") as f:
            r = subprocess.run([binary, "export", "-q", "-", "--report", rep], stdin=f, capture_output=True, text=True)
    else:
        r = run([binary, "export", "-q", path, "--report", rep])
    rows = []
    if os.path.exists(rep):
        with open(rep) as f:
            rows = list(csv.DictReader(f))
        os.unlink(rep)
    return r, rows


pkt = ether(udp_ip([10, 0, 0, 1], [10, 0, 0, 2], 1000, 53))
good_units = 1_700_000_000_123_456  # µs

# An impossible resolution: 10^-100 and 2^-127 cannot be held in 64 bits.
for res, name in ((100, "10^-100"), (0x80 | 127, "2^-127"), (20, "10^-20")):
    head = shb() + idb(1, res)
    path = write("res.pcapng", head + epb(0, 5, pkt))
    r, rows = report_of(path)
    c.check(r.returncode == 1 and f"block at offset {len(shb())}" in r.stderr and "if_tsresol" in r.stderr
            and r.returncode >= 0, f"if_tsresol {name}: exit 1, names the block offset: {r.stderr.strip()!r}")

# Picoseconds (10^-12) are legal, though 64 bits of them reach only 213 days past the epoch:
# with if_tsoffset 1700000000 s, 0.123456789123 s after it must come out exact to the ns.
path = write("ps.pcapng", shb() + idb(1, 12, 1_700_000_000) + epb(0, 123_456_789_123, pkt)
             + epb(0, 5_000_000_123_456, pkt))
r, rows = report_of(path)
c.check(r.returncode == 0 and len(rows) == 1 and rows[0]["START_TIME"] == "1700000000123456789"
        and rows[0]["END_TIME"] == "1700000005000000123",
        f"if_tsresol 10^-12 with if_tsoffset: packets at 1700000000.123456789 s and 1700000005.000000123 s "
        f"({(rows[0]['START_TIME'], rows[0]['END_TIME']) if rows else None})")

# A timestamp beyond what ns since 1970 can hold (year 2262) is damage, not a wrap.
path = write("big-ts.pcapng", shb() + idb(1) + epb(0, good_units, pkt) + epb(0, 0xffffffffffffffff, pkt))
r, rows = report_of(path)
c.check(r.returncode == 1 and len(rows) == 1 and "timestamp" in r.stderr and "offset" in r.stderr,
        f"EPB timestamp 2^64-1 us: exit 1, the packet before it kept: {r.stderr.strip()!r}")

# Two interfaces of different link types: each packet decoded with its own interface's type.
raw = udp_ip([10, 0, 0, 3], [10, 0, 0, 4], 2000, 123)
two = shb() + idb(1) + idb(101) + epb(0, good_units, pkt) + epb(1, good_units + 1, raw)
path = write("two.pcapng", two)
r, rows = report_of(path)
srcs = sorted(x["SRC_IP"] for x in rows)
c.check(r.returncode == 0 and srcs == ["10.0.0.1", "10.0.0.3"],
        f"Ethernet and raw-IP interfaces in one pcapng: both flows decoded ({srcs}, {r.stderr.strip()!r})")

# A packet naming an interface the section does not have.
path = write("noif.pcapng", shb() + idb(1) + epb(0, good_units, pkt) + epb(3, good_units, pkt))
r, rows = report_of(path)
c.check(r.returncode == 1 and len(rows) == 1 and "interface 3" in r.stderr and "offset" in r.stderr,
        f"EPB naming a missing interface: exit 1, named: {r.stderr.strip()!r}")
r2, _ = report_of(path, stdin=True)
c.check(r2.returncode == 1 and r2.stderr.startswith("flowreplay") and "\n" not in r2.stderr.strip()[:-1].split("\n")[0],
        f"the same on stdin (libpcap): exit 1, a message: {r2.stderr.strip()!r}")

# A block whose trailing length differs from its leading length.
bad = bytearray(epb(0, good_units, pkt))
bad[-4:] = struct.pack("<I", len(bad) + 4)
path = write("trail.pcapng", shb() + idb(1) + epb(0, good_units, pkt) + bytes(bad))
r, rows = report_of(path)
c.check(r.returncode == 1 and len(rows) == 1 and "length" in r.stderr and "offset" in r.stderr,
        f"block lengths that disagree: exit 1: {r.stderr.strip()!r}")

# A capture that shrinks while it is read: an error, never SIGBUS.
cap = os.path.join(d, "big.pcap")
run([binary, "gen", "-q", "--flows", "12000", "--pcap", cap])
size = os.path.getsize(cap)
outcome = None
for attempt in range(5):
    with open(cap, "ab"):
        pass
    p = subprocess.Popen([binary, "features", "-q", cap, "-o", os.devnull], stderr=subprocess.PIPE, text=True)
    # Truncate only once the reader has the file mapped (a sanitizer build starts slowly).
    deadline = time.time() + 10
    mapped = False
    while time.time() < deadline and p.poll() is None and not mapped:
        try:
            with open(f"/proc/{p.pid}/maps") as maps:
                mapped = cap in maps.read()
        except OSError:
            break
        if not mapped:
            time.sleep(0.002)
    time.sleep(0.01 * attempt)
    os.truncate(cap, size // 3)
    err = p.communicate(timeout=120)[1]
    if mapped and (p.returncode != 0 or "shrank" in err):
        outcome = (p.returncode, err.strip())
        break
    run([binary, "gen", "-q", "--flows", "12000", "--pcap", cap])  # it finished first: make it whole again
c.check(outcome is not None and outcome[0] == 1 and "shrank" in outcome[1],
        f"a capture truncated while features reads it: exit 1 and a message, not SIGBUS ({outcome})")
c.done()
