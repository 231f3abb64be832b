# SPDX-License-Identifier: MIT
"""The Python module against the flowreplay executable: every DataFrame equals the CSV the CLI
writes for the same input, parsed by pandas (round-trip floats); packets equal tshark's; errors
carry the CLI's message. Run by ctest (python_module) with PYTHONPATH at the built module and
FLOWREPLAY at the executable."""
import os
import subprocess

import numpy as np
import pandas as pd
import pytest

import flowreplay

BIN = os.environ["FLOWREPLAY"]
SOURCE = os.environ["FLOWREPLAY_SOURCE"]
MODES = ["head", "2020", "2018", "corrected"]


def cli(*args):
    r = subprocess.run([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
    return r


@pytest.fixture(scope="module", params=["default", "ipv6-vlan"])
def capture(request, tmp_path_factory):
    """A gen capture and its report (the ipv6-vlan mix adds IPv6, ICMPv6 and VLAN tags)."""
    d = tmp_path_factory.mktemp(request.param)
    cap, report = d / "g.pcapng", d / "truth.csv"
    cfg = [] if request.param == "default" else ["--config", os.path.join(SOURCE, "configs", "ipv6-vlan.yaml")]
    assert cli("gen", "-q", "--flows", "1500", "--seed", "4", *cfg, "--pcap", str(cap), "--report", str(report)).returncode == 0
    return cap, report, cfg


def read_csv(path):
    return pd.read_csv(path, float_precision="round_trip", keep_default_na=False, na_values=["NaN"])


@pytest.mark.parametrize("mode", MODES)
def test_features_equal_the_cli_csv(capture, mode, tmp_path):
    cap, report, _ = capture
    for labelled in (False, True):
        out = tmp_path / "f.csv"
        extra = ["--labels", str(report)] if labelled else []
        assert cli("features", "-q", "--cic", mode, str(cap), "-o", str(out), *extra).returncode == 0
        want = read_csv(out)
        got = flowreplay.features(cap, cic=mode, labels=report if labelled else None)
        assert len(got) > 500
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert list(got.columns) == open(out).readline().strip().split(",")


def test_features_as_numpy_and_shards(capture):
    cap, _, _ = capture
    whole = flowreplay.features(cap, cic="corrected")
    rec = flowreplay.features(cap, cic="corrected", as_numpy=True)
    assert isinstance(rec, np.recarray) and len(rec) == len(whole)
    assert list(rec.dtype.names) == list(whole.columns)
    parts = pd.concat([flowreplay.features(cap, cic="corrected", shard=f"{k}/3") for k in range(3)])
    key = list(whole.columns)
    pd.testing.assert_frame_equal(parts.sort_values(key).reset_index(drop=True), whole.sort_values(key).reset_index(drop=True))


def test_gen_report_equals_the_cli_report(capture, tmp_path):
    _, _, cfg = capture
    report, cap = tmp_path / "r.csv", tmp_path / "m.pcapng"
    assert cli("gen", "-q", "--flows", "700", "--seed", "9", *cfg, "--report", str(report)).returncode == 0
    config = cfg[1] if cfg else None
    got = flowreplay.gen(config=config, flows=700, seed=9, pcap=cap)
    pd.testing.assert_frame_equal(got, pd.read_csv(report), check_exact=True)
    # The capture holds what the report counts, as tshark reads it.
    frames = subprocess.run(["tshark", "-n", "-r", str(cap), "-T", "fields", "-e", "frame.number"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True).stdout.split()
    assert len(frames) == int(got["PACKETS"].sum() + got["PACKETS_REV"].sum())


@pytest.mark.parametrize("decimals,addresses,active", [(0, False, None), (6, True, None), (3, False, "1s")])
def test_profile_equals_the_cli_profile(capture, tmp_path, decimals, addresses, active):
    cap, _, _ = capture
    out = tmp_path / "p.csv"
    extra = (["--addresses"] if addresses else []) + (["--active-timeout", active] if active else [])
    assert cli("profile", "-q", str(cap), "-o", str(out), "--time-decimals", str(decimals), *extra).returncode == 0
    want = pd.read_csv(out, float_precision="round_trip")
    got = flowreplay.profile(cap, time_decimals=decimals, addresses=addresses, active_timeout=active)
    assert len(got) > 500
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    # Every frame of the capture is in one record, as capinfos counts them.
    count = subprocess.run(["capinfos", "-c", "-M", str(cap)], stdout=subprocess.PIPE, text=True, check=True).stdout
    assert int(count.split()[-1]) == int(got["PACKETS"].sum() + got["PACKETS_REV"].sum())


def test_profile_shards_and_errors(capture):
    cap, _, _ = capture
    whole = flowreplay.profile(cap, addresses=True, time_decimals=6)
    parts = pd.concat([flowreplay.profile(cap, addresses=True, time_decimals=6, shard=f"{k}/4") for k in range(4)])
    key = list(whole.columns)
    pd.testing.assert_frame_equal(parts.sort_values(key).reset_index(drop=True), whole.sort_values(key).reset_index(drop=True))
    with pytest.raises(ValueError, match="inactive_timeout expects a duration"):
        flowreplay.profile(cap, inactive_timeout="soon")
    with pytest.raises(ValueError, match="time_decimals must be 0 to 6"):
        flowreplay.profile(cap, time_decimals=7)


def test_gen_shards_equal_the_cli_shards(tmp_path):
    whole = flowreplay.gen(flows=600, seed=2)
    parts = []
    for k in range(3):
        report = tmp_path / f"s{k}.csv"
        assert cli("gen", "-q", "--flows", "600", "--seed", "2", "--shard", f"{k}/3", "--report", str(report)).returncode == 0
        part = flowreplay.gen(flows=600, seed=2, shard=f"{k}/3")
        pd.testing.assert_frame_equal(part, pd.read_csv(report), check_exact=True)
        parts.append(part)
    key = list(whole.columns)
    union = pd.concat(parts).sort_values(key).reset_index(drop=True)
    assert len(union) == 600
    pd.testing.assert_frame_equal(union, whole.sort_values(key).reset_index(drop=True), check_exact=True)
    with pytest.raises(ValueError, match="shard expects K/N"):
        flowreplay.gen(flows=5, shard="3/3")


def test_read_gives_tsharks_packets(capture):
    cap, _, _ = capture
    fields = ["frame.time_epoch", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "ip.len", "ipv6.plen", "vlan.id"]
    cmd = ["tshark", "-n", "-r", str(cap), "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f", "-c", "3000"]
    for f in fields:
        cmd += ["-e", f]
    rows = [dict(zip(fields, line.split("\t"))) for line in
            subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True).stdout.splitlines()]
    packets = list(flowreplay.read(cap))
    assert len(packets) > 3000
    for p, t in zip(packets, rows):
        whole, _, frac = t["frame.time_epoch"].partition(".")
        assert p.ts == int(whole) * 10**9 + int((frac + "000000000")[:9])
        assert p.src == (t["ip.src"] or t["ipv6.src"]) and p.dst == (t["ip.dst"] or t["ipv6.dst"])
        assert p.l3_len == (int(t["ip.len"]) if t["ip.len"] else int(t["ipv6.plen"]) + 40)
        assert p.vlan == (int(t["vlan.id"]) if t["vlan.id"] else 0)
    count = subprocess.run(["capinfos", "-c", "-M", str(cap)], stdout=subprocess.PIPE, text=True, check=True).stdout
    assert f" {len(packets)}" in count.splitlines()[-1]


def test_errors_carry_the_cli_message(tmp_path):
    missing = str(tmp_path / "missing.pcap")
    r = cli("features", missing)
    with pytest.raises(OSError) as e:
        flowreplay.features(missing)
    assert r.returncode == 1 and f"flowreplay: {e.value}" in r.stderr
    with pytest.raises(OSError):
        flowreplay.read(missing)
    with pytest.raises(ValueError, match="cic must be head, 2020, 2018 or corrected"):
        flowreplay.features(missing, cic="2019")
    bad = tmp_path / "bad.csv"
    bad.write_text("SRC_IP,DST_IP,SRC_PORT,DST_PORT,START_TIME,END_TIME,APP\n")
    cap = tmp_path / "g.pcapng"
    assert cli("gen", "-q", "--flows", "10", "--pcap", str(cap)).returncode == 0
    r = cli("features", str(cap), "--labels", str(bad))
    with pytest.raises(ValueError) as e:
        flowreplay.features(cap, labels=bad)
    assert r.returncode == 2 and f"flowreplay: {e.value}" in r.stderr and f"{bad}:1: no L4_PROTO column" in str(e.value)
