# SPDX-License-Identifier: MIT
"""flowreplay gen --profile: every feasible record's packets and L3 bytes per direction, counted by
tshark, equal the profile, the first packet at START_TIME and the last at END_TIME to the ns; the
adjusted records equal the report and are warned with their line; bad profiles get file:line
errors; an empty profile gives an empty capture; records on the HTTP, TLS, DNS and SSH ports speak
their protocol to tshark, with the declared lengths (Content-Length, TLS records) consistent.
Usage: gen_profile_test.py FLOWREPLAY
"""
import collections
import gzip
import os
import random
import subprocess
import sys
import time

from tshark_util import CHECKSUM_PREFS, Checker, epoch_ns, read_report, run, tmpdir, tshark_fields

binary = sys.argv[1]
c = Checker("gen_profile")
d = tmpdir()
START = 1_700_000_000 * 10**9  # --start-time below: time zero of the profile
MTU = 1500
HEADER = "START_TIME,END_TIME,L3_PROTO,L4_PROTO,SRC_PORT,DST_PORT,PACKETS,BYTES,PACKETS_REV,BYTES_REV"


def ms_text(ns):
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    return f"{sign}{ns // 10**6}.{ns % 10**6:06d}"


def l4_min(l3, l4):
    return (20 if l3 == 4 else 40) + (20 if l4 == 6 else 8)


rng = random.Random(7)
records = []  # (start_ns, end_ns, l3, l4, sport, dport, p, b, pr, br)
used_starts = set()
for i in range(1500):
    l3 = 4 if rng.random() < 0.8 else 6
    l4 = rng.choices([6, 17, 1], [0.6, 0.3, 0.1])[0]
    if l3 == 6 and l4 == 1:
        l4 = 58
    p = rng.randint(1, 60)
    pr = rng.randint(0, 60)
    lo = l4_min(l3, l4)
    b = rng.randint(p * lo, p * MTU)
    br = rng.randint(pr * lo, pr * MTU) if pr else 0
    while True:
        start = rng.randint(-1000 * 10**6, 60_000 * 10**6) // 1000 * 1000  # whole µs: ms with 3 decimals
        if start not in used_starts:
            break
    used_starts.add(start)
    end = start if p + pr == 1 else start + rng.choice([0, rng.randint(0, 20_000 * 10**6) // 1000 * 1000])
    icmp = l4 in (1, 58)
    sport = 0 if icmp else 10000 + i
    dport = 0 if icmp else rng.choice([80, 443, 53, 5000 + i % 1000])
    records.append((start, end, l3, l4, sport, dport, p, b, pr, br))
# FlowTest's own edge cases, all feasible as given.
edge = [
    (-2_500_000, 7_000_000, 4, 6, 20001, 80, 1, 1040, 1000, 1_000_000),    # one forward, a thousand reverse
    (-900_000_000, -800_000_000, 4, 17, 20002, 53, 1, 60, 1, 120),       # before time zero
    (70_000_000_000, 70_000_000_000, 4, 6, 20003, 80, 5, 400, 4, 320),    # zero duration, 5 + 4 packets
    (71_000_000_000, 72_000_000_000, 4, 6, 20004, 80, 0, 0, 3, 3000),      # reverse only
    (73_000_000_000, 74_000_000_000, 4, 6, 20005, 443, 6, 240, 4, 160),    # 40 bytes a packet: option-less
    (75_000_000_000, 76_000_000_000, 6, 58, 0, 0, 3, 3 * 48 + 100, 3, 3 * 48 + 100),  # ICMPv6 echo
    (77_000_000_000, 77_000_000_000, 6, 6, 20006, 22, 1, 60, 0, 0),        # a lone IPv6 SYN
]
records += edge
feasible = len(records)
# Records that need the documented adjustments (line numbers known: header is line 1, a comment line 2).
adjusted = [
    (80_000_000_000, 80_000_000_000, 4, 6, 20010, 80, 4, 100, 2, 80),      # bytes below the headers (TCP 40)
    (81_000_000_000, 81_000_000_000, 4, 17, 20011, 53, 2, 4000, 0, 0),     # above the MTU
    (82_000_000_000, 83_000_000_000, 4, 17, 20012, 53, 1, 100, 0, 0),      # one packet spanning time
    (84_000_000_000, 85_000_000_000, 4, 1, 3, 2048, 2, 200, 2, 200),       # ICMP with ports (as ft-profiler)
]
records += adjusted
order = list(range(len(records)))
rng.shuffle(order)  # unsorted input
profile = os.path.join(d, "profile.csv")
line_of = {}
with open(profile, "w") as f:
    f.write(HEADER + "\n# a comment line\n")
    for n, k in enumerate(order):
        s, e, l3, l4, sp, dp, p, b, pr, br = records[k]
        f.write(f"{ms_text(s)},{ms_text(e)},{l3},{l4},{sp},{dp},{p},{b},{pr},{br}\n")
        line_of[k] = n + 3

cap = os.path.join(d, "out.pcapng")
report = os.path.join(d, "truth.csv")
conf = os.path.join(d, "mix.yaml")
with open(conf, "w") as f:
    f.write("network:\n  ipv6_share: 0.5\n")
r = run([binary, "gen", "--profile", profile, "--config", conf, "--start-time", "1700000000", "--pcap", cap, "--report", report])
c.equal(r.returncode, 0, f"gen --profile exits 0 ({r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ''})")
for k in range(feasible, len(records)):
    c.check(f"profile.csv:{line_of[k]}: adjusted" in r.stderr, f"the adjusted record on line {line_of[k]} is warned with its line")
c.check(f"{len(records)} records generated, {len(adjusted)} of them adjusted" in r.stderr, "the summary counts records and adjustments")

# What tshark sees, per flow and direction.
fields = ["frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.len", "ipv6.plen", "ip.proto", "ipv6.nxt",
          "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "ip.checksum.status", "tcp.checksum.status",
          "udp.checksum.status", "icmp.checksum.status", "icmpv6.checksum.status"]
out = run(["tshark", "-n", "-r", cap, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f", "-d", "udp.port==53,data",
           "-d", "tcp.port==80,data", "-d", "tcp.port==443,data", "-d", "tcp.port==22,data"] + CHECKSUM_PREFS +
          sum([["-e", x] for x in fields], []))
c.equal(out.returncode, 0, "tshark reads the capture to its end")
flows = collections.defaultdict(list)
bad_checksums = 0
for line in out.stdout.splitlines():
    v = dict(zip(fields, line.split("\t") + [""] * len(fields)))
    # The outer headers' checksums (occurrence=f): 0 is bad. Opaque payloads that a heuristic
    # dissector takes for a tunnel may show "bad checksums" of random inner bytes: not ours.
    if any(v[k] == "0" for k in ("ip.checksum.status", "tcp.checksum.status", "udp.checksum.status",
                                 "icmp.checksum.status", "icmpv6.checksum.status")):
        bad_checksums += 1
    v4 = bool(v["ip.src"])
    src, dst = (v["ip.src"], v["ip.dst"]) if v4 else (v["ipv6.src"], v["ipv6.dst"])
    l3len = int(v["ip.len"]) if v4 else int(v["ipv6.plen"]) + 40
    proto = int(v["ip.proto"] if v4 else v["ipv6.nxt"])
    sp = v["tcp.srcport"] or v["udp.srcport"] or "0"
    dp = v["tcp.dstport"] or v["udp.dstport"] or "0"
    key = (proto, frozenset([(src, sp), (dst, dp)]))
    flows[key].append((epoch_ns(v["frame.time_epoch"]), src, sp, l3len))
c.equal(bad_checksums, 0, "no bad IP/TCP/UDP checksums")

truth = read_report(report)
c.equal(len(truth), len(records), "one report row per record")
by_key = {}
mismatch_tshark = 0
for row in truth:
    proto = int(row["L4_PROTO"])
    icmp = proto in (1, 58)
    sp, dp = ("0", "0") if icmp else (row["SRC_PORT"], row["DST_PORT"])
    pk = flows.get((proto, frozenset([(row["SRC_IP"], sp), (row["DST_IP"], dp)])), [])
    fwd = [x for x in pk if x[1] == row["SRC_IP"] and x[2] == sp]
    rev = [x for x in pk if not (x[1] == row["SRC_IP"] and x[2] == sp)]
    seen = (len(fwd), sum(x[3] for x in fwd), len(rev), sum(x[3] for x in rev),
            min(x[0] for x in pk) if pk else None, max(x[0] for x in pk) if pk else None)
    want = (int(row["PACKETS"]), int(row["BYTES"]), int(row["PACKETS_REV"]), int(row["BYTES_REV"]),
            int(row["START_TIME"]), int(row["END_TIME"]))
    # Per-direction first and last packet (0 for a direction without packets).
    ends = lambda side: (min(x[0] for x in side), max(x[0] for x in side)) if side else (0, 0)  # noqa: E731
    if ends(fwd) + ends(rev) != tuple(int(row[k]) for k in ("START_TIME_FWD", "END_TIME_FWD", "START_TIME_REV", "END_TIME_REV")):
        mismatch_tshark += 1
    if seen != want:
        mismatch_tshark += 1
        if mismatch_tshark < 5:
            print("tshark", seen, "report", want, row)
    by_key[(proto, 0 if icmp else int(row["SRC_PORT"]), int(row["START_TIME"]))] = want
c.equal(mismatch_tshark, 0, "every report row equals what tshark counts (packets, L3 bytes, first and last packet per direction and overall)")

mismatch = 0
for k, (s, e, l3, l4, sp, dp, p, b, pr, br) in enumerate(records[:feasible]):
    got = by_key.get((l4, sp, START + s))
    if got != (p, b, pr, br, START + s, START + e):
        mismatch += 1
        if mismatch < 5:
            print("profile line", line_of[k], records[k], "generated", got)
c.equal(mismatch, 0, f"all {feasible} feasible records are met exactly: packets and L3 bytes per direction, START_TIME and END_TIME to the ns")

# Adjusted records: what the docs say happens.
got = [by_key.get((l4, 0 if l4 in (1, 58) else sp, START + s)) for (s, e, l3, l4, sp, dp, p, b, pr, br) in adjusted]
c.equal(got[0][:4], (4, 4 * 40, 2, 2 * 40), "bytes below the headers: raised to bare 40-byte TCP packets")
c.equal(got[1][:4], (2, 2 * 1500, 0, 0), "bytes above the MTU: lowered to full-MTU datagrams")
c.equal((got[2][0], got[2][1], got[2][5] - got[2][4]), (1, 100, 0), "one packet spanning time: its duration becomes 0")
c.equal(got[3][:4], (2, 200, 2, 200), "ICMP with ports: ports zeroed, counts kept")

# --strict rejects the first record that needs adjusting, naming its line.
r = run([binary, "gen", "--profile", profile, "--config", conf, "--strict", "--pcap", os.path.join(d, "strict.pcapng")])
first_adjusted = min(line_of[k] for k in range(feasible, len(records)))
c.check(r.returncode == 2 and f"profile.csv:{first_adjusted}: not generated as given (--strict)" in r.stderr and
        not os.path.exists(os.path.join(d, "strict.pcapng")) and not os.path.exists(os.path.join(d, "strict.pcapng.partial")),
        f"--strict: exit 2 naming the first record to adjust, and no capture at all ({r.stderr.strip()})")

# Bad profiles: file:line[:column] errors, exit 2, nothing written.
bad = {
    "missing column": (HEADER.replace(",BYTES_REV", "") + "\n0,1,4,6,1,2,3,120,1\n", ":1: the header has no BYTES_REV"),
    "non-numeric": (HEADER + "\n0,1,4,6,1,2,3,12o,1,40\n", ":2:15: BYTES: expected a byte count"),
    "negative count": (HEADER + "\n0,1,4,6,1,2,-3,120,1,40\n", ":2:13: PACKETS: expected a packet count"),
    "no packets": (HEADER + "\n0,1,4,6,1,2,0,0,0,0\n", ":2: no packets in either direction"),
    "end before start": (HEADER + "\n5,1,4,6,1,2,1,40,0,0\n", ":2: END_TIME: before START_TIME"),
    "too many decimals": (HEADER + "\n0.1234567,1,4,6,1,2,1,40,0,0\n", ":2:1: START_TIME: expected milliseconds"),
    "short row": (HEADER + "\n0,1,4,6,1,2,1,40,0\n", ":2: 9 fields, the header has 10 columns"),
    "L3 7": (HEADER + "\n0,1,7,6,1,2,1,40,0,0\n", ":2:5: L3_PROTO: expected 4 or 6"),
}
for what, (text, message) in bad.items():
    path = os.path.join(d, "bad.csv")
    with open(path, "w") as f:
        f.write(text)
    outp = os.path.join(d, "bad.pcapng")
    r = run([binary, "gen", "--profile", path, "--pcap", outp])
    c.check(r.returncode == 2 and ("bad.csv" + message) in r.stderr and not os.path.exists(outp),
            f"{what}: exit 2 and '{message}' ({r.stderr.strip()})")

# An empty profile (header only): an empty capture, exit 0.
empty = os.path.join(d, "empty.csv")
with open(empty, "w") as f:
    f.write(HEADER + "\n")
outp = os.path.join(d, "empty.pcapng")
r = run([binary, "gen", "-q", "--profile", empty, "--pcap", outp])
ci = run(["capinfos", "-c", "-M", outp])
c.check(r.returncode == 0 and "Number of packets:   0" in ci.stdout, "an empty profile: exit 0 and an empty capture")

# gzip'd profile from stdin gives the same capture.
with open(profile, "rb") as f:
    packed = gzip.compress(f.read())
cap2 = os.path.join(d, "stdin.pcapng")
p = subprocess.run([binary, "gen", "-q", "--profile", "-", "--config", conf, "--start-time", "1700000000", "--pcap", cap2],
                   input=packed, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
same = p.returncode == 0 and open(cap, "rb").read()[200:] == open(cap2, "rb").read()[200:]
c.check(same, "a gzip'd profile on stdin gives the same packets")

# A profile longer than the sort memory: sorted in runs through $TMPDIR, the same packets, less memory.
big = os.path.join(d, "big.csv")
big_rng = random.Random(11)
with open(big, "w") as f:
    f.write(HEADER + "\n")
    for i in range(300_000):
        t = f"{big_rng.randint(0, 600_000_000) / 1000:.3f}"
        f.write(f"{t},{t},4,17,{1024 + i % 60000},{5000 + i % 7},1,{28 + i % 200},0,0\n")
sort_tmp = os.path.join(d, "sort-tmp")
os.mkdir(sort_tmp)
small_cap = os.path.join(d, "big-small.pcap")
whole_cap = os.path.join(d, "big-whole.pcap")


def peak_run(args, env=None):
    """Exit code, stderr and peak RSS (KiB, VmHWM, read until the process ends) of one run."""
    p = subprocess.Popen([binary] + args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while p.poll() is None:
        try:
            with open(f"/proc/{p.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.005)
    return p.returncode, p.stderr.read(), peak


# Under AddressSanitizer, freed memory waits in a quarantine that would blur the comparison.
quiet_asan = "quarantine_size_mb=0:" + os.environ.get("ASAN_OPTIONS", "")
code, err, small_rss = peak_run(["gen", "-q", "--profile", big, "--sort-memory", "1", "--pcap", small_cap],
                                dict(os.environ, TMPDIR=sort_tmp, ASAN_OPTIONS=quiet_asan))
c.equal(code, 0, f"--sort-memory 1: exit 0 ({err.strip()})")
c.equal(os.listdir(sort_tmp), [], "the sort runs leave nothing behind in $TMPDIR")
code, err, whole_rss = peak_run(["gen", "-q", "--profile", big, "--sort-memory", "256", "--pcap", whole_cap],
                                dict(os.environ, ASAN_OPTIONS=quiet_asan))
c.check(code == 0 and open(small_cap, "rb").read() == open(whole_cap, "rb").read(),
        "sorted in runs or in memory: the same capture, byte for byte")
c.check(whole_rss - small_rss > 20_000, f"sorting in runs bounds memory: peak {small_rss} KiB against {whole_rss} KiB")
ts = run(["tshark", "-r", small_cap, "-T", "fields", "-e", "frame.time_epoch"]).stdout.split()
c.check(len(ts) == 300_000 and all(float(a) <= float(b) for a, b in zip(ts, ts[1:])), "300 000 packets, in time order")
r = subprocess.run([binary, "gen", "-q", "--profile", big, "--sort-memory", "1", "--pcap", small_cap],
                   env=dict(os.environ, TMPDIR="/nonexistent-flowreplay"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
c.check(r.returncode == 1 and "TMPDIR" in r.stderr, f"an unusable $TMPDIR: exit 1, says so ({r.stderr.strip()})")

# The application dialogue by server port, with sizes as real flows of each kind have them.
app_records = []  # (port, l4, p, b, pr, br, app)
for i in range(40):
    p, pr = rng.randint(4, 20), rng.randint(4, 40)
    app_records.append((80, 6, p, p * 52 + rng.randint(80, 3000), pr, pr * 52 + rng.randint(200, 30000), "web"))
    p, pr = rng.randint(5, 20), rng.randint(5, 40)
    app_records.append((443, 6, p, p * 52 + rng.randint(300, 4000), pr, pr * 52 + rng.randint(1500, 30000), "tls"))
    app_records.append((53, 17, 1, 28 + rng.randint(30, 70), 1, 28 + rng.randint(120, 400), "dns"))
    p, pr = rng.randint(8, 20), rng.randint(8, 30)
    app_records.append((22, 6, p, p * 52 + rng.randint(1000, 3000), pr, pr * 52 + rng.randint(1000, 9000), "ssh"))
    app_records.append((9000, 6, p, p * 52 + rng.randint(100, 3000), pr, pr * 52 + rng.randint(100, 9000), "random"))
app_profile = os.path.join(d, "apps.csv")
with open(app_profile, "w") as f:
    f.write(HEADER + "\n")
    for i, (port, l4, p, b, pr, br, _) in enumerate(app_records):
        f.write(f"{i * 10}.0,{i * 10 + 50}.0,4,{l4},{30000 + i},{port},{p},{b},{pr},{br}\n")
app_cap = os.path.join(d, "apps.pcapng")
app_report = os.path.join(d, "apps.csv.report")
r = run([binary, "gen", "-q", "--profile", app_profile, "--pcap", app_cap, "--report", app_report])
c.equal(r.returncode, 0, f"gen --profile with application ports: exit 0 ({r.stderr.strip()})")
rows = {int(row["SRC_PORT"]): row for row in read_report(app_report)}
c.check(all(rows[30000 + i]["APP"] == app for i, (*_, app) in enumerate(app_records)),
        "the report's APP is the dialogue the server port names (web, tls, dns, ssh; random elsewhere)")
fields = ["tcp.srcport", "udp.srcport", "tcp.dstport", "udp.dstport", "tcp.len", "udp.length", "tcp.stream", "http.request.method",
          "http.response.code", "http.content_length", "tls.handshake.type", "tls.handshake.extensions_server_name",
          "tls.record.length", "dns.qry.name", "dns.flags.response", "dns.count.answers", "ssh.protocol",
          "_ws.expert.severity", "_ws.col.Protocol"]
out = run(["tshark", "-n", "-r", app_cap, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=;",
           "-o", "tcp.desegment_tcp_streams:TRUE", "-o", "http.desegment_body:TRUE"] + sum([["-e", x] for x in fields], []))
c.equal(out.returncode, 0, "tshark dissects the application capture")
seen = collections.defaultdict(lambda: collections.defaultdict(list))  # client port -> field -> values
payload = collections.Counter()  # (client port, direction) -> L4 payload bytes
for line in out.stdout.splitlines():
    v = dict(zip(fields, line.split("\t") + [""] * len(fields)))
    sp = int(v["tcp.srcport"] or v["udp.srcport"])
    dp = int(v["tcp.dstport"] or v["udp.dstport"])
    client, direction = (sp, 0) if sp >= 30000 else (dp, 1)
    payload[(client, direction)] += int(v["tcp.len"]) if v["tcp.len"] else int(v["udp.length"] or 8) - 8
    for k in fields[6:]:
        if v[k]:
            seen[client][k] += v[k].split(";")
    seen[client]["protocol", direction] += [v["_ws.col.Protocol"]]
wrong = []
for i, (port, l4, p, b, pr, br, app) in enumerate(app_records):
    s = seen[30000 + i]
    ok = True
    if app == "web":
        # One request and one response, each head plus its Content-Length body exactly the direction's payload.
        lengths = [int(x) for x in s["http.content_length"]]
        ok = s["http.request.method"] and s["http.response.code"] == ["200"] and len(lengths) in (1, 2)
    elif app == "tls":
        ok = "1" in s["tls.handshake.type"] and "2" in s["tls.handshake.type"] and s["tls.handshake.extensions_server_name"]
    elif app == "dns":
        ok = (len(s["dns.qry.name"]) == 2 and s["dns.qry.name"][0] == s["dns.qry.name"][1]
              and s["dns.flags.response"] == ["0", "1"])
    elif app == "ssh":
        ok = len(s["ssh.protocol"]) == 2 and all(x.startswith("SSH-2.0-") for x in s["ssh.protocol"])
    else:
        ok = not any(s[k] for k in ("http.request.method", "tls.handshake.type", "dns.qry.name", "ssh.protocol"))
    # Dissector errors (severity PI_ERROR) in a dialogue; opaque bytes may trip a heuristic one.
    if app != "random" and any(sev == "8388608" for sev in s["_ws.expert.severity"]):
        ok = False
    if not ok:
        wrong.append((port, p, b, pr, br, dict(s)))
c.equal(len(wrong), 0, f"all {len(app_records)} flows speak the protocol their port names to tshark, the dialogues without errors "
        f"(first wrong: {wrong[:1]})")
# HTTP: each direction is one message, head + Content-Length body = the direction's payload
# (reassembled by tshark's "follow", parsed here).
http_bad = []
for i, (port, l4, p, b, pr, br, app) in enumerate(app_records):
    if app != "web" or len(http_bad) > 3:
        continue
    stream = seen[30000 + i]["tcp.stream"][0]
    follow = subprocess.run(["tshark", "-n", "-r", app_cap, "-q", "-z", f"follow,tcp,raw,{stream}"],
                            stdout=subprocess.PIPE, text=True).stdout
    data = {0: b"", 1: b""}
    lines = follow.splitlines()
    first = next((k + 1 for k, line in enumerate(lines) if line.startswith("Node 1:")), len(lines))
    for line in lines[first:]:
        if line.startswith("==="):
            break
        if line.strip():
            data[1 if line.startswith("\t") else 0] += bytes.fromhex(line.strip())
    for direction in (0, 1):
        head, sep, rest = data[direction].partition(b"\r\n\r\n")
        lengths = [int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length:")]
        declared = lengths[0] if lengths else 0
        if not sep or len(head) + 4 + declared != len(data[direction]) or len(data[direction]) != payload[(30000 + i, direction)]:
            http_bad.append((i, direction, len(head), declared, len(data[direction]), payload[(30000 + i, direction)]))
c.equal(http_bad, [], "HTTP: head + Content-Length is exactly each direction's payload")

# Packet sizes follow the config's size histogram where the record's mean allows it: UDP records
# whose mean frame is the histogram's mean get the histogram's shares; records with a smaller
# mean get the histogram tilted towards its small bins, and every total stays exact.
hist_conf = os.path.join(d, "hist.yaml")
with open(hist_conf, "w") as f:
    f.write('packets:\n  size_histogram:\n    "100-199": 0.5\n    "1000-1099": 0.5\n')
hist_profile = os.path.join(d, "hist.csv")
with open(hist_profile, "w") as f:
    f.write(HEADER + "\n")
    for i in range(4):  # mean frame 599.5 = the histogram's mean: L3 585.5 a packet
        f.write(f"{i * 100}.0,{i * 100 + 90}.0,4,17,{40000 + i},7000,1000,585500,0,0\n")
    f.write("500.0,590.0,4,17,40010,7000,1000,300000,0,0\n")  # mean frame 314: fewer large ones
hist_cap = os.path.join(d, "hist.pcap")
r = run([binary, "gen", "-q", "--profile", hist_profile, "--config", hist_conf, "--pcap", hist_cap])
c.equal(r.returncode, 0, f"gen --profile with a size histogram: exit 0 ({r.stderr.strip()})")
out = run(["tshark", "-n", "-r", hist_cap, "-T", "fields", "-e", "udp.srcport", "-e", "frame.len", "-e", "ip.len"])
by_port = collections.defaultdict(list)
for line in out.stdout.splitlines():
    port, frame, l3 = line.split("\t")
    by_port[int(port)].append((int(frame), int(l3)))
matched = [x for p, xs in by_port.items() if p < 40010 for x in xs]
share = lambda xs, lo, hi: sum(1 for f, _ in xs if lo <= f <= hi) / len(xs)  # noqa: E731
c.check(len(matched) == 4000 and abs(share(matched, 100, 199) - 0.5) < 0.04 and abs(share(matched, 1000, 1099) - 0.5) < 0.04,
        f"mean at the histogram's: half the frames in 100-199 and half in 1000-1099 "
        f"({share(matched, 100, 199):.3f}, {share(matched, 1000, 1099):.3f} of {len(matched)})")
c.check(all(sum(l3 for _, l3 in by_port[40000 + i]) == 585500 for i in range(4)), "their L3 bytes stay exact")
small = by_port[40010]
c.check(sum(l3 for _, l3 in small) == 300000 and 0.65 < share(small, 100, 199) < 0.85,
        f"a smaller mean tilts towards the small bin, bytes exact ({share(small, 100, 199):.3f} in 100-199)")

# Per-direction times, as ft-generator's report has them (START_TIME/END_TIME the forward
# direction's, START_TIME_REV/END_TIME_REV the reverse's): each direction's first and last packet
# where the record says, whichever side starts or ends the flow; TCP's handshake and teardown
# where the times allow them, and tshark sees no sequence trouble.
REPORT_HEADER = ("SRC_IP,DST_IP,START_TIME,END_TIME,START_TIME_REV,END_TIME_REV,L3_PROTO,L4_PROTO,SRC_PORT,DST_PORT,"
                 "PACKETS,BYTES,PACKETS_REV,BYTES_REV")
prng = random.Random(11)
per_dir = []
for i in range(300):
    l4 = prng.choice([6, 17])
    p, pr = prng.randint(1, 30), prng.randint(0, 30)
    b = prng.randint(p * 40, p * MTU)
    br = prng.randint(pr * 40, pr * MTU) if pr else 0
    base = i * 100_000_000_000  # ns: flows 100 s apart
    times = sorted(prng.randint(0, 5_000_000) * 1000 for _ in range(4))  # whole µs
    fs, fe = (times[0], times[3]) if i % 3 == 0 else (times[1], times[2]) if i % 3 == 1 else (times[0], times[2])
    rs, re_ = (times[1], times[2]) if i % 3 == 0 else (times[0], times[3]) if i % 3 == 1 else (times[1], times[3])
    if p == 1:
        fe = fs
    if pr == 1:
        re_ = rs
    if pr == 0:
        rs = re_ = 0  # ft-generator writes 0 for a direction without packets
    per_dir.append((f"10.77.{i // 200}.{i % 200 + 1}", base + fs, base + fe, base + rs, base + re_, l4, 30000 + i,
                    prng.choice([80, 443, 7000]), p, b, pr, br))
per_dir_profile = os.path.join(d, "per-direction.csv")
with open(per_dir_profile, "w") as f:
    f.write(REPORT_HEADER + "\n")
    for src, fs, fe, rs, re_, l4, sp, dp, p, b, pr, br in per_dir:
        f.write(f"{src},10.78.0.1,{ms_text(fs)},{ms_text(fe)},{ms_text(rs)},{ms_text(re_)},4,{l4},{sp},{dp},{p},{b},{pr},{br}\n")
per_dir_cap = os.path.join(d, "per-direction.pcap")
r = run([binary, "gen", "-q", "--profile", per_dir_profile, "--start-time", "1700000000", "--pcap", per_dir_cap])
c.equal(r.returncode, 0, f"gen --profile with per-direction times: exit 0 ({r.stderr.strip()})")
pkts = collections.defaultdict(list)
for v in tshark_fields(per_dir_cap, ["frame.time_epoch", "ip.src", "ip.len", "tcp.srcport", "udp.srcport",
                                     "tcp.dstport", "udp.dstport", "tcp.flags.syn", "tcp.flags.fin"]):
    forward = v["ip.src"] != "10.78.0.1"
    port = int((v["tcp.srcport"] or v["udp.srcport"]) if forward else (v["tcp.dstport"] or v["udp.dstport"]))
    pkts[(port, forward)].append((epoch_ns(v["frame.time_epoch"]), int(v["ip.len"]), v["tcp.flags.syn"] == "1"))
wrong = []
handshakes = 0
for src, fs, fe, rs, re_, l4, sp, dp, p, b, pr, br in per_dir:
    fwd, rev = pkts[(sp, True)], pkts[(sp, False)]
    seen = (len(fwd), sum(x[1] for x in fwd), fwd[0][0] - START, fwd[-1][0] - START)
    if rev:
        seen += (len(rev), sum(x[1] for x in rev), rev[0][0] - START, rev[-1][0] - START)
    want = (p, b, fs, fe) + ((pr, br, rs, re_) if pr else ())
    if seen != want:
        wrong.append((sp, seen, want))
    if l4 == 6 and fwd[0][2]:
        handshakes += 1
        if pr and not (fs <= rs and rev[0][2]):
            wrong.append((sp, "a SYN when the reverse side starts first, or no SYN-ACK"))
c.equal(wrong[:3], [], "per-direction times: every direction's packets, L3 bytes, first and last packet (to the ns) as the record says")
c.check(handshakes > 20, f"TCP records whose forward side starts first open with a handshake ({handshakes})")
trouble = tshark_fields(per_dir_cap, ["frame.number"], "tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment || "
                        "tcp.analysis.out_of_order || tcp.analysis.retransmission || tcp.analysis.spurious_retransmission")
c.equal(len(trouble), 0, "tshark's TCP analysis finds no lost, unseen-acked, out-of-order or retransmitted segment")
r = run([binary, "gen", "-q", "--profile", "-", "--pcap", os.path.join(d, "x.pcap")],
        input=REPORT_HEADER + "\n10.0.0.1,10.0.0.2,0,1,5,,4,17,1,2,1,40,1,40\n")
c.check(r.returncode == 2 and "<stdin>:2:" in r.stderr and "START_TIME_REV: given without END_TIME_REV" in r.stderr,
        f"START_TIME_REV without END_TIME_REV: exit 2, named ({r.stderr.strip()})")

# nDPI names each flow by its content.
ndpi = run(["ndpiReader", "-i", app_cap])
detected = {}
for line in ndpi.stdout.split("Detected protocols:")[-1].split("Protocol statistics")[0].splitlines():
    parts = line.split()
    if len(parts) >= 7 and parts[-2] == "flows:":
        detected[parts[0]] = int(parts[-1])
per_app = len(app_records) // 5
c.equal(detected, {"DNS": per_app, "HTTP": per_app, "TLS": per_app, "SSH": per_app, "Unknown": per_app},
        "ndpiReader names every DNS, HTTP, TLS and SSH flow, and none of the opaque ones")
c.done()
