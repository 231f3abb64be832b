# SPDX-License-Identifier: MIT
"""Flow records as the export tests compare them: the one-way records a gen report implies, and
the records a collector holds, decoded by ipfixDump. A record is the tuple
(src, src port, dst, dst port, protocol, packets, L3 bytes, start ms, end ms); for ICMP the
source port is 0 and the destination port is type * 256 + code, as IPFIX and NetFlow carry them.
"""
import collections
import csv
import datetime
import ipaddress
import os
import signal
import socket
import subprocess
import time


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def report_records(path):
    """The one-way records a biflow report implies: forward always, reverse when it has packets."""
    out = collections.Counter()
    with open(path) as f:
        for r in csv.DictReader(f):
            start_ms, end_ms = int(r["START_TIME"]) // 10**6, int(r["END_TIME"]) // 10**6
            proto, sp, dp = int(r["L4_PROTO"]), int(r["SRC_PORT"]), int(r["DST_PORT"])
            if proto in (1, 58):  # ICMP: no ports; type*256+code, the reply answering an echo request
                fwd, rev = (0, dp), (0, {8 << 8: 0, 128 << 8: 129 << 8}.get(dp, dp))
            else:
                fwd, rev = (sp, dp), (dp, sp)
            out[(r["SRC_IP"], fwd[0], r["DST_IP"], fwd[1], proto, int(r["PACKETS"]), int(r["BYTES"]), start_ms,
                 end_ms)] += 1
            if int(r["PACKETS_REV"]) > 0:
                out[(r["DST_IP"], rev[0], r["SRC_IP"], rev[1], proto, int(r["PACKETS_REV"]), int(r["BYTES_REV"]),
                     start_ms, end_ms)] += 1
    return out


def _ms(text):
    dt = datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
    return int(round(dt.timestamp() * 1000))


def ipfixdump_records(path, extra=()):
    """Every data record of an IPFIX file (or a saved TCP stream), as ipfixDump decodes it; the
    fields named in `extra` (e.g. flowEndReason) are added to each record's tuple."""
    out = subprocess.run(["ipfixDump", "-i", path, "-d"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, TZ="UTC"), check=False).stdout
    recs = collections.Counter()
    fields = {}

    def flush():
        if not fields:
            return
        proto = int(fields["protocolIdentifier"])
        src = fields.get("sourceIPv4Address") or fields["sourceIPv6Address"]
        dst = fields.get("destinationIPv4Address") or fields["destinationIPv6Address"]
        sp, dp = int(fields["sourceTransportPort"]), int(fields["destinationTransportPort"])
        if proto in (1, 58):
            sp, dp = 0, int(fields.get("icmpTypeCodeIPv4") or fields["icmpTypeCodeIPv6"])
        recs[(str(ipaddress.ip_address(src)), sp, str(ipaddress.ip_address(dst)), dp, proto,
              int(fields["packetDeltaCount"]), int(fields["octetDeltaCount"]), _ms(fields["flowStartMilliseconds"]),
              _ms(fields["flowEndMilliseconds"])) + tuple(fields.get(e) for e in extra)] += 1
        fields.clear()

    for line in out.splitlines():
        if line.startswith("--- "):  # the next record or message header
            flush()
        elif line.startswith("\t(") and " : " in line:
            name, _, value = line.split(")", 1)[1].partition(" : ")
            fields[name.strip()] = value.strip()
    flush()
    return recs


def _udp_bound(port):
    """Whether a UDP socket on this host is bound to `port` (/proc/net/udp, IPv4)."""
    with open("/proc/net/udp") as f:
        for line in f.readlines()[1:]:
            local = line.split()[1]
            if int(local.split(":")[1], 16) == port:
                return True
    return False


def nfcapd_collect(workdir, send):
    """Runs nfcapd on a free loopback UDP port, calls send(port), stops nfcapd (SIGINT flushes its
    file) and returns the path of the file it wrote (None when it wrote none)."""
    port = free_udp_port()
    store = os.path.join(workdir, "nfcapd")
    os.makedirs(store, exist_ok=True)
    collector = subprocess.Popen(["nfcapd", "-b", "127.0.0.1", "-p", str(port), "-w", store, "-t", "3600"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Ready once its socket is bound (at most 10 s): records sent before would be lost.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _udp_bound(port):
            time.sleep(0.05)
        time.sleep(0.2)
        send(port)
        time.sleep(1.0)
    finally:
        collector.send_signal(signal.SIGINT)
        try:
            collector.wait(timeout=20)
        except subprocess.TimeoutExpired:
            collector.kill()
    files = sorted(os.path.join(store, f) for f in os.listdir(store) if f.startswith("nfcapd."))
    return files[0] if len(files) == 1 else None


def nfdump_csv(nfcapd_file, out_path):
    """`nfdump -o csv` of an nfcapd file, its times in UTC, into out_path."""
    with open(out_path, "w") as f:
        subprocess.run(["nfdump", "-r", nfcapd_file, "-o", "csv"], stdout=f, env=dict(os.environ, TZ="UTC"), check=True)

