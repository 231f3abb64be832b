# SPDX-License-Identifier: MIT
"""flowreplay plot: the SVG of a histogram and its fitted model passes an XML parser, has one
line per series in the documented colours, the legend, title and axis labels; headless Chromium
renders it to a PNG (decoded here with zlib alone) that is not blank, has the axes' frame where
the layout puts it, and the data's and the model's colours inside the plotting area.
Usage: plot_test.py FLOWREPLAY SOURCE_DIR
"""
import os
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib

from tshark_util import Checker, run, tmpdir

binary, source = sys.argv[1], sys.argv[2]
shipped = os.path.join(source, "configs", "models", "agh_2015", "all", "length", "flows.json")
c = Checker("plot")
d = tmpdir()
NS = "{http://www.w3.org/2000/svg}"
# PlotLayout and kPlotColors (include/flowreplay/io/svg_plot.hpp, docs/plot.md).
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 800, 500, 80, 760, 40, 430
DATA, MODEL = (0x1F, 0x77, 0xB4), (0xD6, 0x27, 0x28)

report = os.path.join(d, "truth.csv")
hist = os.path.join(d, "length.csv")
run([binary, "gen", "-q", "--model", os.path.dirname(os.path.dirname(shipped)), "--flows", "20000", "--report", report])
run([binary, "stats", "-q", report, "-o", hist])


def read_png(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and color in (2, 6) and interlace == 0, f"PNG kind {depth}/{color}/{interlace}"
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            cc = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - cc
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - cc)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else cc)) & 0xFF
        rows.append([tuple(line[x * channels:x * channels + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def near(p, color, tolerance=60):
    return sum(abs(a - b) for a, b in zip(p, color)) <= tolerance


for kind in ("pdf", "cdf", "ccdf"):
    svg = os.path.join(d, f"{kind}.svg")
    r = run([binary, "plot", hist, "--model", shipped, "--kind", kind, "-o", svg])
    c.equal(r.returncode, 0, f"--kind {kind}: exit 0 ({r.stderr.strip()})")
    try:
        root = ET.parse(svg).getroot()
    except ET.ParseError as e:
        c.check(False, f"--kind {kind}: the SVG parses as XML ({e})")
        continue
    c.check(root.tag == NS + "svg" and root.get("viewBox") == f"0 0 {WIDTH} {HEIGHT}", f"--kind {kind}: an <svg> of {WIDTH}x{HEIGHT}")
    series = root.findall(f"{NS}g[@class='series']")
    c.check([g.get("data-label") for g in series] == ["length.csv", "model flows.json"], f"--kind {kind}: one group per series")
    c.check([g.get("stroke") for g in series] == ["#1f77b4", "#d62728"] and series[1].get("stroke-dasharray"),
            f"--kind {kind}: data solid blue, model dashed red")
    points = [len(p.get("points").split()) for g in series for p in g.findall(f"{NS}polyline")]
    c.check(len(points) >= 2 and min(points) >= 2 and sum(points) > 100, f"--kind {kind}: the lines have points ({points})")
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{NS}text"))
    c.check("flow length (packets)" in texts and kind.upper() in texts and "length.csv" in texts and "model flows.json" in texts,
            f"--kind {kind}: axis label, title and legend")

# Headless Chromium renders the PDF plot; the pixels show the frame, the data and the model.
chromium = shutil.which("chromium")
c.check(chromium is not None, "chromium is installed (scripts/setup.sh installs it)")
if chromium:
    png = os.path.join(d, "pdf.png")
    r = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
                        f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={png}", "file://" + os.path.join(d, "pdf.svg")],
                       capture_output=True, text=True, timeout=120, env=dict(os.environ, HOME=d))
    c.check(r.returncode == 0 and os.path.exists(png), f"chromium renders the SVG ({r.stderr.strip()[-200:]})")
    if os.path.exists(png):
        w, h, rows = read_png(png)
        c.check((w, h) == (WIDTH, HEIGHT), f"the PNG is {w}x{h}")
        inked = sum(1 for row in rows for p in row if sum(p) < 600)
        c.check(inked > 0.01 * w * h, f"not blank: {inked} inked pixels")
        dark = lambda p: sum(p) < 200  # noqa: E731
        bottom = sum(1 for x in range(LEFT + 5, RIGHT - 5) if any(dark(rows[y][x]) for y in range(BOTTOM - 1, BOTTOM + 2)))
        left = sum(1 for y in range(TOP + 5, BOTTOM - 5) if any(dark(rows[y][x]) for x in range(LEFT - 1, LEFT + 2)))
        c.check(bottom > 0.95 * (RIGHT - LEFT - 10) and left > 0.95 * (BOTTOM - TOP - 10),
                f"the axes' frame at x={LEFT} and y={BOTTOM} ({bottom}, {left} dark pixels)")
        area = [rows[y][x] for y in range(TOP + 3, BOTTOM - 2) for x in range(LEFT + 3, RIGHT - 2)]
        data_px = sum(1 for p in area if near(p, DATA))
        model_px = sum(1 for p in area if near(p, MODEL))
        c.check(data_px > 300 and model_px > 150, f"data ({data_px} blue pixels) and model ({model_px} red) drawn in the area")
        outside = sum(1 for y in range(0, TOP - 25) for x in range(0, w) if near(rows[y][x], DATA) or near(rows[y][x], MODEL))
        c.check(outside == 0, "nothing of the series drawn above the plotting area (clipped)")

# Several histograms on one plot; errors.
r = run([binary, "plot", hist, hist, "--kind", "ccdf", "-o", os.path.join(d, "two.svg")])
root = ET.parse(os.path.join(d, "two.svg")).getroot()
c.check(r.returncode == 0 and len(root.findall(f"{NS}g[@class='series']")) == 2, "two histograms: two series")
r = run([binary, "plot", hist, "--kind", "histogram"])
c.check(r.returncode == 2 and "--kind" in r.stderr, "--kind histogram: exit 2")
r = run([binary, "plot"])
c.check(r.returncode == 2 and "at least one histogram" in r.stderr, "nothing to plot: exit 2")
bad = os.path.join(d, "bad.csv")
with open(bad, "w") as f:
    f.write("bin_lo,bin_hi,flows_sum\n3,2,1\n")
r = run([binary, "plot", bad])
c.check(r.returncode == 2 and "bad.csv:2" in r.stderr, f"a bad histogram: file:line ({r.stderr.strip()})")
c.done()
