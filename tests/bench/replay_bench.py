#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""flowreplay replay against tcpreplay on the same files and the same veth pair, in one run
(docs/performance.md, "Replay"). Run by hand as root, on a machine otherwise idle:

    python3 tests/bench/replay_bench.py build/src/flowreplay [--runs 3] [--sparse-seconds 120]

It creates a network namespace with a veth pair (IPv6 off, so the kernel adds no frames), sends
from one end and captures on the other with tcpdump at nanosecond resolution, and removes the
namespace at the end. Timing comes from that capture, not from either sender's own clock. Each
case alternates the two tools --runs times and prints the median of each figure.

Timing error of a frame: (received - first received) - (file time - first file time) / multiplier,
less the median of those over the run (the constant part: the cold first send); quoted as
median, p99 and max of its absolute value. Span ratio: received span / scheduled span.
"""
import argparse
import os
import random
import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("flowreplay")
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--sparse-seconds", type=int, default=120, help="span of the sparse capture (3300 frames at 12 min in the issue)")
ap.add_argument("--tcpreplay", default="tcpreplay")
ap.add_argument("--only", choices=["timing", "topspeed", "dense", "sparse", "pps"], help="run one group of cases, or one case")
ap.add_argument("--wrap", default="", help="a command line put before flowreplay's (e.g. 'chrt -f 50')")
args = ap.parse_args()
ns = f"frbench{os.getpid()}"
work = tempfile.mkdtemp(prefix="flowreplay-replay-bench-")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=False, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def in_ns(cmd):
    return ["ip", "netns", "exec", ns] + cmd


def frame(i, size):
    body = struct.pack("!I", i) + bytes(max(0, size - 14 - 20 - 8 - 4))
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + len(body), i & 0xFFFF, 0, 64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    udp = struct.pack("!HHHH", 1000 + i % 1000, 53, 8 + len(body), 0)
    return bytes.fromhex("020000000002020000000001") + b"\x08\x00" + ip + udp + body


def write_pcap(path, times, size):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1))
        for i, ts in enumerate(times):
            data = frame(i, size)
            f.write(struct.pack("<IIII", ts // 1_000_000_000, ts % 1_000_000_000, len(data), len(data)) + data)


def read_times(path):
    data = open(path, "rb").read()
    scale = 1 if struct.unpack_from("<I", data)[0] == 0xA1B23C4D else 1000
    out, pos = [], 24
    while pos + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack_from("<IIII", data, pos)
        out.append(sec * 1_000_000_000 + frac * scale)
        pos += 16 + caplen
    return out


def exp_times(n, mean_ns, seed):
    rng = random.Random(seed)
    t, out = 1_700_000_000_000_000_000, []
    for _ in range(n):
        out.append(t)
        t += max(1, int(rng.expovariate(1 / mean_ns)))
    return out


def timing(received, scheduled):
    n = min(len(received), len(scheduled))
    g0, s0 = received[0], scheduled[0]
    signed = [(received[i] - g0) - (scheduled[i] - s0) for i in range(n)]
    mid = sorted(signed)[n // 2]
    errors = sorted(abs(e - mid) for e in signed)
    span = (received[n - 1] - g0) / (scheduled[n - 1] - s0)
    return {"median_us": errors[n // 2] / 1e3, "p99_us": errors[n * 99 // 100] / 1e3, "max_us": errors[-1] / 1e3,
            "span_ratio": span, "received": len(received), "rate_pps": (n - 1) / ((received[n - 1] - g0) / 1e9)}


def captured_run(cmd, count, timeout):
    cap = os.path.join(work, "cap.pcap")
    td = subprocess.Popen(in_ns(["tcpdump", "-i", "vb", "-n", "-Z", "root", "-B", "262144", "--time-stamp-precision=nano",
                                 "-w", cap, "-c", str(count)]), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    td.stderr.readline()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = sh(in_ns(cmd), timeout=timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        td.wait(timeout=10)
    except subprocess.TimeoutExpired:
        td.terminate()
        td.wait()
    if r.returncode != 0:
        print(f"  command failed: {' '.join(cmd)}: {r.stderr.strip()}", file=sys.stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return read_times(cap), cpu


def median_of(results, key):
    return statistics.median(r[key] for r in results)


def case(name, file, scheduled, fr_args, tr_args, timeout):
    print(f"== {name}")
    results = {"flowreplay": [], "tcpreplay": []}
    for _ in range(args.runs):
        for tool in ("flowreplay", "tcpreplay"):
            cmd = (args.wrap.split() + [args.flowreplay, "replay", "-q", "-i", "va"] + fr_args if tool == "flowreplay"
                   else [args.tcpreplay, "-q", "-i", "va"] + tr_args) + [file]
            got, cpu = captured_run(cmd, len(scheduled), timeout)
            t = timing(got, scheduled)
            t["cpu_s"] = cpu
            results[tool].append(t)
    for tool, rs in results.items():
        print(f"  {tool:10s} median err {median_of(rs, 'median_us'):9.2f} us  p99 {median_of(rs, 'p99_us'):10.1f} us  "
              f"max {median_of(rs, 'max_us'):10.1f} us  span ratio {median_of(rs, 'span_ratio'):.5f}  "
              f"rate {median_of(rs, 'rate_pps'):10.0f} pps  cpu {median_of(rs, 'cpu_s'):6.2f} s  "
              f"received {min(r['received'] for r in rs)}/{len(scheduled)}")
    return results


def topspeed(name, file, frames, size):
    print(f"== {name}")
    tools = {"flowreplay (af_packet)": [args.flowreplay, "replay", "-q", "-i", "va", "--topspeed", "--sender", "af_packet"],
             "flowreplay (tx_ring)": [args.flowreplay, "replay", "-q", "-i", "va", "--topspeed", "--sender", "tx_ring"],
             "flowreplay (af_xdp)": [args.flowreplay, "replay", "-q", "-i", "va", "--topspeed", "--sender", "af_xdp"],
             "flowreplay (pcap)": [args.flowreplay, "replay", "-q", "-i", "va", "--topspeed", "--sender", "pcap"],
             "tcpreplay": [args.tcpreplay, "-q", "-i", "va", "--topspeed"]}
    rows = {tool: [] for tool in tools}
    for _ in range(args.runs):
        for tool, cmd in tools.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.monotonic()
            r = sh(in_ns(cmd + [file]), timeout=600)
            wall = time.monotonic() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if r.returncode != 0:
                print(f"  {tool} failed: {r.stderr.strip()}", file=sys.stderr)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            rows[tool].append((frames / wall, cpu / frames * 1e9, frames * size * 8 / wall / 1e9))
    for tool, rs in rows.items():
        print(f"  {tool:24s} {statistics.median(r[0] for r in rs):12.0f} packets/s  "
              f"{statistics.median(r[2] for r in rs):6.2f} Gbit/s  cpu {statistics.median(r[1] for r in rs):7.0f} ns/packet"
              "  (process wall time, start-up included)")


try:
    if sh(["ip", "netns", "add", ns]).returncode != 0:
        sys.exit("replay_bench: needs root and ip netns")
    for cmd in (["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"], ["sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"],
                ["ip", "link", "add", "va", "type", "veth", "peer", "name", "vb"], ["ip", "link", "set", "va", "up"],
                ["ip", "link", "set", "vb", "up"]):
        sh(in_ns(cmd))
    tr_version = sh([args.tcpreplay, "--version"])
    tr_version = (tr_version.stdout + tr_version.stderr).splitlines()
    print(f"{sh([args.flowreplay, '--version']).stdout.strip()}; {tr_version[0] if tr_version else 'tcpreplay ?'}; "
          f"kernel {os.uname().release}; {os.cpu_count()} CPUs")

    timing_cases = {"timing", "dense", "sparse", "pps"} if args.only in (None, "timing") else {args.only}
    dense = os.path.join(work, "exp50us.pcap")
    dense_times = exp_times(100_000, 50_000, 1)
    write_pcap(dense, dense_times, 100)
    if "dense" in timing_cases:
        case("original timing: 100 000 frames, exponential gaps of mean 50 us (5 s)", dense, dense_times, [], [], 120)

    if "sparse" in timing_cases:
        sparse = os.path.join(work, "sparse.pcap")
        n_sparse = max(50, 3300 * args.sparse_seconds // 720)
        sparse_times = exp_times(n_sparse, args.sparse_seconds * 1_000_000_000 // n_sparse, 2)
        write_pcap(sparse, sparse_times, 200)
        case(f"original timing, sparse: {n_sparse} frames over {args.sparse_seconds} s", sparse, sparse_times, [], [],
             args.sparse_seconds * 3 + 60)

    if "pps" in timing_cases:
        pps_times = [dense_times[0] + i * 10_000 for i in range(len(dense_times))]  # 100 000/s
        case("--pps 100000 on the 100 000 frames", dense, pps_times, ["--pps", "100000"], ["--pps=100000"], 120)

    for size in (64, 1514) if args.only in (None, "topspeed") else ():
        path = os.path.join(work, f"top{size}.pcap")
        n = 1_000_000 if size == 64 else 300_000
        write_pcap(path, exp_times(n, 1000, 3), size)
        topspeed(f"--topspeed, {n} frames of {size} bytes", path, n, size)
finally:
    sh(["ip", "netns", "del", ns])
    sh(["rm", "-rf", work])
