# SPDX-License-Identifier: MIT
"""Export faults: IPFIX over UDP to a port nobody listens on, IPFIX files on a full disk or on
stdout, stdout asked for twice, and an IPFIX-over-TCP collector that accepts and then hangs.
Every case ends with the documented message and exit code, in bounded time.
Usage: export_faults_test.py FLOWREPLAY
"""
import os
import subprocess
import sys
import time

from flow_records import free_udp_port
from tshark_util import Checker, run, tmpdir

binary = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
c = Checker("export_faults")
d = tmpdir()


# IPFIX over UDP to a closed port: ICMP port unreachable comes back as ECONNREFUSED on a later
# send; those records are counted as dropped, as NetFlow v9 counts them. Paced over 0.2 s:
# the kernel rate-limits ICMP errors host-wide (1000/s, burst 50).
closed = free_udp_port()
r = run([binary, "gen", "-q", "--flows", "2000", "--ipfix", f"udp://127.0.0.1:{closed}", "--rate", "20000"])
dropped = [int(w) for line in r.stderr.splitlines() if "records sent" in line
           for w, nxt in zip(line.split(), line.split()[1:]) if nxt == "dropped,"]
c.check(r.returncode == 1 and dropped and dropped[0] > 0 and "records were lost" in r.stderr,
        f"IPFIX over UDP, nobody listening: drops counted, exit 1 (exit {r.returncode}: {r.stderr.strip()!r})")

# An IPFIX file on a full disk, small enough to fit one buffer: the failure shows at close.
r = run([binary, "gen", "-q", "--flows", "10", "--ipfix-file", "/dev/full"])
c.check(r.returncode == 1 and "No space left on device" in r.stderr and "/dev/full" in r.stderr
        and ": 0 records sent in 0 messages" in r.stderr and " 0 dropped" not in r.stderr,
        f"IPFIX file on a full disk -> exit 1, nothing counted as sent ({r.stderr.strip()!r})")

# stdout: an IPFIX file on -, the same bytes as in a file; at most one output on stdout.
f = os.path.join(d, "a.ipfix")
run([binary, "gen", "-q", "--flows", "300", "--ipfix-file", f])
out = subprocess.run([binary, "gen", "-q", "--flows", "300", "--ipfix-file", "-"], stdout=subprocess.PIPE)
with open(f, "rb") as fh:
    c.check(out.returncode == 0 and out.stdout == fh.read() and not os.path.exists("-"),
            "--ipfix-file - writes the same bytes to stdout (and no file named -)")
for args in (["--pcap", "-", "--ipfix-file", "-"], ["--report", "-", "--ipfix-file", "-"], ["--pcap", "-", "--report", "-"]):
    r = run([binary, "gen", "-q", "--flows", "5", *args])
    c.check(r.returncode == 2 and "only one of" in r.stderr and "(stdout)" in r.stderr,
            f"gen {' '.join(args)} -> exit 2 ({r.stderr.strip()!r})")
    c.check(not os.path.exists("-"), "no file named - was made")

# A collector that accepts, reads a little, then hangs (and accepts reconnections it never reads):
# flowreplay gives up after --collector-timeout with a clear message, exit 1.
dump = os.path.join(d, "hang.bin")
col = subprocess.Popen([sys.executable, os.path.join(here, "tcp_collector.py"), dump, "127.0.0.1", "--hang-after", "20000"],
                       stdout=subprocess.PIPE, text=True)
port = int(col.stdout.readline())
t0 = time.time()
r = subprocess.run([binary, "gen", "-q", "--flows", "200000", "--pcap", os.devnull, "--ipfix", f"tcp://127.0.0.1:{port}",
                    "--collector-timeout", "2s"], capture_output=True, text=True, timeout=120)
took = time.time() - t0
col.kill()
col.wait()
c.check(r.returncode == 1 and "stopped reading" in r.stderr and "--collector-timeout" in r.stderr and took < 30,
        f"a hung collector: given up after --collector-timeout 2s in {took:.1f} s, exit 1 ({r.stderr.strip()!r})")
r = run([binary, "gen", "-q", "--flows", "5", "--ipfix", "tcp://127.0.0.1:9", "--collector-timeout", "0.1s"])
c.check(r.returncode == 2 and "--collector-timeout" in r.stderr, f"--collector-timeout 0.1s -> exit 2 ({r.stderr.strip()!r})")
# Multicast collectors: refused without --ttl, before any socket is opened (nothing is sent).
for args, pattern in ((["--netflow9", "udp://239.1.2.3:2055"], "give --ttl N"),
                      (["--ipfix", "udp://[ff05::1]:4739"], "give --ttl N"),
                      (["--ipfix", "tcp://239.1.2.3:4739", "--ttl", "1"], "TCP needs a unicast collector")):
    r = run([binary, "gen", "-q", "--flows", "5", *args])
    c.check(r.returncode == 2 and pattern in r.stderr and "multicast group" in r.stderr,
            f"gen {' '.join(args)} -> exit 2 ({r.stderr.strip()!r})")
c.done()
