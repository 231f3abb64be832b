# SPDX-License-Identifier: MIT
"""Scale-out benchmark (docs/performance.md): the CICFlowMeter features of 8 captures, by the
single-process CLI one file after the other, against flowreplay.dask.features on a 2-worker
LocalCluster (threads, in-process). Runs alternate; medians and the ratio are printed.
Usage: PYTHONPATH=build/python /usr/bin/python3 tests/bench/dask_scaling.py build/src/flowreplay [FLOWS] [RUNS]
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import distributed

import flowreplay.dask

binary = sys.argv[1]
flows = sys.argv[2] if len(sys.argv) > 2 else "10000"
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
d = tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
paths = []
for seed in range(1, 9):
    p = os.path.join(d, f"g{seed}.pcapng")
    subprocess.run([binary, "gen", "-q", "--flows", flows, "--seed", str(seed), "--pcap", p], check=True)
    paths.append(p)
packets = 0
for p in paths:
    r = subprocess.run([binary, "features", p, "-o", "/dev/null"], stderr=subprocess.PIPE, text=True, check=True)
    packets += int(r.stderr.split(" packets read")[0].split()[-1])
cli, dask_times = [], []
with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
        distributed.Client(cluster):
    for _ in range(runs):
        t = time.perf_counter()
        for p in paths:
            subprocess.run([binary, "features", "-q", p, "-o", os.path.join(d, "f.csv")], check=True)
        cli.append(time.perf_counter() - t)
        t = time.perf_counter()
        rows = len(flowreplay.dask.features(paths, shards_per_file=1).compute())
        dask_times.append(time.perf_counter() - t)
a, b = statistics.median(cli), statistics.median(dask_times)
print(f"8 captures of {flows} flows, {packets} packets, {rows} rows; medians of {runs} alternating runs")
print(f"  CLI, one file after the other: {a:.3f} s ({packets / a / 1e6:.2f} M packets/s)")
print(f"  dask, 2-worker LocalCluster:   {b:.3f} s ({packets / b / 1e6:.2f} M packets/s)")
print(f"  ratio {a / b:.2f}")
shutil.rmtree(d)
