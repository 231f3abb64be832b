# SPDX-License-Identifier: MIT
"""flowreplay.dask on a 2-worker LocalCluster (threads, in-process: no sockets): over 8 captures,
2 shards each, the result equals the concatenation of the CLI's CSVs row for row after sorting,
and each file's rows carry its name."""
import os
import subprocess

import distributed  # python3-distributed, which scripts/setup.sh installs
import pandas as pd

import flowreplay.dask

BIN = os.environ["FLOWREPLAY"]


def test_dask_features_equal_the_cli_over_8_captures(tmp_path):
    paths, expected = [], []
    for seed in range(1, 9):
        cap, csv = tmp_path / f"g{seed}.pcapng", tmp_path / f"f{seed}.csv"
        subprocess.run([BIN, "gen", "-q", "--flows", "400", "--seed", str(seed), "--pcap", str(cap)], check=True)
        subprocess.run([BIN, "features", "-q", "--cic", "corrected", str(cap), "-o", str(csv)], check=True)
        frame = pd.read_csv(csv, float_precision="round_trip", keep_default_na=False, na_values=["NaN"])
        frame.insert(0, "File", str(cap))
        paths.append(str(cap))
        expected.append(frame)
    want = pd.concat(expected, ignore_index=True)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        lazy = flowreplay.dask.features(paths, shards_per_file=2, cic="corrected")
        assert lazy.npartitions == 16
        got = lazy.compute()
    assert list(got.columns) == list(want.columns)
    want = want.astype(got.dtypes.to_dict())
    key = list(want.columns)
    pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True), want.sort_values(key).reset_index(drop=True),
                                  check_exact=True)
    assert got.groupby("File").size().to_dict() == want.groupby("File").size().to_dict()


def test_dask_gen_is_the_clis_shards(tmp_path):
    """flowreplay.dask.gen with 3 shards: each partition is the CLI's gen --shard K/3 report,
    and its capture holds as many frames (capinfos) as that report counts."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        lazy = flowreplay.dask.gen(shards=3, flows=900, seed=6, pcap=str(tmp_path / "g-{shard}.pcapng"))
        assert lazy.npartitions == 3
        got = lazy.compute()
    assert len(got) == 900
    for k in range(3):
        report = tmp_path / f"r{k}.csv"
        subprocess.run([BIN, "gen", "-q", "--flows", "900", "--seed", "6", "--shard", f"{k}/3", "--report", str(report)],
                       check=True)
        want = pd.read_csv(report)
        part = got[got["Shard"] == f"{k}/3"].drop(columns="Shard").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, want, check_exact=True)
        count = subprocess.run(["capinfos", "-c", "-M", str(tmp_path / f"g-{k}.pcapng")], stdout=subprocess.PIPE, text=True,
                               check=True).stdout
        assert int(count.split()[-1]) == int(want["PACKETS"].sum() + want["PACKETS_REV"].sum())
    # One report: the partitions written as one CSV are the whole run's report, row for row.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        flowreplay.dask.gen(shards=3, flows=900, seed=6).to_csv(str(tmp_path / "truth.csv"), single_file=True, index=False)
    one = pd.read_csv(tmp_path / "truth.csv")
    whole = tmp_path / "whole.csv"
    subprocess.run([BIN, "gen", "-q", "--flows", "900", "--seed", "6", "--report", str(whole)], check=True)
    want = pd.read_csv(whole)
    key = list(want.columns)
    pd.testing.assert_frame_equal(one.drop(columns="Shard").sort_values(key).reset_index(drop=True),
                                  want.sort_values(key).reset_index(drop=True), check_exact=True)
