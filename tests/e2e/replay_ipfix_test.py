# SPDX-License-Identifier: MIT
"""flowreplay replay FILE.ipfix --ipfix URL: an IPFIX file (written by gen --ipfix-file) resent to
collectors on loopback. Over TCP the collector (tcp_collector.py) must receive the file's bytes
exactly on the first pass, and ipfixDump must find every record of the file once per loop, each
loop's times shifted forward by the file's export-time span (worked out here from the message
headers) plus the loop delay; over UDP nfcapd must store every record of every loop. Errors:
wrong combinations of inputs and options, an unreachable collector.
Usage: replay_ipfix_test.py FLOWREPLAY
"""
import collections
import datetime
import os
import struct
import subprocess
import sys
import time

from flow_records import free_udp_port, ipfixdump_records, nfcapd_collect, nfdump_csv
from tshark_util import Checker, run, tmpdir

binary = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
c = Checker("replay-ipfix")
d = tmpdir()

ipfix = os.path.join(d, "flows.ipfix")
r = run([binary, "gen", "-q", "--flows", "300", "--seed", "11", "--ipfix-file", ipfix])
c.equal(r.returncode, 0, "gen writes an IPFIX file")
data = open(ipfix, "rb").read()
exports, pos = [], 0
while pos + 16 <= len(data):
    version, length, export = struct.unpack_from("!HHI", data, pos)
    exports.append(export)
    pos += length
span = max(exports) - min(exports) + 1  # seconds between loops (docs/replay.md)
file_records = ipfixdump_records(ipfix)
c.check(sum(file_records.values()) >= 300, f"the file holds {sum(file_records.values())} records in {len(exports)} messages")


def shifted(records, seconds):
    out = collections.Counter()
    for k, n in records.items():
        out[k[:7] + (k[7] + seconds * 1000, k[8] + seconds * 1000)] += n
    return out


def collector(name):
    out = os.path.join(d, name + ".stream")
    proc = subprocess.Popen([sys.executable, os.path.join(here, "tcp_collector.py"), out, "127.0.0.1"], stdout=subprocess.PIPE,
                            text=True)
    return proc, int(proc.stdout.readline()), out


# TCP, one pass: the collector reads the file's bytes exactly (same templates, sequence numbers, times).
proc, port, out = collector("once")
r = run([binary, "replay", ipfix, "--ipfix", f"tcp://127.0.0.1:{port}", "--multiplier", "100"])
proc.wait(timeout=30)
c.equal(r.returncode, 0, f"tcp, one pass: exit 0 ({r.stderr.strip()})")
c.check(open(out, "rb").read() == data, "tcp, one pass: the collector received the file byte for byte")
c.check(f"{len(exports)} IPFIX messages, {sum(file_records.values())} data records" in r.stderr,
        "tcp, one pass: the summary counts messages and records")

# TCP, three loops with a 2 s loop delay: loop k's records are the file's, k x (span + 2) s later.
proc, port, out = collector("loops")
t0 = time.monotonic()
r = run([binary, "replay", ipfix, "--ipfix", f"tcp://127.0.0.1:{port}", "--multiplier", "100", "--loop", "3",
         "--loop-delay", "2s"])
took = time.monotonic() - t0
proc.wait(timeout=30)
got = ipfixdump_records(out)
want = file_records + shifted(file_records, span + 2) + shifted(file_records, 2 * (span + 2))
c.equal(r.returncode, 0, f"tcp, 3 loops: exit 0 ({r.stderr.strip()})")
c.check(got == want, f"tcp, 3 loops: every record three times, shifted by {span + 2} s per loop "
                     f"(got {sum(got.values())}, want {sum(want.values())})")
c.check(f"each shifted export and record times by {span + 2} s more" in r.stderr, "tcp, 3 loops: the summary gives the shift")
# Paced by export times at x100: the last message is due (3 - 1) x (span + 2) / 100 s plus the
# file's own span / 100 after the first.
due = (2 * (span + 2) + max(exports) - min(exports)) / 100
c.check(due * 0.9 <= took <= due + 5, f"tcp, 3 loops: took {took:.2f} s, the schedule says {due:.2f} s")
stream = open(out, "rb").read()
seqs, pos = [], 0
while pos + 16 <= len(stream):
    _, length, _, seq = struct.unpack_from("!HHII", stream, pos)
    seqs.append(seq)
    pos += length
c.check(seqs[0] == 0 and all(b >= a for a, b in zip(seqs, seqs[1:])) and len(seqs) == 3 * len(exports),
        "tcp, 3 loops: sequence numbers start at 0 and keep growing across loops")

def nfcapd_rows(option, name):
    """Replays the file twice (--multiplier 50) with `option` into nfcapd; the rows nfdump lists
    (dicts by column), or None when nfcapd wrote no file."""
    def send(port):
        res = run([binary, "replay", ipfix, option, f"udp://127.0.0.1:{port}", "--multiplier", "50", "--loop", "2"])
        c.equal(res.returncode, 0, f"{name}: exit 0 ({res.stderr.strip()})")

    nf = nfcapd_collect(os.path.join(d, name), send)
    c.check(nf is not None, f"{name}: nfcapd wrote a file")
    if nf is None:
        return None
    csv_path = os.path.join(d, name + ".csv")
    nfdump_csv(nf, csv_path)
    lines = open(csv_path).read().splitlines()
    header = lines[0].split(",")
    # Record rows (48 columns); the summary nfdump appends has a handful.
    return [dict(zip(header, line.split(","))) for line in lines[1:] if line.count(",") > 20]


# UDP into nfcapd: every record of both loops stored.
rows = nfcapd_rows("--ipfix", "ipfix-udp")
if rows is not None:
    c.equal(len(rows), 2 * sum(file_records.values()), "ipfix-udp: nfcapd stored every record of both loops")

# --netflow9: the file's records re-encoded as NetFlow v9; the second loop's are the first's,
# (record span, whole seconds, + 1 s) later.
recs = nfcapd_rows("--netflow9", "netflow9")
if recs is not None:
    c.equal(len(recs), 2 * sum(file_records.values()), "netflow9: nfcapd stored every record of both loops")
    starts = [k[7] for k in file_records.elements()]
    ends = [k[8] for k in file_records.elements()]
    shift = ((max(ends) - min(starts)) // 1000 + 1)  # seconds, as docs/replay.md gives it

    def key(x, seconds):
        ts = int(datetime.datetime.strptime(x["ts"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp())
        return (x["sa"], x["da"], x["sp"], x["dp"], x["pr"], x["ipkt"], x["ibyt"], ts - seconds)

    counts = collections.Counter(key(x, 0) for x in recs)
    first_half = collections.Counter(key(x, 0) for x in recs[:len(recs) // 2])
    second_half = collections.Counter(key(x, shift) for x in recs[len(recs) // 2:])
    c.check(first_half == second_half, f"netflow9: the second loop is the first, {shift} s later")

# Errors.
pcap = os.path.join(d, "x.pcapng")
run([binary, "gen", "-q", "--flows", "2", "--pcap", pcap])
r = run([binary, "replay", ipfix])
c.check(r.returncode == 2 and "give --ipfix" in r.stderr, f"an IPFIX file without --ipfix: exit 2 ({r.stderr.strip()})")
r = run([binary, "replay", pcap, "--ipfix", "udp://127.0.0.1:4739"])
c.check(r.returncode == 2 and "the inputs are captures" in r.stderr, f"a capture with --ipfix: exit 2 ({r.stderr.strip()})")
r = run([binary, "replay", pcap, ipfix, "--ipfix", "udp://127.0.0.1:4739"])
c.check(r.returncode == 2 and "not both" in r.stderr, "captures and IPFIX files in one run: exit 2")
r = run([binary, "replay", ipfix, "--ipfix", f"tcp://127.0.0.1:{free_udp_port()}"])
c.check(r.returncode == 1 and "127.0.0.1" in r.stderr, f"an unreachable TCP collector: exit 1 ({r.stderr.strip()})")
bad = os.path.join(d, "cut.ipfix")
open(bad, "wb").write(data[:-7])
proc, port, out = collector("cut")
r = run([binary, "replay", bad, "--ipfix", f"tcp://127.0.0.1:{port}", "--topspeed"])
proc.wait(timeout=30)
c.check(r.returncode == 1 and "cut off" in r.stderr, f"a truncated file: warning and exit 1 ({r.stderr.strip()})")
last_start = 0  # where the last message of the file starts: the one the cut damages
pos = 0
while pos + 16 <= len(data):
    length = struct.unpack_from("!H", data, pos + 2)[0]
    if pos + length >= len(data):
        last_start = pos
        break
    pos += length
c.check(open(out, "rb").read() == data[:last_start], "a truncated file: the whole messages before the cut were sent")
c.done()
