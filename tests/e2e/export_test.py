# SPDX-License-Identifier: MIT
"""flowreplay gen exporting its ground truth to real collectors on loopback: nfcapd/nfdump for
NetFlow v9 and IPFIX over UDP, ipfixDump for an IPFIX file, tshark's cflow dissector for the
datagrams on the wire. Every expected value comes from gen's --report CSV and the collectors'
own decoding. Ports are taken from a free range; nothing leaves 127.0.0.1.
Usage: export_test.py FLOWREPLAY
"""
import collections
import csv
import os
import signal
import subprocess
import sys
import time

from flow_records import free_udp_port, report_records
from tshark_util import Checker, run, tmpdir

binary = sys.argv[1]
c = Checker("export")
d = tmpdir()


def nfdump_records(directory):
    out = subprocess.run(["nfdump", "-R", directory, "-q", "-6", "-N", "-o", "json"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=dict(os.environ, TZ="UTC")).stdout
    import json
    recs = collections.Counter()
    # nfdump -o json prints one object per flow; times as "YYYY-MM-DDTHH:MM:SS.mmm".
    text = out.strip()
    if not text.startswith("["):
        text = "[" + text.rstrip(",") + "]"
    for obj in json.loads(text):
        def ms(t):
            import datetime
            dt = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
            return int(round(dt.timestamp() * 1000))
        src = obj.get("src4_addr") or obj.get("src6_addr")
        dst = obj.get("dst4_addr") or obj.get("dst6_addr")
        proto = int(obj["proto"])
        sp, dp = int(obj.get("src_port", 0)), int(obj.get("dst_port", 0))
        if proto in (1, 58):
            sp, dp = 0, int(obj.get("icmp_type", 0)) * 256 + int(obj.get("icmp_code", 0))
        recs[(src, sp, dst, dp, proto, int(obj["in_packets"]), int(obj["in_bytes"]), ms(obj["first"]),
              ms(obj["last"]))] += 1
    return recs


def collect(flag, proto_name):
    port = free_udp_port()
    nfdir = os.path.join(d, "nf-" + proto_name)
    os.makedirs(nfdir)
    log = open(os.path.join(d, f"nfcapd-{proto_name}.log"), "w")
    nf = subprocess.Popen(["nfcapd", "-w", nfdir, "-p", str(port), "-b", "127.0.0.1", "-t", "60", "-B", "8388608"],
                          stdout=log, stderr=subprocess.STDOUT)
    cap = os.path.join(d, f"wire-{proto_name}.pcap")
    dump = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-w", cap, "udp", "port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    rep = os.path.join(d, f"truth-{proto_name}.csv")
    r = run([binary, "gen", "--flows", "1500", "--seed", "5", "--report", rep, flag, f"udp://127.0.0.1:{port}",
             "--rate", "50000"])
    time.sleep(0.7)
    dump.send_signal(signal.SIGINT)
    dump.wait(timeout=10)
    nf.send_signal(signal.SIGTERM)
    nf.wait(timeout=10)
    log.close()
    return r, rep, nfdir, cap, port


for flag, name in (("--netflow9", "v9"), ("--ipfix", "ipfix")):
    r, rep, nfdir, cap, port = collect(flag, name)
    c.check(r.returncode == 0 and "0 dropped" in r.stderr, f"{name}: gen exits 0 and reports no drop ({r.stderr.strip().splitlines()[-1]})")
    want = report_records(rep)
    got = nfdump_records(nfdir)
    c.equal(sum(got.values()), sum(want.values()), f"{name}: nfdump lists as many one-way records as the report implies")
    c.check(got == want, f"{name}: addresses, ports, protocol, packets, bytes and start/end ms equal the report for every record")
    if got != want:
        for k in list((want - got).keys())[:3]:
            print("     missing", k)
        for k in list((got - want).keys())[:3]:
            print("     unexpected", k)
    rows = subprocess.run(["tshark", "-n", "-r", cap, "-d", f"udp.port=={port},cflow", "-T", "fields", "-e", "cflow.version",
                           "-e", "_ws.malformed", "-e", "_ws.expert.severity"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True).stdout.splitlines()
    versions = collections.Counter(x.split("\t")[0] for x in rows)
    bad = sum(1 for x in rows if x.split("\t")[1])
    c.check(len(rows) > 10 and bad == 0 and set(versions) == {"9" if name == "v9" else "10"},
            f"{name}: tshark decodes all {len(rows)} datagrams as cflow version {dict(versions)}, none malformed")

# flowreplay export: flows metered from a gen capture reach nfcapd as gen's ground truth.
cap = os.path.join(d, "gen.pcapng")
truth = os.path.join(d, "truth-capture.csv")
run([binary, "gen", "-q", "--flows", "1200", "--seed", "9", "--pcap", cap, "--report", truth])
port = free_udp_port()
nfdir = os.path.join(d, "nf-export")
os.makedirs(nfdir)
nf = subprocess.Popen(["nfcapd", "-w", nfdir, "-p", str(port), "-b", "127.0.0.1", "-t", "60", "-B", "8388608"],
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(1.0)
r = run([binary, "export", cap, "--ipfix", f"udp://127.0.0.1:{port}", "--rate", "50000"])
time.sleep(0.7)
nf.send_signal(signal.SIGTERM)
nf.wait(timeout=10)
c.check(r.returncode == 0 and "1200 flow records" in r.stderr, f"export meters 1200 flows ({r.stderr.strip().splitlines()[0]})")
got, want = nfdump_records(nfdir), report_records(truth)
c.check(got == want, f"export of a gen capture: nfdump holds gen's ground truth ({sum(got.values())} one-way records, packets and bytes per direction exact)")

# --realtime: records leave when their flows end in trace time (here 20 times faster).
with open(truth) as f:
    ends = sorted(int(x["END_TIME"]) for x in csv.DictReader(f))
span = (ends[-1] - ends[0]) / 1e9 / 20
t0 = time.monotonic()
r = run([binary, "export", "-q", cap, "--ipfix-file", os.path.join(d, "rt.ipfix"), "--realtime", "--multiplier", "20"])
took = time.monotonic() - t0
c.check(r.returncode == 0 and span * 0.95 <= took <= span + 2.0,
        f"--realtime --multiplier 20: {took:.2f} s of wall for {span:.2f} s of scaled trace")

# IPFIX to a file: ipfixDump decodes every record and the templates; ns times when asked for.
ipf = os.path.join(d, "out.ipfix")
rep = os.path.join(d, "truth-file.csv")
r = run([binary, "gen", "-q", "--flows", "800", "--report", rep, "--ipfix-file", ipf, "--ipfix-time", "ns"])
c.equal(r.returncode, 0, "gen --ipfix-file exits 0")
want = sum(report_records(rep).values())
dump = run(["ipfixDump", "-i", ipf])
text = dump.stdout + dump.stderr
c.check("flowStartNanoseconds" in text and "flowStartMilliseconds" in text, "ipfixDump shows ms and ns time elements")
data = run(["ipfixDump", "-i", ipf, "-d"]).stdout
n_records = data.count("octetDeltaCount")
c.equal(n_records, want, "ipfixDump decodes every record of the file")
c.check("ERROR" not in text.upper().replace("ERRORS", ""), "ipfixDump reports no error")
bi = os.path.join(d, "bi.ipfix")
run([binary, "gen", "-q", "--flows", "300", "--ipfix-file", bi, "--biflow"])
c.check("reverseOctetDeltaCount" in run(["ipfixDump", "-i", bi]).stdout, "--biflow carries RFC 5103 reverse counters")

# Errors: a bad collector URL, an unwritable file, NetFlow v9 over TCP.
r = run([binary, "gen", "-q", "--flows", "10", "--ipfix", "udp://127.0.0.1"])
c.check(r.returncode == 2 and "--ipfix" in r.stderr, f"a URL without a port -> exit 2 ({r.stderr.strip()})")
r = run([binary, "gen", "-q", "--flows", "10", "--ipfix-file", "/nonexistent-dir/x.ipfix"])
c.check(r.returncode == 1 and "/nonexistent-dir/x.ipfix" in r.stderr, f"unwritable IPFIX file -> exit 1 ({r.stderr.strip()})")
r = run([binary, "gen", "-q", "--flows", "10", "--netflow9", "tcp://127.0.0.1:9"])
c.check(r.returncode == 2 and "UDP" in r.stderr, f"NetFlow v9 over TCP -> exit 2 ({r.stderr.strip()})")
closed = free_udp_port()
# Over 0.2 s: ICMP port-unreachable replies are rate-limited (1000/s, burst 50, host-wide).
r = run([binary, "gen", "-q", "--flows", "2000", "--netflow9", f"udp://127.0.0.1:{closed}", "--rate", "20000"])
c.check(r.returncode == 1 and "dropped" in r.stderr,
        f"nobody listening on {closed}: the send errors are counted, exit 1 (exit {r.returncode}: {r.stderr.strip()!r})")
c.done()
