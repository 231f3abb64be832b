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
