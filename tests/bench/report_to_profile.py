# SPDX-License-Identifier: MIT
"""A gen report as a FlowTest profile, for the like-for-like benchmark of gen --profile against
the traffic mix (docs/performance.md): the same flows, so the same concurrency and packet sizes,
planned from the records instead of the mix. START_TIME and END_TIME are ms from the first row's
start (rows are in end order, so some are negative) with ns kept as six decimals; with
--per-direction each direction's own first and last packet as well.
Usage: python3 tests/bench/report_to_profile.py report.csv [--per-direction] > profile.csv
"""
import csv
import sys


def main():
    report = sys.argv[1]
    per_direction = "--per-direction" in sys.argv[2:]
    out = sys.stdout
    columns = ["START_TIME", "END_TIME"]
    if per_direction:
        columns += ["START_TIME_REV", "END_TIME_REV"]
    columns += ["L3_PROTO", "L4_PROTO", "SRC_PORT", "DST_PORT", "PACKETS", "BYTES", "PACKETS_REV", "BYTES_REV"]
    out.write(",".join(columns) + "\n")
    t0 = None

    def ms(ns):
        return f"{(int(ns) - t0) / 1e6:.6f}"

    with open(report, newline="") as f:
        for r in csv.DictReader(f):
            if t0 is None:
                t0 = int(r["START_TIME"])
            times = [ms(r["START_TIME"]), ms(r["END_TIME"])]
            if per_direction:
                times = [ms(r["START_TIME_FWD"]), ms(r["END_TIME_FWD"])]
                has_rev = int(r["PACKETS_REV"]) > 0
                times += [ms(r["START_TIME_REV"]), ms(r["END_TIME_REV"])] if has_rev else ["", ""]
            fields = [r[c] for c in ("L3_PROTO", "L4_PROTO", "SRC_PORT", "DST_PORT", "PACKETS", "BYTES", "PACKETS_REV", "BYTES_REV")]
            out.write(",".join(times + fields) + "\n")


if __name__ == "__main__":
    main()
