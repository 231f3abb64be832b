# SPDX-License-Identifier: MIT
"""flowreplay features on captures made by flowreplay gen (IPv6, VLAN, jumbo frames, FIN and RST
endings, many flows) against the independent reference (tests/golden/cic_reference.py), in
every mode; plus the CLI's errors, link types, truncated files and stdin.
Usage: features_test.py FLOWREPLAY REPO_ROOT
"""
import os
import subprocess
import sys

from tshark_util import Checker, run, tmpdir

binary, root = sys.argv[1], sys.argv[2]
c = Checker("features")
d = tmpdir()
ref = os.path.join(root, "tests", "golden", "cic_reference.py")
cmp_ = os.path.join(root, "tests", "golden", "compare_cic.py")
py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"

cap = os.path.join(d, "gen.pcapng")
r = run([binary, "gen", "-q", "--config", os.path.join(root, "configs", "ipv6-vlan.yaml"), "--flows", "150",
         "--pcap", cap, "--seed", "11"])
c.equal(r.returncode, 0, "gen writes a capture with IPv6 and VLANs")
for mode in ("head", "2020", "2018", "corrected"):
    exp, act = os.path.join(d, f"exp-{mode}.csv"), os.path.join(d, f"act-{mode}.csv")
    with open(exp, "w") as f:
        subprocess.run([py, ref, cap, mode], stdout=f, check=True)
    r = run([binary, "features", "--cic", mode, cap, "-o", act])
    c.check(r.returncode == 0 and "flows written" in r.stderr, f"--cic {mode}: exit 0 and a summary ({r.stderr.strip()})")
    r = run([py, cmp_, exp, act])
    c.check(r.returncode == 0, f"--cic {mode} on a gen capture equals the reference: {r.stdout.strip().splitlines()[-1]}")
    if r.returncode != 0:
        print(r.stdout)

# stdin, pcap vs pcapng, other link types (Linux cooked via editcap -T), truncated file.
with open(cap, "rb") as f:
    data = f.read()
r = subprocess.run([binary, "features", "-q", "-"], input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
with open(os.path.join(d, "act-head.csv"), "rb") as f:
    c.check(r.returncode == 0 and r.stdout == f.read(), "reading - (stdin) gives the same CSV")
classic = os.path.join(d, "gen.pcap")
run(["editcap", "-F", "nsecpcap", cap, classic])
r = run([binary, "features", "-q", classic])
with open(os.path.join(d, "act-head.csv")) as f:
    c.check(r.returncode == 0 and r.stdout == f.read(), "classic ns pcap of the same packets gives the same CSV")
# The same packets under every other link type: the features must not change.
import struct


def relink(src, dst, linktype, wrap):
    with open(src, "rb") as f:
        data = f.read()
    out = [struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, linktype)]
    pos = 24
    while pos < len(data):
        sec, frac, caplen, _ = struct.unpack_from("<IIII", data, pos)
        frame = data[pos + 16:pos + 16 + caplen]
        pos += 16 + caplen
        l2 = 18 if frame[12:14] == b"\x81\x00" else 14
        etype = frame[l2 - 2:l2]
        ip = frame[l2:]
        ip = ip[:struct.unpack("!H", ip[2:4])[0]] if ip[0] >> 4 == 4 else ip[:40 + struct.unpack("!H", ip[4:6])[0]]
        body = wrap(etype, ip)
        out.append(struct.pack("<IIII", sec, frac, len(body), len(body)) + body)
    with open(dst, "wb") as f:
        f.write(b"".join(out))


scen = os.path.join(root, "pcaps", "cic-scenarios.pcap")
base = run([binary, "features", "-q", "--cic", "corrected", scen]).stdout
af = lambda ip: 2 if ip[0] >> 4 == 4 else 10  # noqa: E731
variants = {
    "raw IP (101)": (101, lambda t, ip: ip),
    "Linux cooked SLL (113)": (113, lambda t, ip: struct.pack("!HHH8s", 0, 1, 6, b"\x02" * 8) + t + ip),
    "Linux cooked SLL2 (276)": (276, lambda t, ip: t + struct.pack("!HIHBB8s", 0, 1, 1, 0, 6, b"\x02" * 8) + ip),
    "BSD loopback NULL (0)": (0, lambda t, ip: struct.pack("<I", af(ip)) + ip),
    "OpenBSD LOOP (108)": (108, lambda t, ip: struct.pack("!I", af(ip) if af(ip) == 2 else 24) + ip),
    "IPv4/IPv6 link types (228/229) need one family per file": None,
}
for name, v in variants.items():
    if v is None:
        continue
    out = os.path.join(d, "link.pcap")
    relink(scen, out, v[0], v[1])
    r = run([binary, "features", "-q", "--cic", "corrected", out])
    c.check(r.returncode == 0 and r.stdout == base, f"{name}: same features as Ethernet")

trunc = os.path.join(d, "trunc.pcap")
with open(classic, "rb") as f, open(trunc, "wb") as g:
    g.write(f.read()[:200_000])
r = run([binary, "features", trunc, "-o", os.path.join(d, "t.csv")])
with open(os.path.join(d, "t.csv")) as f:
    rows = sum(1 for _ in f) - 1
c.check(r.returncode == 1 and "truncated" in r.stderr and "warning" in r.stderr and rows > 0,
        f"truncated file: warning, exit 1, and the {rows} flows read so far written")
r = run([binary, "features", os.path.join(d, "missing.pcap")])
c.check(r.returncode == 1 and "missing.pcap" in r.stderr, f"missing file: exit 1 ({r.stderr.strip()})")
notpcap = os.path.join(d, "x.txt")
with open(notpcap, "w") as f:
    f.write("hello\n")
r = run([binary, "features", notpcap])
c.check(r.returncode == 1 and "cannot read as pcap" in r.stderr, f"not a capture: exit 1 ({r.stderr.strip()})")
r = run([binary, "features", "--cic", "2017", cap])
c.equal(r.returncode, 2, "unknown --cic mode: exit 2")
r = run([binary, "features", "--tz", "Mars/Olympus", cap])
c.check(r.returncode == 2 and "time zone" in r.stderr, "unknown --tz: exit 2")
r = run([binary, "features", "-q", "--tz", "+03:00", os.path.join(root, "pcaps", "cic-scenarios.pcap")])
c.check("15/11/2023 01:13:20 AM" in r.stdout, "--tz +03:00 shifts the Timestamp column (22:13:20 UTC -> 01:13:20 AM)")
c.done()
