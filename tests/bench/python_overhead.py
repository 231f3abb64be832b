# SPDX-License-Identifier: MIT
"""The Python module's overhead (docs/performance.md): flowreplay.features() into a DataFrame
against the CLI writing the same CSV, and pandas.read_csv of that CSV, on one capture; runs
alternate and the medians are printed with their ratios.
Usage: PYTHONPATH=build/python /usr/bin/python3 tests/bench/python_overhead.py build/src/flowreplay [FLOWS] [RUNS]
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

import pandas as pd

import flowreplay

binary = sys.argv[1]
flows = sys.argv[2] if len(sys.argv) > 2 else "100000"
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 7
d = tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
cap, csv = os.path.join(d, "g.pcapng"), os.path.join(d, "f.csv")
subprocess.run([binary, "gen", "-q", "--flows", flows, "--pcap", cap], check=True)
times = {"cli": [], "module": [], "read_csv": []}
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run([binary, "features", "-q", cap, "-o", csv], check=True)
    times["cli"].append(time.perf_counter() - t)
    t = time.perf_counter()
    frame = flowreplay.features(cap)
    times["module"].append(time.perf_counter() - t)
    t = time.perf_counter()
    pd.read_csv(csv, float_precision="round_trip")
    times["read_csv"].append(time.perf_counter() - t)
med = {k: statistics.median(v) for k, v in times.items()}
print(f"capture: {flows} flows, {os.path.getsize(cap) / 1e6:.0f} MB; {len(frame)} rows; medians of {runs} alternating runs")
for k, v in med.items():
    print(f"  {k:9s} {v:.3f} s")
print(f"  module / cli = {med['module'] / med['cli']:.2f}; (cli + read_csv) / module = {(med['cli'] + med['read_csv']) / med['module']:.2f}")
os.remove(cap)
os.remove(csv)
os.rmdir(d)
