# SPDX-License-Identifier: MIT
"""flowreplay for Python: CICFlowMeter features, profiles, packets and synthesized ground truth as pandas
DataFrames, computed by the flowreplay C++ library in-process (no subprocess). docs/python.md.

    import flowreplay
    feats = flowreplay.features("trace.pcap", cic="corrected", labels="truth.csv")
    truth = flowreplay.gen(flows=1000, seed=7, pcap="out.pcapng")
    prof = flowreplay.profile("out.pcapng", time_decimals=6)
    for p in flowreplay.read("trace.pcap"):
        print(p.ts, p.src, p.dst, p.l3_len)
"""
import warnings

from . import _flowreplay

__version__ = _flowreplay.__version__
RawPacket = _flowreplay.RawPacket
gen_header = _flowreplay.gen_header            # the report's column names, in order
features_header = _flowreplay.features_header  # a features mode's column names, in order


def _frame(result, as_numpy):
    import pandas as pd

    frame = pd.DataFrame({name: result["columns"][name] for name in result["order"]}, columns=result["order"])
    if as_numpy:
        return frame.to_records(index=False)
    return frame


def features(path, cic="head", labels=None, tz="UTC", *, label_column="APP", default_label="BENIGN", shard=None,
             as_numpy=False):
    """The CICFlowMeter features of every flow in a pcap or pcapng file, one row per flow, the columns
    and values of `flowreplay features` (docs/features.md) with integer columns as int64 and the
    others as float64 or str. `cic`: head, 2020, 2018 or corrected; `labels`: a gen report (or any
    CSV with its key columns) whose `label_column` fills Label; `shard`: "K/N". A numpy record
    array with `as_numpy=True`. A truncated capture gives the flows read so far and a warning."""
    result = _flowreplay.features(str(path), cic, None if labels is None else str(labels), label_column, default_label,
                                  tz, shard)
    if result["truncated"] is not None:
        warnings.warn(f"{path}: {result['truncated']}", RuntimeWarning, stacklevel=2)
    return _frame(result, as_numpy)


def gen(config=None, flows=None, seed=1, pcap=None, *, shard=None, as_numpy=False):
    """Synthesizes a traffic mix (the built-in one without `config`) and returns its ground-truth
    report (docs/output.md) as a DataFrame; with `pcap`, also writes the capture (pcapng, ns).
    `shard`: "K/N", only the run's flows of that shard, as `gen --shard` (docs/cli.md#shards)."""
    result = _flowreplay.gen(None if config is None else str(config), flows, seed, None if pcap is None else str(pcap),
                             shard)
    return _frame(result, as_numpy)


def profile(path, *, active_timeout=None, inactive_timeout="30s", addresses=False, time_decimals=0, shard=None,
            as_numpy=False):
    """The flows of a pcap or pcapng file as a FlowTest profile (docs/profile.md): one biflow per row,
    the columns and values `flowreplay profile` writes. START_TIME and END_TIME are ms from the first
    packet, rounded down to `time_decimals` places (int64 with 0, FlowTest's form; float64 otherwise);
    `active_timeout` cuts long flows (a duration such as "300s"; default never), `inactive_timeout`
    ends idle ones; `addresses` adds SRC_IP and DST_IP first; `shard`: "K/N"."""
    result = _flowreplay.profile(str(path), active_timeout, inactive_timeout, addresses, time_decimals, shard)
    if result["truncated"] is not None:
        warnings.warn(f"{path}: {result['truncated']}", RuntimeWarning, stacklevel=2)
    return _frame(result, as_numpy)


def read(path):
    """Iterates the decoded packets (RawPacket) of a pcap or pcapng file; frames that are not IP
    are skipped and counted in the iterator's `skipped`."""
    return _flowreplay.PacketIterator(str(path))
