#!/usr/bin/env python3
"""Rebuilds the slices of a trace the way Perfetto's importer does, and
compares them with the records that were encoded.

Independent of spanpipe's C code: a hand-written wire reader, sequence
state (clears, defaults, interned names, incremental clocks), a stable sort
by timestamp, and per track a stack where END closes the innermost slice.
Usage: replay.py RECORDS.csv TRACE.pftrace
Prints "N slices match" or the differences, exits 1 on a difference.
"""
import csv
import struct
import sys
from collections import Counter

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from fieldcheck import fields  # noqa: E402


def sub(buf):
    out = {}
    for num, wire, val in fields(buf):
        out.setdefault(num, []).append(val)
    return out


def one(m, num, default=None):
    return m[num][-1] if num in m else default


def u64(v):
    return struct.unpack("<Q", v)[0] if isinstance(v, (bytes, bytearray)) else v


class Seq:
    def __init__(self):
        self.names, self.default_track, self.default_clock = {}, None, None
        self.inc = {}


def decode(path):
    data = open(path, "rb").read()
    seqs, events, names = {}, [], {}
    for idx, (num, wire, pkt) in enumerate(fields(data)):
        p = sub(pkt)
        sid = one(p, 10, 0)
        s = seqs.setdefault(sid, Seq())
        if one(p, 13, 0) & 1:
            seqs[sid] = s = Seq()
        if 59 in p:
            d = sub(one(p, 59))
            s.default_clock = one(d, 58)
            if 11 in d:
                s.default_track = one(sub(one(d, 11)), 11)
        if 12 in p:
            for e in sub(one(p, 12)).get(2, []):
                e = sub(e)
                s.names[one(e, 1)] = one(e, 2, b"").decode()
        if 6 in p:
            for c in sub(one(p, 6)).get(1, []):
                c = sub(c)
                if one(c, 3, 0):
                    s.inc[one(c, 1)] = one(c, 2)
            continue
        if 60 in p:
            d = sub(one(p, 60))
            name = one(d, 2, b"").decode()
            for sub_num, key in ((3, 6), (4, 5)):
                if sub_num in d:
                    name = one(sub(one(d, sub_num)), key, b"").decode()
            names[one(d, 1)] = name
        if 11 not in p:
            continue
        te = sub(one(p, 11))
        clock = one(p, 58, s.default_clock)
        ts = one(p, 8, 0)
        if clock in s.inc:
            ts = s.inc[clock] = s.inc[clock] + ts
        name = one(te, 23, b"").decode() if 23 in te else s.names.get(one(te, 10))
        track = one(te, 11, s.default_track)
        events.append((ts, idx, track, one(te, 9, 0), name))
    return events, names


def rebuild(events):
    stacks, slices = {}, []
    for ts, _, track, typ, name in sorted(events, key=lambda e: (e[0], e[1])):
        st = stacks.setdefault(track, [])
        if typ == 1:
            st.append((ts, name))
        elif typ == 2 and st:
            b, n = st.pop()
            slices.append((track, b, ts - b, n))
        elif typ == 3:
            slices.append((track, ts, 0, name))
    for track, st in stacks.items():
        for b, n in st:
            slices.append((track, b, -1, n))
    return slices


def expected(path):
    """(track name, ts, dur, name) of every slice-like record."""
    return [(t, ts, d, n) for t, ts, d, n, _, _, _ in record_slices(path)]


def record_slices(path):
    """(track name, ts, dur, name, input order, track key, kind) of
    every slice-like record; a begin never ended has dur -1, as the
    importer gives it."""
    rows = list(csv.reader(open(path, encoding="utf-8", newline="")))
    cols = rows[0] if rows and rows[0] and rows[0][0] == "kind" else None
    canon = ("kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,"
             "line,value,flows,flows_end,args").split(",")
    names, want, opened = {}, [], {}
    for row in rows[1 if cols else 0:]:
        if not row:
            continue
        r = dict(zip(cols or canon, row))
        g = lambda k: r.get(k, "")  # noqa: E731
        k = g("kind")
        if k == "thread":
            names[("t", g("pid"), g("tid"))] = g("name") or g("tid")
        elif k == "track":
            names[("k", g("track"))] = g("name") or g("track")
        elif k == "process":
            names[("p", g("pid"))] = g("name") or g("pid")
        if k not in ("slice", "async", "instant", "begin", "end"):
            continue
        if g("track"):
            where = ("k", g("track"))
        elif g("tid"):
            where = ("t", g("pid"), g("tid"))
        elif g("pid"):
            where = ("p", g("pid"))
        else:
            where = ("k", "Global")
        if k == "begin":
            opened.setdefault(where, []).append((int(g("ts")), g("name"),
                                                 len(want)))
            want.append(None)
        elif k == "end":
            b, n, i = opened[where].pop()
            want[i] = (where, b, int(g("ts")) - b, n, "begin")
        else:
            dur = 0 if k == "instant" else int(g("dur"))
            want.append((where, int(g("ts")), dur, g("name"), k))
    for w, st in opened.items():
        for b, n, i in st:
            want[i] = (w, b, -1, n, "begin")
    return [(names.get(w[0], w[0][-1]), w[1], w[2], w[3], i, w[0], w[4])
            for i, w in enumerate(want) if w]


def main():
    events, names = decode(sys.argv[2])
    got = Counter((names.get(t, str(t)), ts, d, n) for t, ts, d, n in rebuild(events))
    want = Counter(expected(sys.argv[1]))
    if got == want:
        print("%d slices match" % sum(want.values()))
        return 0
    for x in sorted((want - got).elements(), key=str)[:20]:
        print("missing:", x)
    for x in sorted((got - want).elements(), key=str)[:20]:
        print("extra:  ", x)
    return 1


if __name__ == "__main__":
    sys.exit(main())
