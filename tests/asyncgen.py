#!/usr/bin/env python3
"""Random async workloads for async-match's property tests.

Usage: asyncgen.py SEED N [--pids K] [--grid G] [--window] [--noise]
                          [--reuse] [--maxdepth D]

Writes records (canonical header, ts order) with about N async spans:
trees of spans with deep nesting, children that end with, before or after
their parent, zero-length spans, heavy overlap, ends on other threads
than their begins. --grid G puts every time on a multiple of G, so many
events share a timestamp (in random order, a span's begin always before
its end). --window keeps only the events in the middle 60% of the time
range, so spans lose their begins or their ends (orphans on both sides).
--noise mixes in slices, instants, counters, process and thread records;
--reuse gives ended spans' ids to later spans. --micromegas writes the
same workload the way micromegas lays it out: begin and end records on one
"Async Operations" track per process. Same seed, same output.
"""
import argparse
import csv
import heapq
import random
import sys

HEADER = ("kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,"
          "line,value,flows,flows_end,args").split(",")
NAMES = ["fetch", "db query", "render", "op, with comma", 'say "hi"',
         "io", "lock", "rpc", "parse", "wait"]


class Span:
    __slots__ = ("s", "e", "pid", "parent", "depth", "id", "name", "tid",
                 "etid", "args")


def snap(t, grid):
    return t - t % grid if grid > 1 else t


def duration(rng, scale):
    r = rng.random()
    if r < 0.06:
        return 0
    if r < 0.7:
        return int(rng.expovariate(1 / scale)) + 1
    return int(rng.expovariate(1 / (scale * 8))) + 1


def children(rng, p, a, spans, n, maxdepth):
    if p.depth >= maxdepth or len(spans) >= n:
        return
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
        if len(spans) >= n:
            return
        c = Span()
        c.s = rng.randint(p.s, p.e)
        r = rng.random()
        if r < 0.75:
            c.e = rng.randint(c.s, p.e)
        elif r < 0.85:
            c.e = p.e
        else:
            c.e = c.s + duration(rng, a.scale)   # may outlive its parent
        if rng.random() < 0.05:
            c.e = c.s
        c.pid, c.parent, c.depth = p.pid, p, p.depth + 1
        spans.append(c)
        children(rng, c, a, spans, n, maxdepth)


def build(rng, a):
    spans = []
    span_range = a.n * a.scale // 3 + 100
    while len(spans) < a.n:
        r = Span()
        r.s = rng.randrange(span_range)
        r.e = r.s + duration(rng, a.scale * 4)
        r.pid, r.parent, r.depth = rng.randint(1, a.pids), None, 0
        spans.append(r)
        tree = min(a.n, len(spans) + int(rng.expovariate(1 / 12)))
        children(rng, r, a, spans, tree, a.maxdepth)
    for sp in spans:
        sp.s, sp.e = snap(sp.s, a.grid), snap(sp.e, a.grid)
        if sp.parent and sp.s < sp.parent.s:
            sp.s = sp.parent.s
        sp.e = max(sp.e, sp.s)
    return spans, span_range


def name_ids(rng, spans, reuse):
    """Unique ids per pid; with reuse, some ids of spans already ended."""
    serial, free, ending = 0, {}, []
    for sp in sorted(spans, key=lambda x: (x.s, x.e)):
        while ending and ending[0][0] < sp.s:
            _, pid, ident = heapq.heappop(ending)
            free.setdefault(pid, []).append(ident)
        pool = free.get(sp.pid)
        if reuse and pool and rng.random() < 0.3:
            sp.id = pool.pop(rng.randrange(len(pool)))
        else:
            serial += 1
            sp.id = "s%d" % serial
        heapq.heappush(ending, (sp.e, sp.pid, sp.id))


def decorate(rng, spans):
    for k, sp in enumerate(spans):
        sp.name = rng.choice(NAMES) + " %d" % (k % 7)
        sp.tid = rng.randint(1, 4)
        sp.etid = sp.tid if rng.random() < 0.5 else rng.randint(1, 4)
        sp.args = '{"k":%d,"path":"/a/b"}' % k if rng.random() < 0.2 else ""


def row(**kw):
    return [str(kw.get(c, "")) for c in HEADER]


def events(rng, spans):
    ev = []
    for sp in spans:
        rank = rng.random()
        parent = sp.parent.id if sp.parent else ""
        if sp.parent is None and rng.random() < 0.03:
            parent = "no-such-span"
        ev.append((sp.s, rank, row(kind="async_begin", ts=sp.s, pid=sp.pid,
                   tid=sp.tid, id=sp.id, parent=parent, depth=sp.depth,
                   name=sp.name, category="cat", args=sp.args)))
        ev.append((sp.e, rank + rng.random(), row(kind="async_end", ts=sp.e,
                   pid=sp.pid, tid=sp.etid, id=sp.id)))
    return ev


def noise(rng, a, span_range):
    ev = []
    for pid in range(1, a.pids + 1):
        ev.append((-1, 0, row(kind="process", pid=pid, name="proc %d" % pid)))
        for tid in range(1, 5):
            ev.append((-1, 1, row(kind="thread", pid=pid, tid=tid,
                                  name="thread %d" % tid)))
    for k in range(a.n // 4):
        t = snap(rng.randrange(span_range), a.grid)
        kind = rng.choice(("slice", "instant", "counter"))
        if kind == "slice":
            r = row(kind=kind, ts=t, dur=0, pid=1, tid=1,
                    name="tick %d" % (k % 5))
        elif kind == "instant":
            r = row(kind=kind, ts=t, pid=1, tid=2, name="mark")
        else:
            r = row(kind=kind, ts=t, pid=1, name="depth", value=k % 17)
        ev.append((t, rng.random(), r))
    return ev


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("seed", type=int)
    ap.add_argument("n", type=int)
    ap.add_argument("--pids", type=int, default=2)
    ap.add_argument("--grid", type=int, default=1)
    ap.add_argument("--scale", type=int, default=40)
    ap.add_argument("--maxdepth", type=int, default=12)
    ap.add_argument("--window", action="store_true")
    ap.add_argument("--noise", action="store_true")
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--micromegas", action="store_true")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    spans, span_range = build(rng, a)
    name_ids(rng, spans, a.reuse)
    decorate(rng, spans)
    ev = events(rng, spans)
    if a.noise:
        ev += noise(rng, a, span_range)
    if a.window:
        lo, hi = span_range // 5, span_range * 4 // 5
        ev = [e for e in ev if e[0] < 0 or lo <= e[0] <= hi]
    ev.sort(key=lambda e: (e[0], e[1]))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(HEADER)
    if a.micromegas:
        for pid in range(1, a.pids + 1):
            w.writerow(row(kind="track", track="mm:%d" % pid, pid=pid,
                           name="Async Operations"))
    for e in ev:
        if a.micromegas:
            single_track(e[2])
        w.writerow(e[2])


def single_track(r):
    """An async event as a begin or end on its process's one track."""
    k, i = r[0], HEADER.index
    if k in ("async_begin", "async_end"):
        r[0] = "begin" if k == "async_begin" else "end"
        r[i("track")] = "mm:" + r[i("pid")]
        r[i("tid")] = r[i("id")] = r[i("parent")] = r[i("depth")] = ""


if __name__ == "__main__":
    main()
