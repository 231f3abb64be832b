# SPDX-License-Identifier: MIT
"""A flow-models mixture's CDF written out here with math.erfc (scipy's uniform and lognorm, the
only distributions the shipped models use), independently of flowreplay's own code, and the
Kolmogorov-Smirnov distance of a sample of flow lengths to it. With the sampler's length =
floor(draw) + 1, P(length <= n) is the mixture's CDF at n."""
import json
import math


def load_cdf(path):
    """(the model's JSON, its CDF as a function of x)."""
    with open(path) as f:
        model = json.load(f)
    mix = model["mix"]
    total = sum(w for w, _, _ in mix)

    def cdf(x):
        p = 0.0
        for w, dist, params in mix:
            if dist == "uniform":
                loc, scale = params
                p += w * min(1.0, max(0.0, (x - loc) / scale))
            elif dist == "lognorm":
                s, loc, scale = params
                y = (x - loc) / scale
                p += w * (0.0 if y <= 0 else 0.5 * math.erfc(-math.log(y) / (s * math.sqrt(2))))
            else:
                raise SystemExit(f"mixture_cdf: {dist} is not written out here")
        return p / total
    return model, cdf


def ks_distance(lengths, cdf):
    """Largest gap between the sample's empirical CDF (just below and at each value) and cdf."""
    lengths = sorted(lengths)
    n = len(lengths)
    ks, at = 0.0, 0
    for value in sorted(set(lengths)):
        below = at
        while at < n and lengths[at] == value:
            at += 1
        ks = max(ks, abs(below / n - cdf(value - 1)), abs(at / n - cdf(value)))
    return ks
