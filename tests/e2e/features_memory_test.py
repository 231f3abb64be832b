# SPDX-License-Identifier: MIT
"""flowreplay features on a million one-packet TCP flows (a SYN scan, and FIN+ACKs as head mode's
"appendix" flows): peak resident memory under 256 MiB in every mode, every flow accounted for,
and the rows of a smaller scan equal to the independent reference (tests/golden/cic_reference.py).
Usage: features_memory_test.py FLOWREPLAY REPO_ROOT [--sanitized]
(--sanitized: a sanitizer build, whose shadow memory makes RSS meaningless; the memory limit is
not asserted there, everything else is.)
"""
import csv
import os
import subprocess
import sys

from tshark_util import Checker, tmpdir

binary, root = sys.argv[1], sys.argv[2]
sanitized = "--sanitized" in sys.argv[3:]
c = Checker("features_memory")
d = tmpdir()
py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"
maker = os.path.join(root, "tests", "bench", "one_packet_flows.py")
ref = os.path.join(root, "tests", "golden", "cic_reference.py")
cmp_ = os.path.join(root, "tests", "golden", "compare_cic.py")
LIMIT_KIB = 256 * 1024
N = 1_000_000


def run_measured(cmd, stdout_path):
    """Runs cmd with stdout to a file; returns (exit code, stderr, peak RSS in KiB of that process)."""
    with open(stdout_path, "wb") as out, open(os.path.join(d, "stderr"), "w+b") as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return p.returncode, err.read().decode(), usage.ru_maxrss


def data_rows(path):
    with open(path, newline="") as f:
        return sum(1 for _ in f) - 1


for kind, flags in (("syn", []), ("fin", ["--fin"])):
    cap = os.path.join(d, f"{kind}.pcap")
    subprocess.run([py, maker, cap, str(N), "10"] + flags, check=True)
    for mode in ("head", "2020", "2018", "corrected"):
        out = os.path.join(d, f"{kind}-{mode}.csv")
        code, err, rss = run_measured([binary, "features", "--cic", mode, cap], out)
        c.equal(code, 0, f"{kind} scan, --cic {mode}: exit 0")
        if sanitized:
            print(f"  --   {kind} scan, --cic {mode}: peak RSS {rss // 1024} MiB, not asserted in a sanitizer build")
        else:
            c.check(rss < LIMIT_KIB, f"{kind} scan of {N} one-packet flows, --cic {mode}: peak RSS {rss // 1024} MiB < 256 MiB")
        rows = data_rows(out)
        if mode == "corrected":  # keeps one-packet flows: a row each
            c.equal(rows, N, f"{kind} scan, corrected: one row per flow")
        else:  # the reference drops one-packet flows, and says how many
            c.equal(rows, 0, f"{kind} scan, --cic {mode}: no rows (CICFlowMeter drops one-packet flows)")
            c.check(f"{N} one-packet flows left out" in err, f"{kind} scan, --cic {mode}: the summary counts them ({err.strip()})")
    if kind == "syn":
        # Row i is the i-th SYN: source 10.1.(i>>8).(i&255), port 1024 + (i>>16), one forward packet.
        with open(os.path.join(d, "syn-corrected.csv"), newline="") as f:
            reader = csv.DictReader(f)
            bad = 0
            for i, row in enumerate(reader):
                if i % 9973:
                    continue
                want_src = f"10.1.{(i >> 8) & 255}.{i & 255}"
                if (row["Src IP"], row["Src Port"], row["Dst Port"], row["Total Fwd Packet"], row["Total Bwd packets"],
                        row["SYN Flag Count"], row["FWD Init Win Bytes"]) != (want_src, str(1024 + (i >> 16)), "80", "1", "0", "1",
                                                                                 "64240"):
                    bad += 1
                    print("unexpected row", i, row["Flow ID"])
            c.equal(bad, 0, "corrected rows of the scan carry each SYN's addresses, one forward packet, its SYN and window")
    os.remove(cap)

# A smaller scan whose flows get second packets late (the same scan twice, 60 s apart): flows
# kept compact until then must give the reference's rows in every mode.
small = os.path.join(d, "small.pcap")
subprocess.run([py, maker, small, "3000", "1"], check=True)
late = os.path.join(d, "late.pcap")
subprocess.run([py, maker, late, "3000", "1", "--fin"], check=True)
both = os.path.join(d, "both.pcap")
subprocess.run(["editcap", "-t", "60", late, os.path.join(d, "late-shifted.pcap")], check=True)
subprocess.run(["mergecap", "-F", "pcap", "-w", both, small, os.path.join(d, "late-shifted.pcap")], check=True)
for mode in ("head", "2020", "2018", "corrected"):
    exp, act = os.path.join(d, f"exp-{mode}.csv"), os.path.join(d, f"act-{mode}.csv")
    with open(exp, "w") as f:
        subprocess.run([py, ref, both, mode], stdout=f, check=True)
    subprocess.run([binary, "features", "-q", "--cic", mode, both, "-o", act], check=True)
    r = subprocess.run([py, cmp_, exp, act], stdout=subprocess.PIPE, text=True)
    c.check(r.returncode == 0 and data_rows(act) > 0,
            f"--cic {mode}: SYN then FIN+ACK 60 s later, rows equal the reference: {r.stdout.strip().splitlines()[-1]}")
c.done()
