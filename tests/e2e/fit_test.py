# SPDX-License-Identifier: MIT
"""flowreplay fit: a histogram of 400 000 one-way flows drawn from the shipped agh_2015 all/length
model (gen --model, then stats) is fitted with the published models' shape (6 uniforms, 4
lognormals); the fitted CDF, computed here from the JSON, is within 0.01 of the shipped model's
everywhere (Kolmogorov-Smirnov distance). The flows/packets/octets fits make a model directory that
gen --model reads; bad inputs get clear errors.
Usage: fit_test.py FLOWREPLAY SOURCE_DIR
"""
import json
import os
import sys

from mixture_cdf import load_cdf
from tshark_util import Checker, run, tmpdir

binary, source = sys.argv[1], sys.argv[2]
shipped = os.path.join(source, "configs", "models", "agh_2015", "all")
c = Checker("fit")
d = tmpdir()


report = os.path.join(d, "truth.csv")
hist = os.path.join(d, "length.csv")
run([binary, "gen", "-q", "--model", shipped, "--flows", "200000", "--seed", "9", "--report", report])
r = run([binary, "stats", "-q", report, "-o", hist])
c.equal(r.returncode, 0, "stats writes the histogram")
model_dir = os.path.join(d, "model")
os.makedirs(model_dir)
for y in ("flows", "packets", "octets"):
    r = run([binary, "fit", hist, "-y", y, "-o", os.path.join(model_dir, y + ".json")])
    c.check(r.returncode == 0 and "iterations" in r.stderr, f"fit -y {y}: exit 0 and a summary ({r.stderr.strip()})")

fitted, fitted_cdf = load_cdf(os.path.join(model_dir, "flows.json"))
_, shipped_cdf = load_cdf(os.path.join(shipped, "length", "flows.json"))
points = sorted(set(list(range(1, 5000)) + [int(10 ** (k / 50)) for k in range(185, 400)]))
ks = max(abs(fitted_cdf(n) - shipped_cdf(n)) for n in points)
c.check(ks < 0.01, f"the fitted model's CDF is within {ks:.4f} of the shipped model's (< 0.01)")
c.equal(fitted["sum"], 400000, "sum: the histogram's flows")
kinds = [dist for _, dist, _ in fitted["mix"]]
c.check(kinds == ["uniform"] * 6 + ["lognorm"] * 4, f"the default components: 6 uniforms, 4 lognormals ({kinds})")
c.check(abs(sum(w for w, _, _ in fitted["mix"]) - 1) < 1e-9, "weights sum to 1")

# The three fits are a length model gen --model reads.
again = os.path.join(d, "again.csv")
r = run([binary, "gen", "-q", "--model", model_dir, "--flows", "20000", "--seed", "5", "--report", again])
c.equal(r.returncode, 0, f"gen --model reads the fitted directory ({r.stderr.strip()})")
lengths = []
with open(again) as f:
    next(f)
    for line in f:
        cols = line.split(",")
        lengths += [int(cols[8]), int(cols[10])]
p1 = lengths.count(1) / len(lengths)
c.check(abs(p1 - shipped_cdf(1)) < 0.015, f"its flows: P(1 packet) {100 * p1:.1f} % (shipped model {100 * shipped_cdf(1):.1f} %)")

# --initial, -i, and errors.
r = run([binary, "fit", "-q", hist, "--initial", os.path.join(shipped, "length", "flows.json"), "-i", "5"])
c.check(r.returncode == 0 and json.loads(r.stdout)["mix"][0][1] == "uniform", "--initial starts from a model; JSON on stdout")
r = run([binary, "fit", hist, "--components", "gamma:2"])
c.check(r.returncode == 2 and "uniform, lognorm and norm" in r.stderr, f"an unsupported component: exit 2 ({r.stderr.strip()})")
bad = os.path.join(d, "bad.csv")
with open(bad, "w") as f:
    f.write("bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n1,2,5,5,300\n2,3,x,1,1\n")
r = run([binary, "fit", bad])
c.check(r.returncode == 2 and "bad.csv:3: flows_sum" in r.stderr, f"a bad row: file:line ({r.stderr.strip()})")
r = run([binary, "fit", os.path.join(d, "missing.csv")])
c.check(r.returncode == 1 and "missing.csv" in r.stderr, "a missing histogram: exit 1 naming it")
empty = os.path.join(d, "empty.csv")
with open(empty, "w") as f:
    f.write("bin_lo,bin_hi,flows_sum,packets_sum,octets_sum\n")
r = run([binary, "fit", empty])
c.check(r.returncode == 2 and "nothing to fit" in r.stderr, "a histogram without flows: exit 2")
c.done()
