# SPDX-License-Identifier: MIT
"""flowreplay on Dask (docs/scale-out.md): one task per (capture, shard), or per shard of a gen
run, on any Dask cluster.

    from distributed import Client, LocalCluster
    import flowreplay.dask
    client = Client(LocalCluster(n_workers=2, processes=False))
    feats = flowreplay.dask.features(["a.pcap", "b.pcap"], shards_per_file=2).compute()

Each task runs flowreplay.features(path, shard="K/N") in the worker, which releases the GIL, so
thread workers use every core. The shards of a file together are its whole output (docs/cli.md,
"Shards"), so the result is the files' rows, in another order. gen() synthesizes one run as
`shards` tasks (flowreplay.gen(shard="K/N")), each writing a capture of its own.
"""
import warnings

import dask
import dask.dataframe as dd
import pandas as pd

import flowreplay


def _part(path, shard, options):
    """One task's rows, built for concatenation: the 76 value columns come from the library as one
    float64 array (one pandas block, no per-column conversion), the key columns beside them."""
    o = dict(options)
    labels = o.pop("labels", None)
    result = flowreplay._flowreplay.features(path, o.pop("cic", "head"), None if labels is None else str(labels),
                                             o.pop("label_column", "APP"),
                                             o.pop("default_label", "BENIGN"), o.pop("tz", "UTC"), shard, True)
    if o:
        raise TypeError(f"features() got unexpected keyword arguments {sorted(o)}")
    if result["truncated"] is not None:
        warnings.warn(f"{path}: {result['truncated']}", RuntimeWarning, stacklevel=2)
    names, columns = result["order"], result["columns"]
    frame = pd.DataFrame(result["matrix"], columns=names[7:-1], copy=False)
    for i, name in enumerate(names[:7]):
        frame.insert(i, name, columns[name])
    frame[names[-1]] = columns[names[-1]]
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
            parts.append(dask.delayed(_part)(str(path), shard, dict(options, cic=cic)))
    return dd.from_delayed(parts, meta=meta)


def _gen_part(config, flows, seed, shard, pcap):
    frame = flowreplay.gen(config=config, flows=flows, seed=seed, pcap=pcap, shard=shard)
    frame.insert(0, "Shard", shard or "0/1")
    return frame


def gen(config=None, shards=2, flows=None, seed=1, pcap=None):
    """One gen run as `shards` tasks: task K synthesizes the run's flows K, K + shards, ...
    (flowreplay.gen(shard="K/shards"), gen --shard, docs/cli.md#shards) and, with `pcap` (a name
    holding "{shard}", such as "out-{shard}.pcapng"), writes them to a capture of its own. Returns a dask DataFrame of
    the ground-truth report (a "Shard" column first, then gen()'s columns): together, every flow of
    the run with its packets and bytes; `.to_csv("truth.csv", single_file=True)` writes them as one
    report."""
    if shards < 1:
        raise ValueError("shards must be at least 1")
    if pcap is not None and shards > 1 and "{shard}" not in str(pcap):
        raise ValueError('pcap must hold "{shard}" (replaced by each shard\'s number) when shards > 1')
    # gen()'s columns: every one int64 (ns times, counts, ports) but the addresses and APP.
    meta = pd.DataFrame({"Shard": pd.Series(dtype=object),
                         **{name: pd.Series(dtype=object if name in ("SRC_IP", "DST_IP", "APP") else "int64")
                            for name in flowreplay.gen_header()}})
    parts = []
    for k in range(shards):
        shard = f"{k}/{shards}" if shards > 1 else None
        path = None if pcap is None else str(pcap).replace("{shard}", str(k))
        parts.append(dask.delayed(_gen_part)(None if config is None else str(config), flows, seed, shard, path))
    return dd.from_delayed(parts, meta=meta)
