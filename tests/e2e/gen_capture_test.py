# SPDX-License-Identifier: MIT
"""flowreplay gen on the built-in default mix, read back by capinfos and tshark.

Checks: pcapng with ns resolution; no malformed packet, no bad IP/TCP/UDP/ICMP checksum, no TCP
analysis flag; web/tls/dns/ssh/smtp/ftp flows dissected as their protocol; per-flow packets, L3
bytes and first/last times from tshark equal the ground-truth report; conversation count equals
the report's flow count.
Usage: gen_capture_test.py FLOWREPLAY [--config FILE] [--apps web,dns,...] [--flows N]
--apps lists the patterns the mix plays (default: the built-in mix's dissectable ones).
"""
import argparse
import collections
import os

from tshark_util import CHECKSUM_PREFS, Checker, epoch_ns, read_report, run, tmpdir, tshark_fields

ap = argparse.ArgumentParser()
ap.add_argument("binary")
ap.add_argument("--config")
ap.add_argument("--apps", default="web,dns,ssh,smtp,ftp,database")
ap.add_argument("--flows")
args = ap.parse_args()
binary = args.binary
c = Checker("gen_capture" + (f" ({os.path.basename(args.config)})" if args.config else ""))
d = tmpdir()
cap = os.path.join(d, "out.pcapng")
rep = os.path.join(d, "flows.csv")
cmd = [binary, "gen", "--pcap", cap, "--report", rep]
if args.config:
    cmd += ["--config", args.config]
if args.flows:
    cmd += ["--flows", args.flows]
r = run(cmd)
c.equal(r.returncode, 0, "gen exits 0")
c.check("flows," in r.stderr and "packets" in r.stderr, "gen prints a summary on stderr")

info = run(["capinfos", "-M", cap]).stdout
c.check("File type:           pcapng" in info or "pcapng" in info.split("File type:")[1].splitlines()[0],
        "capinfos: file type pcapng")
c.check("nanoseconds (9)" in info, "capinfos: nanosecond time precision")
c.check("Strict time order:   True" in info, "capinfos: strict time order")

# One pass over every packet with checksum validation on.
fields = ["frame.number", "frame.time_epoch", "frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
          "ip.proto", "ipv6.nxt", "ip.len", "ipv6.plen", "tcp.srcport", "tcp.dstport", "udp.srcport",
          "udp.dstport", "icmp.ident", "icmpv6.echo.identifier", "ip.checksum.status", "tcp.checksum.status",
          "udp.checksum.status", "icmp.checksum.status", "icmpv6.checksum.status", "tcp.analysis.flags",
          "_ws.malformed", "_ws.expert.severity"]
rows = tshark_fields(cap, fields, extra=CHECKSUM_PREFS)
report = read_report(rep)
c.check(len(rows) > 1000, f"tshark read {len(rows)} packets")

bad_sum = [x["frame.number"] for x in rows
           if "0" in (x["ip.checksum.status"], x["tcp.checksum.status"], x["udp.checksum.status"],
                      x["icmp.checksum.status"], x["icmpv6.checksum.status"])]
c.equal(len(bad_sum), 0, "no bad IP/TCP/UDP/ICMP checksum")
unverified_l4 = sum(1 for x in rows if x["tcp.srcport"] and x["tcp.checksum.status"] != "1")
c.equal(unverified_l4, 0, "every TCP checksum verified good")
c.equal(sum(1 for x in rows if x["_ws.malformed"]), 0, "no malformed packet")
c.equal(sum(1 for x in rows if x["tcp.analysis.flags"]), 0, "no TCP analysis flag (loss, retransmission, window...)")


def key_of(x):
    src = x["ip.src"] or x["ipv6.src"]
    dst = x["ip.dst"] or x["ipv6.dst"]
    proto = int(x["ip.proto"] or x["ipv6.nxt"])
    if x["tcp.srcport"]:
        sp, dp = int(x["tcp.srcport"]), int(x["tcp.dstport"])
    elif x["udp.srcport"]:
        sp, dp = int(x["udp.srcport"]), int(x["udp.dstport"])
    else:  # ICMP echo: the address pair and the identifier name the conversation
        ident = x["icmp.ident"] or x["icmpv6.echo.identifier"]
        return (proto, min(src, dst), max(src, dst), int(ident, 0))
    a, b = (src, sp), (dst, dp)
    return (proto,) + (a + b if a <= b else b + a)


class Flow:
    def __init__(self):
        self.first = None
        self.packets = collections.Counter()
        self.bytes = collections.Counter()
        self.first_ts = None
        self.last_ts = None
        self.protocols = set()


flows_seen = collections.OrderedDict()
for x in rows:
    k = key_of(x)
    f = flows_seen.setdefault(k, Flow())
    src = x["ip.src"] or x["ipv6.src"]
    if f.first is None:
        f.first = src
    direction = "fwd" if src == f.first else "rev"
    f.packets[direction] += 1
    l3 = int(x["ip.len"]) if x["ip.len"] else int(x["ipv6.plen"]) + 40
    f.bytes[direction] += l3
    ts = epoch_ns(x["frame.time_epoch"])
    f.first_ts = ts if f.first_ts is None else f.first_ts
    f.last_ts = ts
    f.protocols.update(x["frame.protocols"].split(":"))

c.equal(len(flows_seen), len(report), "conversations in the capture == flows in the report")
conv = run(["tshark", "-n", "-r", cap, "-q", "-z", "conv,tcp", "-z", "conv,udp"]).stdout
conv_rows = sum(1 for line in conv.splitlines() if "<->" in line)
l4_flows = sum(1 for r_ in report if r_["L4_PROTO"] in ("6", "17"))
c.equal(conv_rows, l4_flows, "tshark -z conv,tcp/udp rows == TCP+UDP flows in the report")

mismatch = []
missing = 0
app_protocols = collections.defaultdict(collections.Counter)
app_total = collections.Counter()
for r_ in report:
    proto = int(r_["L4_PROTO"])
    sp, dp = int(r_["SRC_PORT"]), int(r_["DST_PORT"])
    if proto in (1, 58):
        k = (proto, min(r_["SRC_IP"], r_["DST_IP"]), max(r_["SRC_IP"], r_["DST_IP"]), sp)
    else:
        a, b = (r_["SRC_IP"], sp), (r_["DST_IP"], dp)
        k = (proto,) + (a + b if a <= b else b + a)
    f = flows_seen.get(k)
    if f is None:
        missing += 1
        continue
    got = (f.first, f.packets["fwd"], f.bytes["fwd"], f.packets["rev"], f.bytes["rev"], f.first_ts, f.last_ts)
    want = (r_["SRC_IP"], int(r_["PACKETS"]), int(r_["BYTES"]), int(r_["PACKETS_REV"]), int(r_["BYTES_REV"]),
            int(r_["START_TIME"]), int(r_["END_TIME"]))
    if got != want:
        mismatch.append((k, got, want))
    app_total[r_["APP"]] += 1
    for p in f.protocols:
        app_protocols[r_["APP"]][p] += 1
c.equal(missing, 0, "every report row is a conversation in the capture")
c.equal(len(mismatch), 0, "per flow: direction, packets, L3 bytes, start and end (ns) match tshark exactly")
for k, got, want in mismatch[:5]:
    print(f"     {k}: tshark {got} report {want}")

dissector = {"web": "http", "tls": "tls", "dns": "dns", "ssh": "ssh", "smtp": "smtp", "ftp": "ftp"}
for app in args.apps.split(","):
    if app not in dissector:
        continue
    proto = dissector[app]
    n = app_total[app]
    c.check(n > 0 and app_protocols[app][proto] == n,
            f"{app}: {app_protocols[app][proto]} of {n} flows dissected as {proto}")


def check_tls():
    """TLS: per connection one ClientHello naming a server (SNI) and one TLS 1.3 ServerHello that
    echoes the client's session id; everything after the handshake is encrypted application data."""
    hello = collections.defaultdict(dict)
    for x in tshark_fields(cap, ["tcp.stream", "tls.handshake.type", "tls.handshake.session_id",
                                 "tls.handshake.extensions_server_name", "tls.handshake.ciphersuite",
                                 "tls.handshake.extensions.supported_version"],
                           "tls.handshake.type == 1 || tls.handshake.type == 2"):
        hello[x["tcp.stream"]][x["tls.handshake.type"]] = x
    pairs = [h for h in hello.values() if "1" in h and "2" in h]
    c.equal(len(pairs), app_total["tls"], "tls: every connection has a ClientHello and a ServerHello")
    c.check(all(h["1"]["tls.handshake.extensions_server_name"].count(".") >= 2 for h in pairs),
            "tls: every ClientHello names a host (SNI)")
    c.check(all(h["2"]["tls.handshake.session_id"] == h["1"]["tls.handshake.session_id"] != "" and
                h["2"]["tls.handshake.ciphersuite"] == "0x1301" and
                h["2"]["tls.handshake.extensions.supported_version"] == "0x0304" for h in pairs),
            "tls: every ServerHello selects TLS 1.3, TLS_AES_128_GCM_SHA256 and echoes the session id")


def check_database():
    """database: PostgreSQL on 5432, MySQL on 3306, MongoDB on 27017, each flow dissected as its
    protocol. Wireshark gives 27017 to TLS (MongoDB over TLS), so that port is decoded as mongo."""
    names = {"5432": "pgsql", "3306": "mysql", "27017": "mongo"}
    want = collections.Counter(r_["DST_PORT"] for r_ in report if r_["APP"] == "database")
    extra = ["-d", "tcp.port==27017,mongo"]
    seen = collections.defaultdict(lambda: [set(), set()])  # stream -> ports, protocols
    for x in tshark_fields(cap, ["tcp.stream", "tcp.srcport", "tcp.dstport", "frame.protocols"],
                           "tcp.port in {5432, 3306, 27017} && tcp.len > 0", extra):
        ports, protos = seen[x["tcp.stream"]]
        ports.update((x["tcp.srcport"], x["tcp.dstport"]))
        protos.update(x["frame.protocols"].split(":"))
    for port, name in names.items():
        streams = [v for v in seen.values() if port in v[0]]
        good = sum(1 for v in streams if name in v[1])
        c.check(want[port] > 0 and len(streams) == want[port] and good == want[port],
                f"database on {port}: {good} of {want[port]} flows dissected as {name}")
    bad = tshark_fields(cap, ["frame.number", "_ws.col.Info"],
                        "(pgsql || mysql || mongo) && (_ws.malformed || _ws.expert.group == \"Undecoded\")", extra)
    c.equal(len(bad), 0, "database flows decoded as their protocols: no malformed or undecoded packet")


if "tls" in args.apps.split(","):
    check_tls()
if "database" in args.apps.split(","):
    check_database()
c.done()
