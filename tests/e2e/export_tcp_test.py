# SPDX-License-Identifier: MIT
"""IPFIX over TCP against a collector that behaves, dies, or drops the connection and comes back.
The collector (tcp_collector.py) keeps every byte it read; ipfixDump decodes them. What flowreplay
claims to have sent is checked against that, against gen's ground-truth report, and, when the
collector dies with data unread, against the acknowledgements a tcpdump capture shows.
Everything stays on loopback. Usage: export_tcp_test.py FLOWREPLAY
"""
import os
import re
import signal
import subprocess
import sys
import time

from flow_records import free_udp_port, ipfixdump_records, report_records
from tshark_util import Checker, run, tmpdir, tshark_fields

binary = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
c = Checker("export-tcp")
d = tmpdir()


def collector(name, *args, host="127.0.0.1"):
    out = os.path.join(d, name + ".ipfix")
    proc = subprocess.Popen([sys.executable, os.path.join(here, "tcp_collector.py"), out, host, *args],
                            stdout=subprocess.PIPE, text=True)
    return proc, int(proc.stdout.readline()), out


def summary(stderr):
    """(sent, messages, dropped, retries) from the exporter's summary line."""
    m = re.search(r"IPFIX to \S+: (\d+) records sent in (\d+) messages, (\d+) dropped, (\d+) retries", stderr)
    return tuple(int(x) for x in m.groups()) if m else None


def last_line(r):
    lines = r.stderr.strip().splitlines()
    return lines[-1] if lines else ""


def subset(got, want):
    return all(want[k] >= n for k, n in got.items())


# 1. A collector that reads everything: every record of the report arrives, once.
for host in ("127.0.0.1", "::1"):
    proc, port, out = collector("all-" + host.replace(":", "_"), host=host)
    rep = os.path.join(d, "all.csv")
    url = f"tcp://[{host}]:{port}" if ":" in host else f"tcp://{host}:{port}"
    r = run([binary, "gen", "--flows", "3000", "--seed", "3", "--report", rep, "--ipfix", url])
    proc.wait(timeout=30)
    want, got = report_records(rep), ipfixdump_records(out)
    s = summary(r.stderr)
    c.equal(r.returncode, 0, f"gen --ipfix {url} exits 0")
    c.check(s is not None and s[0] == sum(want.values()) and s[2] == 0,
            f"{host}: the summary counts every record as sent ({s}, report {sum(want.values())})")
    c.check(got == want, f"{host}: the collector holds exactly the report's {sum(want.values())} records "
                         f"(got {sum(got.values())})")

# `flowreplay export` of a capture over TCP: the collector holds the metered records of its report.
pcap = os.path.join(d, "trace.pcapng")
run([binary, "gen", "-q", "--flows", "1500", "--seed", "8", "--pcap", pcap])
proc, port, out = collector("export")
rep = os.path.join(d, "export.csv")
r = run([binary, "export", pcap, "--report", rep, "--ipfix", f"tcp://127.0.0.1:{port}"])
proc.wait(timeout=30)
want, got = report_records(rep), ipfixdump_records(out)
c.equal(r.returncode, 0, "flowreplay export CAPTURE --ipfix tcp://... exits 0")
c.check(got == want and sum(want.values()) >= 1500,
        f"the collector holds exactly the {sum(want.values())} metered records (got {sum(got.values())})")

# 2. A collector killed mid-stream (SIGKILL, having read all it was sent): it closes with a FIN,
#    and what flowreplay counts as sent is exactly what it read.
proc, port, out = collector("killed", "--die-after", "40000")
rep = os.path.join(d, "killed.csv")
r = run([binary, "gen", "--flows", "3000", "--seed", "4", "--report", rep, "--ipfix", f"tcp://127.0.0.1:{port}",
         "--rate", "2000"])
proc.wait(timeout=30)
got = ipfixdump_records(out)
s = summary(r.stderr)
c.check(r.returncode == 1 and "IPFIX export failed" in r.stderr and "closed the connection" in r.stderr
        and "retries" in r.stderr and "Traceback" not in r.stderr and r.returncode >= 0,
        f"collector killed mid-stream: a clear message and exit 1 ({last_line(r)})")
c.check(s is not None and s[0] == sum(got.values()) > 0,
        f"the summary's sent ({s[0] if s else None}) equals what the killed collector received ({sum(got.values())})")
c.check(s is not None and s[2] > 0 and s[3] == 5, f"the rest are counted as dropped after 5 retries ({s})")
# The report of a failed run is kept under its .partial name: it does not hold the whole run.
c.check(not os.path.exists(rep) and os.path.exists(rep + ".partial"), "the failed run's report is killed.csv.partial")
c.check(subset(got, report_records(rep + ".partial")), "each record the collector received is one of the report's (kept "
                                                       "on failure), none twice")

# 3. A collector killed with data still unread in its socket buffer resets the connection. Its
#    TCP had acknowledged those bytes; flowreplay counts as sent exactly what was acknowledged
#    (read from a capture of the connection) and says the unread part is lost.
proc, port, out = collector("reset", "--stall-after", "100000")
cap = os.path.join(d, "reset.pcap")
dump = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-B", "65536", "-w", cap, "tcp", "port", str(port)],
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
time.sleep(1.0)
r = run([binary, "gen", "-q", "--flows", "50000", "--ipfix", f"tcp://127.0.0.1:{port}"])
proc.wait(timeout=30)
time.sleep(0.5)
dump.send_signal(signal.SIGINT)
dump_err = dump.communicate(timeout=10)[1]
c.check(re.search(r"^0 packets dropped by kernel", dump_err, re.M) is not None, "tcpdump captured the connection whole")
rows = tshark_fields(cap, ["tcp.srcport", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.reset", "tcp.seq_raw",
                           "tcp.ack_raw", "tcp.payload"])
isn = next(int(x["tcp.seq_raw"]) for x in rows if x["tcp.srcport"] != str(port) and x["tcp.flags.syn"] in ("1", "True"))
stream = bytearray()
acked = 0
for x in rows:
    if x["tcp.srcport"] != str(port):
        payload = bytes.fromhex(x["tcp.payload"].replace(":", ""))
        off = (int(x["tcp.seq_raw"]) - isn - 1) % 2**32
        if payload and off <= len(stream):
            stream[off:off + len(payload)] = payload
    elif x["tcp.flags.ack"] in ("1", "True") and x["tcp.flags.reset"] not in ("1", "True"):
        acked = max(acked, (int(x["tcp.ack_raw"]) - isn - 1) % 2**32)
end = 0  # whole IPFIX messages inside the acknowledged bytes
while end + 4 <= acked and end + int.from_bytes(stream[end + 2:end + 4], "big") <= acked:
    end += int.from_bytes(stream[end + 2:end + 4], "big")
acked_file = os.path.join(d, "acked.ipfix")
with open(acked_file, "wb") as f:
    f.write(stream[:end])
n_acked = sum(ipfixdump_records(acked_file).values())
n_read = sum(ipfixdump_records(out).values())
s = summary(r.stderr)
c.check(r.returncode == 1 and "reset the connection" in r.stderr and "not read are lost" in r.stderr,
        f"a reset from a collector with unread data: a clear message and exit 1 ({last_line(r)})")
c.check(s is not None and s[0] == n_acked > 0,
        f"the summary's sent ({s[0] if s else None}) equals the records in the {acked} bytes the collector's TCP "
        f"acknowledged ({n_acked})")
c.check(0 < n_read <= n_acked, f"the collector had read {n_read} of them when it died")

# 4. A collector that closes the connection and takes the next one: flowreplay reconnects and
#    sends again what was not acknowledged; nothing is lost and nothing arrives twice.
proc, port, out = collector("reconnect", "--close-after", "40000", "--connections", "2")
rep = os.path.join(d, "reconnect.csv")
r = run([binary, "gen", "--flows", "2000", "--seed", "6", "--report", rep, "--ipfix", f"tcp://127.0.0.1:{port}",
         "--rate", "4000"])
proc.wait(timeout=30)
want, got = report_records(rep), ipfixdump_records(out)
s = summary(r.stderr)
c.equal(r.returncode, 0, "a dropped connection that comes back: exit 0")
c.check(s is not None and s[3] >= 1 and s[0] == sum(want.values()) and s[2] == 0,
        f"the summary shows the retry and every record sent ({s})")
c.check(got == want, f"the collector holds exactly the report's {sum(want.values())} records over its two "
                     f"connections (got {sum(got.values())})")

# 5. Nothing listening: retries with backoff, then a clear error before any work, exit 1.
t0 = time.monotonic()
r = run([binary, "gen", "-q", "--flows", "200", "--ipfix", f"tcp://127.0.0.1:{free_udp_port()}"])
c.check(r.returncode == 1 and "cannot connect" in r.stderr and "refused" in r.stderr and "5 retries" in r.stderr,
        f"refused TCP connection: retries, a clear message, exit 1 ({last_line(r)})")
c.check(time.monotonic() - t0 >= 3.0, "the five retries back off (0.1 s doubling: at least 3.1 s in all)")

c.done()
