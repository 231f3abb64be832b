# SPDX-License-Identifier: MIT
"""An independent reference for the golden tests: CICFlowMeter's features computed from tshark's
fields, following shared/specs/cicflowmeter.md, written separately from flowreplay's C++ (it keeps
every flow's packet list and computes the features from it at the end, where the C++ streams).

Usage: cic_reference.py CAPTURE MODE > expected.csv      (MODE: head, 2020, 2018, corrected)
Rows are sorted by (first packet time, Flow ID); numbers are printed with repr() and compared
as numbers by compare_cic.py, so the text of Java's Double.toString is not needed here.
"""
import math
import subprocess
import sys
import time

FIELDS = ["frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.proto", "ipv6.nxt", "tcp.srcport",
          "tcp.dstport", "udp.srcport", "udp.dstport", "tcp.flags", "tcp.window_size_value", "tcp.hdr_len", "tcp.len",
          "udp.length", "ip.len", "ip.hdr_len", "ipv6.plen", "icmp.type", "icmp.code", "icmp.ident", "icmpv6.type",
          "icmpv6.code", "icmpv6.echo.identifier"]
FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 1, 2, 4, 8, 16, 32, 64, 128
TIMEOUT, ACTIVITY = 120_000_000, 5_000_000


class P:  # one packet, times in µs
    pass


def read(capture):
    cmd = ["tshark", "-n", "-r", capture, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    pkts = []
    for line in out.splitlines():
        v = dict(zip(FIELDS, line.split("\t")))
        p = P()
        whole, _, frac = v["frame.time_epoch"].partition(".")
        p.t = int(whole) * 1_000_000 + int((frac + "000000000")[:6])  # ns -> µs, truncated
        p.src = v["ip.src"] or v["ipv6.src"]
        p.dst = v["ip.dst"] or v["ipv6.dst"]
        p.proto = int(v["ip.proto"] or v["ipv6.nxt"])
        p.sport = p.dport = 0
        p.flags = p.win = p.hdr = 0
        if v["tcp.srcport"]:
            p.sport, p.dport = int(v["tcp.srcport"]), int(v["tcp.dstport"])
            p.flags, p.win, p.hdr, p.len = int(v["tcp.flags"], 16), int(v["tcp.window_size_value"]), int(v["tcp.hdr_len"]), int(v["tcp.len"])
        elif v["udp.srcport"]:
            p.sport, p.dport, p.hdr, p.len = int(v["udp.srcport"]), int(v["udp.dstport"]), 8, int(v["udp.length"]) - 8
        elif v["ip.len"]:
            p.len = int(v["ip.len"]) - int(v["ip.hdr_len"])
        else:
            p.len = int(v["ipv6.plen"])
        # ICMP: the echo identifier (0 for other messages) and type * 256 + code; `corrected`
        # keys ICMP flows by the identifier and shows type/code as Dst Port, as the report does.
        p.ident, p.typecode = 0, 0
        if p.proto == 1 and v["icmp.type"]:
            t = int(v["icmp.type"])
            p.typecode = t * 256 + int(v["icmp.code"])
            p.ident = int(v["icmp.ident"], 0) if t in (0, 8) and v["icmp.ident"] else 0
        elif p.proto == 58 and v["icmpv6.type"]:
            t = int(v["icmpv6.type"])
            p.typecode = t * 256 + int(v["icmpv6.code"])
            p.ident = int(v["icmpv6.echo.identifier"], 0) if t in (128, 129) and v["icmpv6.echo.identifier"] else 0
        pkts.append(p)
    return pkts


class Stats:  # commons-math3 SummaryStatistics
    def __init__(self, values=()):
        self.n, self.m1, self.m2, self.sum = 0, 0.0, 0.0, 0.0
        self.min = self.max = float("nan")
        for x in values:
            self.add(x)

    def add(self, x):
        x = float(x)
        self.min = x if self.n == 0 else min(self.min, x)
        self.max = x if self.n == 0 else max(self.max, x)
        self.n += 1
        dev = x - self.m1
        ndev = dev / self.n
        self.m1 += ndev
        self.m2 += (self.n - 1) * dev * ndev
        self.sum += x

    def mean(self):
        return self.m1 if self.n else float("nan")

    def var(self):
        return float("nan") if self.n == 0 else 0.0 if self.n == 1 else self.m2 / (self.n - 1)

    def std(self):
        return math.sqrt(self.var())


class Flow:
    def __init__(self, first, src, sport, dst, dport, fid, forced_forward):
        self.src, self.sport, self.dst, self.dport, self.id = src, sport, dst, dport, fid
        self.items = []  # (packet, activity update before it?)
        self.first = first
        self.first_forward = forced_forward
        self.fins = [0, 0]
        self.fin_seen = [False, False]
        self.ready = False


def segment(pkts, mode):
    """Cuts the packet stream into flows the way the mode's FlowGenerator does (§2.1, §2.2)."""
    java = mode != "corrected"
    flows, done = {}, []
    for p in pkts:
        if java and p.proto not in (6, 17):
            p.proto, p.sport, p.dport, p.len, p.hdr, p.flags = 0, 0, 0, 0, 0, 0
        elif not java and p.proto in (1, 58):
            p.sport = p.dport = p.ident
        key = (p.proto,) + tuple(sorted([(p.src, p.sport), (p.dst, p.dport)]))

        def fwd(f, q):
            return q.src == f.src and (java or q.sport == f.sport)

        def new(prev=None):
            if prev is not None:
                f = Flow(p, prev.src, prev.sport, prev.dst, prev.dport, prev.id, True if java else fwd(prev, p))
            elif mode == "corrected" and p.proto == 6 and p.flags & SYN and p.flags & ACK:
                f = Flow(p, p.dst, p.dport, p.src, p.sport, None, False)
            else:
                f = Flow(p, p.src, p.sport, p.dst, p.typecode if (not java and p.proto in (1, 58)) else p.dport, None, True)
            if f.id is None:
                a, b = (f.src, f.sport), (f.dst, f.dport)
                if mode == "2018" and signed_bytes(f.src) > signed_bytes(f.dst):
                    a, b = b, a
                f.id = f"{a[0]}-{b[0]}-{a[1]}-{b[1]}-{p.proto}"
            flows[key] = f
            return f

        f = flows.get(key)
        if f is None:
            new()
            continue
        if p.t - f.first.t > TIMEOUT:
            done.append(flows.pop(key))
            new(f)
            continue
        if mode in ("2018", "2020") and p.flags & FIN:
            f.items.append((p, False))
            done.append(flows.pop(key))
            continue
        if mode == "head" and p.flags & FIN:
            if fwd(f, p):
                f.fins[0] += 1
                if f.fins[0] == 1:
                    f.items.append((p, True))
            else:
                f.items.append((p, False))
                done.append(flows.pop(key))
            continue
        if mode == "head" and p.flags & RST:
            f.items.append((p, False))
            done.append(flows.pop(key))
            continue
        if mode == "corrected" and p.proto == 6:
            if f.ready and p.flags & SYN and not p.flags & ACK:
                done.append(flows.pop(key))
                new()
                continue
            f.items.append((p, True))
            d = 0 if fwd(f, p) else 1
            if p.flags & RST:
                f.ready = True
            if f.fin_seen[0] and f.fin_seen[1] and p.flags & ACK and not p.flags & FIN:
                f.ready = True
            if p.flags & FIN:
                f.fin_seen[d] = True
            continue
        f.items.append((p, True))
    done.extend(flows.values())
    return done


def signed_bytes(ip):
    import ipaddress
    return [b - 256 if b > 127 else b for b in ipaddress.ip_address(ip).packed]


def features(f, mode):
    java = mode != "corrected"
    p0 = f.first
    rest = [q for q, _ in f.items]
    allp = [p0] + rest
    is_fwd = [f.first_forward] + [q.src == f.src and (java or q.sport == f.sport) for q in rest]
    F = [q for q, d in zip(allp, is_fwd) if d]
    B = [q for q, d in zip(allp, is_fwd) if not d]
    dur = allp[-1].t - p0.t
    sec = dur / 1e6
    out = [dur, len(F), len(B)]
    fl, bl = Stats(q.len for q in F), Stats(q.len for q in B)
    out += [fl.sum, bl.sum]
    for s in (fl, bl):
        out += [s.max, s.min, s.mean(), s.std()] if s.n else ["0"] * 4
    nbytes = sum(q.len for q in allp)
    if not java and dur <= 0:
        out += [0.0, 0.0]
    else:
        out += [div(nbytes, sec), div(len(allp), sec)]
    iat = Stats(b.t - a.t for a, b in zip(allp, allp[1:]))
    out += [iat.mean(), iat.std(), iat.max, iat.min] if (java or iat.n) else ["0"] * 4
    for S in (F, B):
        s = Stats(b.t - a.t for a, b in zip(S, S[1:]))
        out += [s.sum, s.mean(), s.std(), s.max, s.min] if len(S) > 1 else ["0"] * 5
    if java:  # PSH/URG from the first packet only (Q5)
        out += [int(f.first_forward and p0.flags & PSH > 0), int(not f.first_forward and p0.flags & PSH > 0),
                int(f.first_forward and p0.flags & URG > 0), int(not f.first_forward and p0.flags & URG > 0)]
    else:
        out += [sum(1 for q in F if q.flags & PSH), sum(1 for q in B if q.flags & PSH),
                sum(1 for q in F if q.flags & URG), sum(1 for q in B if q.flags & URG)]
    out += [sum(q.hdr for q in F), sum(q.hdr for q in B)]
    out += [len(F) / sec if dur > 0 else 0.0, len(B) / sec if dur > 0 else 0.0]
    lengths = ([p0.len] if java else []) + [q.len for q in allp]  # Q1: p0 counted twice
    ls = Stats(lengths)
    out += [ls.min, ls.max, ls.mean(), ls.std(), ls.var()]
    flag_src = [p0] if mode == "2018" else allp
    counts = {b: sum(1 for q in flag_src if q.flags & b) for b in (FIN, SYN, RST, PSH, ACK, URG, CWR, ECE)}
    order = (RST, PSH, ECE, SYN, ACK, FIN, URG, CWR) if mode == "2018" else (FIN, SYN, RST, PSH, ACK, URG, CWR, ECE)
    out += [counts[b] for b in order]
    if not F:
        out.append(0.0)
    else:
        out.append(float(len(B) // len(F)) if java else len(B) / len(F))
    out.append(ls.sum / len(allp))
    out += [fl.sum / len(F) if F else 0.0, bl.sum / len(B) if B else 0.0]
    out += bulk_columns(allp, is_fwd, mode)
    out += subflow_columns(allp, F, B, mode)
    default = -1 if mode == "2018" else 0
    out.append(p0.win if f.first_forward else default)
    if B:
        out.append((B[-1] if java else B[0]).win)
    else:
        out.append(default)
    out.append(sum(1 for q in (F[1:] if java and f.first_forward else F) if q.len >= 1))
    if java:
        out.append(min(q.hdr for q in F) if f.first_forward else 0)
    else:
        out.append(min(q.hdr for q in F) if F else 0)
    active, idle = active_idle(f, mode)
    for s in (active, idle):
        out += [s.mean(), s.std(), s.max, s.min] if s.n else ["0"] * 4
    return out


def div(a, b):
    if b == 0:
        return float("nan") if a == 0 else float("inf")
    return a / b


def bulk_columns(allp, is_fwd, mode):
    if mode == "2018":
        return [0] * 6
    state = {0: dict(start=0, n=0, size=0, last=0, count=0, pk=0, by=0, dur=0),
             1: dict(start=0, n=0, size=0, last=0, count=0, pk=0, by=0, dur=0)}
    for q, fw in zip(allp, is_fwd):
        d = (0 if fw else 1) if mode == "corrected" else 1  # Q6: everything lands in backward
        me, other = state[d], state[1 - d]
        if other["last"] > me["start"]:
            me["start"] = 0
        if q.len <= 0:
            continue
        if me["start"] == 0 or (q.t - me["last"]) / 1e6 > 1.0:
            me.update(start=q.t, n=1, size=q.len, last=q.t)
            continue
        me["n"] += 1
        me["size"] += q.len
        if me["n"] == 4:
            me["count"] += 1
            me["pk"] += 4
            me["by"] += me["size"]
            me["dur"] += q.t - me["start"]
        elif me["n"] > 4:
            me["pk"] += 1
            me["by"] += q.len
            me["dur"] += q.t - me["last"]
        me["last"] = q.t
    cols = []
    for d in (0, 1):
        s = state[d]
        if mode == "corrected":
            cols += [s["by"] / s["count"] if s["count"] else 0.0, s["pk"] / s["count"] if s["count"] else 0.0,
                     s["by"] / (s["dur"] / 1e6) if s["dur"] else 0.0]
        else:
            shown = state[0] if (d == 1 and mode == "2020") else s  # ≤ 2020-05: Bwd Bytes/Bulk shows forward
            cols += [shown["by"] // shown["count"] if shown["count"] else 0, s["pk"] // s["count"] if s["count"] else 0,
                     int(s["by"] / (s["dur"] / 1e6)) if s["dur"] else 0]
    return cols


def subflow_columns(allp, F, B, mode):
    gaps = sum(1 for a, b in zip(allp, allp[1:]) if (b.t - a.t) / 1e6 > 1.0)
    fb, bb = sum(q.len for q in F), sum(q.len for q in B)
    if mode == "corrected":
        n = gaps + 1
        return [len(F) / n, fb / n, len(B) / n, bb / n]
    sf = {"2018": 1, "2020": len(allp), "head": gaps}[mode]
    return [len(F) // sf, fb // sf, len(B) // sf, bb // sf] if sf else [0, 0, 0, 0]


def active_idle(f, mode):
    active, idle = Stats(), Stats()
    st = {"start": f.first.t, "end": f.first.t}

    def update(t):
        if t - st["end"] > ACTIVITY:
            if st["end"] - st["start"] > 0:
                active.add(st["end"] - st["start"])
            idle.add(t - st["end"])
            st["start"] = st["end"] = t
        else:
            st["end"] = t

    prev = f.first.t
    for q, before in f.items:
        if before:
            update(q.t)
        if mode == "head" and (q.t - prev) / 1e6 > 1.0:
            update(q.t)  # the subflow detector's call
        if mode == "2020":
            update(q.t - prev)  # Q10 (a): an IAT passed as the current time
        prev = q.t
    if mode == "corrected" and st["end"] - st["start"] > 0:
        active.add(st["end"] - st["start"])
    return active, idle


def main():
    capture, mode = sys.argv[1], sys.argv[2]
    flows = segment(read(capture), mode)
    rows = []
    for f in flows:
        if mode != "corrected" and len(f.items) == 0:
            continue  # Q16: one-packet flows are dropped
        t0 = f.first.t
        stamp = time.strftime("%d/%m/%Y %I:%M:%S", time.gmtime(t0 // 1_000_000))
        if mode != "2018":
            stamp += " AM" if time.gmtime(t0 // 1_000_000).tm_hour < 12 else " PM"
        head = [f.id, f.src, f.sport, f.dst, f.dport, f.first.proto, stamp]
        label = "No Label" if mode in ("2018", "2020") else "NeedManualLabel"
        rows.append((t0, f.id, head + features(f, mode) + [label]))
    rows.sort(key=lambda r: (r[0], r[1]))
    for _, _, row in rows:
        print(",".join(x if isinstance(x, str) else repr(x) for x in row))


main()
