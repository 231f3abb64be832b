# SPDX-License-Identifier: MIT
"""flowreplay on Dask (docs/scale-out.md): one task per (capture, shard), on any Dask cluster.

    from distributed import Client, LocalCluster
    import flowreplay.dask
    client = Client(LocalCluster(n_workers=2, processes=False))
    feats = flowreplay.dask.features(["a.pcap", "b.pcap"], shards_per_file=2).compute()

Each task runs flowreplay.features(path, shard="K/N") in the worker, which releases the GIL, so
thread workers use every core. The shards of a file together are its whole output (docs/cli.md,
"Shards"), so the result is the files' rows, in another order.
"""
import dask
import dask.dataframe as dd
import pandas as pd

import flowreplay


def _part(path, shard, options):
    frame = flowreplay.features(path, shard=shard, **options)
    frame.insert(0, "File", str(path))
    return frame


def _meta(cic):
    """An empty frame with the columns of a mode: every value column as float64, the widest type
    a partition can have (a column holds integers in one file and doubles in another)."""
    columns = flowreplay._flowreplay.features_header(cic)
    meta = {"File": pd.Series(dtype=object)}
    for i, name in enumerate(columns):
        meta[name] = pd.Series(dtype=object if i in (0, 1, 3, 6) or name == "Label" else
                               "int64" if i in (2, 4, 5) else "float64")
    return pd.DataFrame(meta)


def features(paths, shards_per_file=1, cic="head", **options):
    """A dask DataFrame of the CICFlowMeter features of every flow in `paths` (a "File" column
    first, then features()' columns), computed as len(paths) * shards_per_file tasks. Value
    columns are float64 (a file whose column holds only integers is widened)."""
    if isinstance(paths, (str, bytes)) or not hasattr(paths, "__iter__"):
        paths = [paths]
    if shards_per_file < 1:
        raise ValueError("shards_per_file must be at least 1")
    meta = _meta(cic)
    parts = []
    for path in paths:
        for k in range(shards_per_file):
            shard = f"{k}/{shards_per_file}" if shards_per_file > 1 else None
            task = dask.delayed(_part)(str(path), shard, dict(options, cic=cic))
            parts.append(dask.delayed(lambda f, m=meta: f.astype(m.dtypes.to_dict()))(task))
    return dd.from_delayed(parts, meta=meta)
