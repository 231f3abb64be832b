# SPDX-License-Identifier: MIT
"""The per-direction packet counts of a gen report against a flow-models length model: the
Kolmogorov-Smirnov distance to the model's CDF (length = floor(draw) + 1, so P(length <= n) =
CDF(n)), P(1 packet), the quantiles p50..p99.9 and P(<= 16), beside the data set's figures.
Usage: model_ks.py flows.json truth.csv
"""
import csv
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from mixture_cdf import ks_distance, load_cdf  # noqa: E402

_, cdf = load_cdf(sys.argv[1])
lengths = []
with open(sys.argv[2], newline="") as f:
    for row in csv.DictReader(f):
        lengths += [int(row[k]) for k in ("PACKETS", "PACKETS_REV") if int(row[k]) > 0]
lengths.sort()
n = len(lengths)
ks = ks_distance(lengths, cdf)
q = {name: lengths[max(1, math.ceil(p * n)) - 1] for name, p in (("p50", .5), ("p90", .9), ("p99", .99), ("p99.9", .999))}
print(f"{n} one-way flows: KS distance to the model {ks:.5f}; P(1 packet) {100 * lengths.count(1) / n:.2f} % "
      f"(data set 47.83 %); P(<= 16) {100 * sum(1 for v in lengths if v <= 16) / n:.2f} % (90.58 %); "
      f"p50 {q['p50']} (2), p90 {q['p90']} (15), p99 {q['p99']} (421), p99.9 {q['p99.9']} (11.1k); "
      f"mean {sum(lengths) / n:.1f} (78.6)")
