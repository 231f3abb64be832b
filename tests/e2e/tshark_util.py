# SPDX-License-Identifier: MIT
"""Helpers for the end-to-end tests: run flowreplay and read its captures back with tshark.

Every expected value in these tests comes from tshark/capinfos (programs flowreplay does not
share code with) or from arithmetic done here, never from flowreplay's own output alone.
"""
import csv
import atexit
import os
import shutil
import subprocess
import sys
import tempfile

CHECKSUM_PREFS = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
                  "-o", "udp.check_checksum:TRUE"]


def run(cmd, **kw):
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("text", True)
    return subprocess.run(cmd, check=False, **kw)


def tshark_fields(capture, fields, display_filter=None, extra=()):
    cmd = ["tshark", "-n", "-r", capture, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"]
    cmd += list(extra)
    if display_filter:
        cmd += ["-Y", display_filter]
    for f in fields:
        cmd += ["-e", f]
    out = run(cmd)
    if out.returncode != 0:
        raise AssertionError(f"tshark failed: {out.stderr}")
    rows = []
    for line in out.stdout.splitlines():
        parts = line.split("\t")
        parts += [""] * (len(fields) - len(parts))
        rows.append(dict(zip(fields, parts)))
    return rows


def epoch_ns(text):
    """'1700000000.010737359' -> integer ns, without going through float."""
    whole, _, frac = text.partition(".")
    return int(whole) * 1_000_000_000 + int((frac + "000000000")[:9])


def read_report(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


class Checker:
    """Collects failures so one run reports every broken acceptance point."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
            print(f"  ok   {what}")
        else:
            self.failed += 1
            print(f"  FAIL {what}")

    def equal(self, got, want, what):
        self.check(got == want, f"{what}: got {got!r}, want {want!r}" if got != want else what)

    def done(self):
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)


def tmpdir():
    """A scratch folder, removed when the test exits (some tests write gigabytes)."""
    path = tempfile.mkdtemp(prefix="flowreplay-e2e-", dir=os.environ.get("TMPDIR", "/tmp"))
    atexit.register(shutil.rmtree, path, True)
    return path
