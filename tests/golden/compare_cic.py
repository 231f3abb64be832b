# SPDX-License-Identifier: MIT
"""Compares flowreplay's CICFlowMeter CSV with an expected CSV, order-free.

Rows are matched by (Flow ID, Timestamp, Flow Duration). Text columns must be equal; numbers
are compared as doubles (Java's Double.toString and Python's repr print the same double in
different text), and a column the expected file prints as an integer must be an integer in the
actual file too (CICFlowMeter prints counts and guarded empty blocks as integers).
Usage: compare_cic.py EXPECTED ACTUAL [HEADER_FILE]   -> exit 0 when they agree
"""
import math
import sys


def rows(path, skip_header):
    with open(path) as f:
        lines = f.read().splitlines()
    header = lines[0] if skip_header else None
    data = [l.split(",") for l in (lines[1:] if skip_header else lines)]
    return header, sorted(data, key=lambda r: (r[0], r[6], int(r[7])))


def number(tok):
    return float({"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}.get(tok, tok))


def is_integer_text(tok):
    return tok.lstrip("-").isdigit()


expected_path, actual_path = sys.argv[1], sys.argv[2]
_, expected = rows(expected_path, skip_header=False)
header, actual = rows(actual_path, skip_header=True)
names = header.split(",")
problems = []
if len(expected) != len(actual):
    problems.append(f"{len(actual)} rows, expected {len(expected)}")
for e, a in zip(expected, actual):
    if len(a) != len(names):
        problems.append(f"{a[0]}: {len(a)} columns, header has {len(names)}")
        continue
    for i, (x, y) in enumerate(zip(e, a)):
        if i in (0, 1, 3, 6, 83):  # Flow ID, IPs, Timestamp, Label
            ok = x == y
        else:
            try:
                vx, vy = number(x), number(y)
            except ValueError:
                ok = False
            else:
                ok = (math.isnan(vx) and math.isnan(vy)) or vx == vy or math.isclose(vx, vy, rel_tol=1e-12)
                ok = ok and (is_integer_text(x) == is_integer_text(y))
        if not ok:
            problems.append(f"{e[0]} @ {e[6]}: column {i + 1} '{names[i]}': got {y}, expected {x}")
for p in problems[:40]:
    print("  " + p)
print(f"compare_cic: {len(expected)} expected rows, {len(problems)} differences")
sys.exit(1 if problems else 0)
