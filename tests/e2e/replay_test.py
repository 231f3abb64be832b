# SPDX-License-Identifier: MIT
"""flowreplay replay onto a veth pair inside a network namespace this test creates and removes
(IPv6 off inside, so the kernel adds no frames of its own): tcpdump on the peer end must receive
exactly the file's frames, byte for byte and in order, with every sender; the captured gaps must
match the file's at original timing and --multiplier 2; loops, --pps, --limit, MTU checks,
errors (unknown interface, interface down, no CAP_NET_RAW) and SIGINT are checked the same way.
Nothing leaves the namespace. The frames are built here (struct), independently of flowreplay.
Usage: replay_test.py FLOWREPLAY
"""
import atexit
import gzip
import os
import random
import re
import signal
import struct
import subprocess
import sys
import time

from tshark_util import CHECKSUM_PREFS, Checker, run, tmpdir, tshark_fields

binary = sys.argv[1]
c = Checker("replay")
d = tmpdir()
ns = f"frreplay{os.getpid()}"


def ns_run(cmd, **kw):
    return run(["ip", "netns", "exec", ns] + cmd, **kw)


def cleanup():
    run(["ip", "netns", "del", ns])


if os.geteuid() != 0 or run(["ip", "netns", "add", ns]).returncode != 0:
    print("replay: SKIP: network namespaces are not available here (needs root and ip netns)")
    sys.exit(77)
atexit.register(cleanup)
for cmd in (["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"], ["sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"],
            ["ip", "link", "add", "va", "type", "veth", "peer", "name", "vb"], ["ip", "link", "set", "va", "up"],
            ["ip", "link", "set", "vb", "up"]):
    r = ns_run(cmd)
    if r.returncode != 0:
        raise SystemExit(f"replay: cannot set up the namespace: {' '.join(cmd)}: {r.stderr}")


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp_frame(i, size=100):
    """Ethernet + IPv4 + UDP 10.0.0.1:1000+i%7 -> 10.0.0.2:53, payload carrying i, `size` bytes in all."""
    payload = struct.pack("!I", i) + bytes((i + k) & 0xFF for k in range(size - 14 - 20 - 8 - 4))
    src, dst = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    udp_len = 8 + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, i & 0xFFFF, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    sport = 1000 + i % 7
    pseudo = src + dst + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, 53, udp_len, 0) + payload
    udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp) or 0xFFFF) + udp[8:]
    return bytes.fromhex("020000000002020000000001") + b"\x08\x00" + ip + udp


def write_pcap(path, frames, nanos=False):
    """frames: [(ns timestamp, bytes)] as a classic pcap (µs or ns)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D if nanos else 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for ts, data in frames:
            frac = ts % 1_000_000_000 if nanos else ts % 1_000_000_000 // 1000
            f.write(struct.pack("<IIII", ts // 1_000_000_000, frac, len(data), len(data)) + data)


def read_pcap(path):
    """[(ns timestamp, bytes)] of a classic pcap written by tcpdump."""
    data = open(path, "rb").read()
    magic = struct.unpack_from("<I", data)[0]
    scale = 1 if magic == 0xA1B23C4D else 1000
    out, pos = [], 24
    while pos + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack_from("<IIII", data, pos)
        out.append((sec * 1_000_000_000 + frac * scale, data[pos + 16:pos + 16 + caplen]))
        pos += 16 + caplen
    return out


def receive_drops():
    """Frames the receiving side has dropped so far: the veth pair's drop counters (va's tx_dropped
    when the peer's backlog was full, vb's rx_dropped) and the system's softnet backlog drops
    (/proc/net/softnet_stat, second column, every CPU). None of them counts a frame the sender never
    sent, so they tell a loaded machine apart from a sender that loses frames."""
    total = 0
    for dev, stat in (("va", "tx_dropped"), ("vb", "rx_dropped")):
        r = ns_run(["cat", f"/sys/class/net/{dev}/statistics/{stat}"])
        total += int(r.stdout.strip() or 0)
    with open("/proc/net/softnet_stat") as f:
        total += sum(int(line.split()[1], 16) for line in f if line.strip())
    return total


class Capture:
    """tcpdump on vb, writing ns timestamps, until `count` frames arrived (or stop())."""

    def __init__(self, name, count=None):
        self.path = os.path.join(d, "captured-" + name)
        cmd = ["ip", "netns", "exec", ns, "tcpdump", "-i", "vb", "-n", "-U", "--immediate-mode", "-Z", "root", "-B", "65536",
               "--time-stamp-precision=nano", "-w", self.path]
        if count is not None:
            cmd += ["-c", str(count)]
        self.drops_before = receive_drops()
        self.dropped = 0  # by the receiving side while this capture ran (set by stop())
        self.p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        line = self.p.stderr.readline()  # "listening on vb ..." once the capture is open
        if "listening" not in line:
            raise SystemExit(f"replay: tcpdump did not start: {line}")

    def frames(self, timeout=60):
        try:
            self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        return self.stop()

    def stop(self):
        if self.p.poll() is None:
            time.sleep(0.3)
            self.p.send_signal(signal.SIGINT)
            self.p.wait(timeout=30)
        tail = self.p.stderr.read()
        self.p.stderr.close()
        kernel = re.search(r"(\d+) packets? dropped by kernel", tail)
        self.dropped = receive_drops() - self.drops_before + (int(kernel.group(1)) if kernel else 0)
        return read_pcap(self.path)


def sent_and_captured(send, name, want, attempts=3):
    """Runs send() (the sender's CompletedProcess) under a capture of len(want) frames. A capture
    that misses frames while the receiving side counted drops (a loaded machine starving the
    veth backlog or tcpdump) is tried again, up to `attempts` times; a sender that loses frames
    with no drop counted fails at once. Returns (result, frames, note of the retries)."""
    notes = []
    for attempt in range(attempts):
        cap = Capture(f"{name}-{attempt}.pcap", len(want))
        r = send()
        got = cap.frames(timeout=30)
        if [g for _, g in got] == want or cap.dropped == 0:
            break
        notes.append(f"attempt {attempt + 1}: {len(got)} of {len(want)} frames, {cap.dropped} dropped on the receiving side")
    return r, got, "; ".join(notes)


def replay(args, capture_count, name, timeout=120):
    cap = Capture(name + ".pcap", capture_count)
    r = ns_run([binary, "replay", "-i", "va"] + args, timeout=timeout)
    got = cap.frames(timeout=30)
    return r, got


def replay_frames(args, want, name, timeout=120):
    """replay() of a run whose frames must be `want`, retried on receive-side drops."""
    r, got, note = sent_and_captured(lambda: ns_run([binary, "replay", "-i", "va"] + args, timeout=timeout), name, want)
    return r, got, note


# A capture with exponential gaps (mean 2 ms, 600 frames, about 1.2 s), frames of 60 to 1514 bytes.
rng = random.Random(7)
t0 = 1_700_000_000_123_456_789
ts = t0
frames = []
for i in range(600):
    frames.append((ts, udp_frame(i, rng.choice([60, 100, 576, 1514]))))
    ts += int(rng.expovariate(1 / 2_000_000)) + 1000
pcap_ns = os.path.join(d, "exp.pcap")
write_pcap(pcap_ns, frames, nanos=True)
want = [f for _, f in frames]

# Byte for byte and in order, with each sender, from a file, gzip-compressed, and from stdin.
for sender in ("af_packet", "tx_ring", "af_xdp", "pcap"):
    r, got, note = replay_frames([pcap_ns, "--sender", sender, "--topspeed"], want, "top-" + sender)
    c.equal(r.returncode, 0, f"{sender}: exit code ({r.stderr.strip()})")
    c.equal(len(got), len(want), f"{sender}: frames received {note}")
    c.check([g for _, g in got] == want, f"{sender}: every frame byte for byte, in order")
    c.check(f"({sender} sender" in r.stderr, f"{sender}: the summary names the sender")
    if sender == "af_xdp":  # veth has no AF_XDP zero-copy: the kernel copies, and the summary says so
        c.check("(af_xdp sender, copy mode)" in r.stderr, f"af_xdp: copy mode on veth ({r.stderr.strip()})")
gz = os.path.join(d, "exp.pcap.gz")
with open(pcap_ns, "rb") as src, gzip.open(gz, "wb") as dst:
    dst.write(src.read())
r, got = replay([gz, "--topspeed"], len(want), "gz")
c.check(r.returncode == 0 and [g for _, g in got] == want, "gzip input: every frame byte for byte")
c.check("(af_packet sender)" in r.stderr, f"auto on veth (no AF_XDP zero-copy): af_packet ({r.stderr.strip()})")
with open(pcap_ns, "rb") as stdin:
    cap = Capture("stdin.pcap", len(want))
    r = ns_run([binary, "replay", "-i", "va", "--topspeed", "-"], stdin=stdin, timeout=120)
    got = cap.frames(timeout=30)
c.check(r.returncode == 0 and [g for _, g in got] == want, "stdin: every frame byte for byte")

# A pcapng from gen (several flows, ns timestamps): the same frames arrive.
gen_ng = os.path.join(d, "gen.pcapng")
r = run([binary, "gen", "-q", "--flows", "10", "--pcap", gen_ng])
c.equal(r.returncode, 0, "gen makes a pcapng to replay")
conv = os.path.join(d, "gen-conv.pcap")
r = run(["tcpdump", "-r", gen_ng, "-w", conv, "--time-stamp-precision=nano"])
gen_want = [f for _, f in read_pcap(conv)]
for sender in ("af_packet", "tx_ring", "af_xdp", "pcap"):
    r, got, note = replay_frames([gen_ng, "--multiplier", "50", "--sender", sender], gen_want, "gen-" + sender)
    c.equal(r.returncode, 0, f"gen pcapng, {sender}: exit code ({r.stderr.strip()})")
    c.check(len(gen_want) > 100 and [g for _, g in got] == gen_want,
            f"gen pcapng, {sender}: all {len(gen_want)} frames byte for byte {note}")

# gen -i: the synthesizer's packets straight onto the interface. The same seed written to a file
# gives the frames to expect; the report of the run on the wire is the file run's, row for row.
file_ng = os.path.join(d, "gen30.pcapng")
r = run([binary, "gen", "-q", "--flows", "30", "--seed", "5", "--pcap", file_ng, "--report", os.path.join(d, "file-truth.csv")])
conv = os.path.join(d, "gen30.pcap")
run(["tcpdump", "-r", file_ng, "-w", conv])
gen30 = read_pcap(conv)
gen30_frames = [f for _, f in gen30]
for sender in ("tx_ring", "af_xdp", "pcap", "af_packet"):  # af_packet last: its run is checked for timing below
    r, got, note = sent_and_captured(
        lambda: ns_run([binary, "gen", "--flows", "30", "--seed", "5", "-i", "va", "--multiplier", "20", "--sender", sender,
                        "--report", os.path.join(d, "wire-truth.csv")], timeout=120), f"gen-wire-{sender}", gen30_frames)
    c.equal(r.returncode, 0, f"gen -i, {sender}: exit code ({r.stderr.strip()})")
    c.check(len(gen30) > 100 and [g for _, g in got] == gen30_frames,
            f"gen -i, {sender}: the {len(gen30)} frames of the same seed's file, byte for byte, in order {note}")
    c.check(open(os.path.join(d, "wire-truth.csv")).read() == open(os.path.join(d, "file-truth.csv")).read(),
            f"gen -i, {sender}: the report is the file run's")
    c.check(f"sent on va ({sender} sender" in r.stderr, f"gen -i, {sender}: the summary says where the packets went")
r, got, note = sent_and_captured(
    lambda: ns_run([binary, "gen", "--flows", "30", "--seed", "5", "-i", "va", "--multiplier", "20", "--realtime"], timeout=120),
    "gen-wire-realtime", gen30_frames)
c.equal(r.returncode, 0, f"gen -i --realtime: exit code ({r.stderr.strip()})")
c.check([g for _, g in got] == gen30_frames, f"gen -i --realtime: the same frames, in order {note}")
c.check("SCHED_FIFO 50" in r.stderr, "gen -i --realtime: the summary says so")
r = run([binary, "gen", "--flows", "3", "--realtime", "--pcap", os.path.join(d, "rt.pcapng")])
c.check(r.returncode == 2 and "-i IFACE" in r.stderr, f"gen --realtime without -i: exit 2 ({r.stderr.strip()})")

# Its timing, at --multiplier 4: the median offset error under 1 ms. A shared machine (or a
# sanitizer build) can stall a run; a run that misses is tried again, up to three times, every
# attempt printed.
def gen_wire_median(frames_got, multiplier):
    g0, f0 = frames_got[0][0], gen30[0][0]
    signed = [(g - g0) - (f - f0) / multiplier for (g, _), (f, _) in zip(frames_got, gen30)]
    middle = sorted(signed)[len(signed) // 2]
    return sorted(abs(e - middle) for e in signed)[len(signed) // 2]


medians = []
for attempt in range(3):
    cap = Capture(f"gen-wire-timing-{attempt}.pcap", len(gen30))
    ns_run([binary, "gen", "-q", "--flows", "30", "--seed", "5", "-i", "va", "--multiplier", "4"], timeout=120)
    got = cap.frames(timeout=30)
    if len(got) != len(gen30):
        medians.append(f"{len(got)} of {len(gen30)} frames")
        continue
    medians.append(f"{gen_wire_median(got, 4) / 1000:.1f} us")
    if gen_wire_median(got, 4) < 1_000_000:
        break
c.check(medians[-1].endswith(" us") and float(medians[-1].split()[0]) < 1000,
        f"gen -i --multiplier 4: median offset error under 1 ms (attempts: {', '.join(medians)})")
r = ns_run([binary, "gen", "--flows", "3", "-i", "va", "--pcap", os.path.join(d, "x.pcapng")])
c.check(r.returncode == 2 and "--pcap cannot be given with it" in r.stderr, "gen -i with --pcap: exit 2")
r = run([binary, "gen", "--flows", "3", "--pps", "10", "--pcap", os.path.join(d, "x.pcapng")])
c.check(r.returncode == 2 and "pace packets sent with -i" in r.stderr, "gen --pps without -i: exit 2")


def gaps_error(got, ref, scale):
    """Per frame |offset error| in ns, where a frame's offset error is (received - first received)
    - (file time - first file time) / scale, less the median of those (the constant part: the
    first send's cold start); and the ratio of the spans."""
    g0, r0 = got[0][0], ref[0][0]
    signed = [(g - g0) - (r - r0) / scale for (g, _), (r, _) in zip(got, ref)]
    middle = sorted(signed)[len(signed) // 2]
    span = (got[-1][0] - g0) / ((ref[-1][0] - r0) / scale)
    return sorted(abs(e - middle) for e in signed), span


# The receiving kernel stamps frames as they arrive, in the sender's send call, or later when the
# machine defers that work (a loaded shared machine does, by milliseconds): a run whose capture
# misses the bounds is tried again, up to three times, and every attempt's figures are printed.
for scale in (1, 2):
    args = [pcap_ns] + (["--multiplier", str(scale)] if scale != 1 else [])
    attempts = []
    for attempt in range(3):
        r, got = replay(args, len(want), f"timing-{scale}-{attempt}")
        if len(got) != len(frames):
            attempts.append(f"{len(got)} of {len(frames)} frames received")
            continue
        errors, span = gaps_error(got, frames, scale)
        median, p99 = errors[len(errors) // 2], errors[len(errors) * 99 // 100]
        own = [line.strip() for line in r.stderr.splitlines() if "timing error" in line]
        attempts.append(f"median {median / 1000:.1f} us, p99 {p99 / 1000:.1f} us, span ratio {span:.5f}; "
                        f"sender: {own[0] if own else 'no timing line'}")
        # The bounds docs/replay.md gives for a loaded shared machine (other tests, sanitizers):
        # median under 1 ms, 99 % under 10 ms, span within 1 %; an idle machine's figures are in
        # performance.md.
        if median < 1_000_000 and p99 < 10_000_000 and abs(span - 1) < 0.01:
            break
    else:
        attempt = None
    c.check(attempt is not None, f"timing x{scale}: captured gaps within the bounds (" + " | ".join(attempts) + ")")
    c.check("timing error (release - schedule): median" in r.stderr, f"timing x{scale}: the summary has the timing error")

# Loops: N passes give N times the frames, in order. (At top speed a burst of more than
# net.core.netdev_max_backlog frames, 1000 by default, overflows the peer's receive queue.)
r, got = replay([pcap_ns, "--pps", "20000", "--loop", "3"], 3 * len(want), "loop")
c.equal(len(got), 3 * len(want), "--loop 3: frames received")
c.check(r.returncode == 0 and [g for _, g in got] == want * 3, "--loop 3: the frames three times, byte for byte")
c.check("loops: 3 completed" in r.stderr, "--loop 3: the summary counts the loops")

# Loops with --loop-ip-offset: loop k has its addresses shifted by k x 65536 (10.k.0.1 ->
# 10.k.0.2), the payloads unchanged, and tshark finds every checksum good.
r, got = replay([pcap_ns, "--pps", "20000", "--loop", "3", "--loop-ip-offset", "65536"], 3 * len(want), "offset")
c.equal(len(got), 3 * len(want), "--loop-ip-offset: frames received")
cap = os.path.join(d, "captured-offset.pcap")
rows = tshark_fields(cap, ["ip.src", "ip.dst", "ip.checksum.status", "udp.checksum.status", "udp.payload"], extra=CHECKSUM_PREFS)
expected_addresses = [(f"10.{k}.0.1", f"10.{k}.0.2") for k in range(3) for _ in want]
c.check([(x["ip.src"], x["ip.dst"]) for x in rows] == expected_addresses, "--loop-ip-offset: loop k sends 10.k.0.1 -> 10.k.0.2")
c.check(all(x["ip.checksum.status"] == "1" and x["udp.checksum.status"] == "1" for x in rows),
        "--loop-ip-offset: every IPv4 and UDP checksum good in tshark")
c.check(all(g[42:] == w[42:] for (_, g), w in zip(got, want * 3)), "--loop-ip-offset: payloads unchanged")

# --map-net, MAC rewriting and a VLAN tag, checked the same way.
r, got = replay([pcap_ns, "--topspeed", "--map-net", "10.0.0.0/16=192.168.0.0/16", "--src-mac", "02:aa:00:00:00:01",
                 "--dst-mac", "02:bb:00:00:00:02", "--vlan-add", "7"], len(want), "rewrite")
c.equal(len(got), len(want), "rewriting: frames received")
rows = tshark_fields(os.path.join(d, "captured-rewrite.pcap"),
                     ["eth.src", "eth.dst", "vlan.id", "ip.src", "ip.dst", "ip.checksum.status", "udp.checksum.status"],
                     extra=CHECKSUM_PREFS)
c.check(all((x["eth.src"], x["eth.dst"], x["vlan.id"], x["ip.src"], x["ip.dst"]) ==
            ("02:aa:00:00:00:01", "02:bb:00:00:00:02", "7", "192.168.0.1", "192.168.0.2") for x in rows) and len(rows) == len(want),
        "--map-net, --src-mac, --dst-mac, --vlan-add: every frame rewritten")
c.check(all(x["ip.checksum.status"] == "1" and x["udp.checksum.status"] == "1" for x in rows),
        "--map-net: every IPv4 and UDP checksum good in tshark")
c.check(all(len(g) == len(w) + 4 for (_, g), w in zip(got, want)), "--vlan-add: every frame 4 bytes longer")
r = ns_run([binary, "replay", "-i", "va", "--map-net", "10.0.0.0/8=fd00::/8", pcap_ns])
c.check(r.returncode == 2 and "maps IPv4 and IPv6" in r.stderr, f"--map-net across families: exit 2 ({r.stderr.strip()})")

# --pps 1000: 300 frames take 299 ms.
r, got = replay([pcap_ns, "--pps", "1000", "--limit", "300"], 300, "pps")
c.equal(len(got), 300, "--pps --limit 300: 300 frames")
if len(got) == 300:
    span = got[-1][0] - got[0][0]
    c.check(abs(span - 299_000_000) < 299_000_000 * 0.01, f"--pps 1000: 300 frames span {span / 1e6:.2f} ms (299 ms within 1 %)")
c.check([g for _, g in got] == want[:300], "--limit 300: the file's first 300 frames")

# Frames larger than the MTU (1500 + Ethernet header + one VLAN tag) are skipped and counted.
big = os.path.join(d, "big.pcap")
write_pcap(big, [(t0, udp_frame(0)), (t0 + 1000, udp_frame(1, 3000)), (t0 + 2000, udp_frame(2))])
r, got = replay([big, "--topspeed"], 2, "big")
c.check(r.returncode == 0 and [g for _, g in got] == [udp_frame(0), udp_frame(2)], "oversize frame skipped, the others sent")
c.check("1 frames larger than va's MTU (1500) skipped" in r.stderr, f"oversize frame counted ({r.stderr.strip()})")
r = ns_run([binary, "replay", "-i", "va", "--topspeed", "--strict", big])
c.equal(r.returncode, 1, "--strict: an oversize frame fails the run")

# Errors.
r = ns_run([binary, "replay", "-i", "nosuch0", pcap_ns])
c.equal(r.returncode, 2, "unknown interface: exit 2")
c.check("no interface named 'nosuch0'" in r.stderr and "va" in r.stderr, f"unknown interface: names those there are ({r.stderr.strip()})")
ns_run(["ip", "link", "add", "vdown", "type", "veth", "peer", "name", "vdown2"])
r = ns_run([binary, "replay", "-i", "vdown", pcap_ns])
c.equal(r.returncode, 1, "interface down: exit 1")
c.check("is down" in r.stderr and "ip link set vdown up" in r.stderr, f"interface down: says how to bring it up ({r.stderr.strip()})")
for sender in ("af_packet", "tx_ring", "af_xdp", "pcap"):
    r = ns_run(["setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw", binary, "replay", "-i", "va", "--sender", sender,
                pcap_ns])
    c.equal(r.returncode, 1, f"no CAP_NET_RAW ({sender}): exit 1")
    c.check("CAP_NET_RAW" in r.stderr and "setcap" in r.stderr, f"no CAP_NET_RAW ({sender}): names the capability ({r.stderr.strip()})")
r = ns_run([binary, "replay", "-i", "va", "--pps", "10", "--topspeed", pcap_ns])
c.equal(r.returncode, 2, "two speed modes: exit 2")
r = run([binary, "replay", "-i", "va", os.path.join(d, "missing.pcap")])
c.equal(r.returncode, 1, "missing input: exit 1")

# --realtime: the sending thread runs under SCHED_FIFO 50 (read back with chrt while it runs);
# every frame still arrives.
cap = Capture("realtime.pcap", 20)
slow = os.path.join(d, "slow.pcap")
write_pcap(slow, [(t0 + i * 100_000_000, udp_frame(i)) for i in range(20)], nanos=True)  # 1.9 s
p = subprocess.Popen(["ip", "netns", "exec", ns, binary, "replay", "-i", "va", "--realtime", slow],
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
time.sleep(1.0)  # ip netns exec execs flowreplay: the same pid
policy = run(["chrt", "-p", str(p.pid)]).stdout
err = p.communicate(timeout=30)[1]
got = cap.frames(timeout=30)
c.check("SCHED_FIFO" in policy and "priority: 50" in policy, f"--realtime: chrt reads SCHED_FIFO 50 ({policy.strip()})")
c.equal(p.returncode, 0, f"--realtime: exit 0 ({err.strip()})")
c.equal(len(got), 20, "--realtime: every frame received")
c.check("SCHED_FIFO 50" in err, "--realtime: the summary says so")

# SIGINT stops the replay with the summary so far.
cap = Capture("sigint.pcap")
p = subprocess.Popen(["ip", "netns", "exec", ns, binary, "replay", "-i", "va", "--pps", "200", "--loop", "0", pcap_ns],
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
time.sleep(1.5)
p.send_signal(signal.SIGINT)
err = p.communicate(timeout=30)[1]
got = cap.stop()
c.equal(p.returncode, 130, "SIGINT: exit 130")
sent = [int(line.split()[2]) for line in err.splitlines() if line.startswith("flowreplay replay: ") and " packets, " in line]
c.check(len(sent) == 1 and 100 <= sent[0] <= 600, f"SIGINT: the summary counts what was sent ({err.strip()})")
c.check(len(sent) == 1 and len(got) == sent[0], f"SIGINT: the peer received every frame counted ({len(got)})")
c.done()
