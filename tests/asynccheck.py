#!/usr/bin/env python3
"""Checks async-match's output against its input, without Perfetto.

Usage: asynccheck.py [--orphans close|drop] [--start-time NS]
                     [--end-time NS] [--no-stacking] INPUT OUTPUT

- every record that is not async_begin/async_end comes out unchanged and
  in input order;
- pairing by (pid, id) in input order gives the expected spans, orphans
  included (unfinished: end at max(--end-time, last ts); unstarted: begin
  at min(--start-time, first ts); flagged in args), or dropped with
  --orphans=drop; each comes out exactly once with its ts, dur, name,
  tid, parent, depth and args;
- track records: a group "Async Operations" per pid and lanes under it,
  all lanes of a pid named alike, each declared before its first use;
- on every lane: spans in ts order, and any two disjoint or nested
  (closed-open intervals; a zero-length span is a point);
- lanes per pid never exceed the largest number of its spans open at one
  instant (a zero-length span counts at its instant);
- stacking (unless --no-stacking): a span whose parent was open at its
  begin and holds its start is on the parent's lane, unless a span on that
  lane, placed before it, holds its start and ends before it does.
Prints a summary, or the first problems found; exits 1 on a problem.
"""
import argparse
import bisect
import csv
import json
import sys
from collections import Counter, defaultdict

CANON = ("kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,"
         "line,value,flows,flows_end,args").split(",")
EVENT_KINDS = {"slice", "begin", "end", "instant", "counter", "async",
               "async_begin", "async_end"}
problems = []


def bad(msg):
    problems.append(msg)
    if len(problems) >= 20:
        report()


def report():
    for p in problems:
        print("problem:", p)
    sys.exit(1 if problems else 0)


def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        rd = csv.reader(f)
        head = next(rd)
        assert head[0] == "kind", "no header in " + path
        for n, r in enumerate(rd, 2):
            if r:
                yield n, dict(zip(head, r))


class Exp:
    """An expected span, from the input."""
    def __init__(self, line, r, ts):
        self.line, self.r, self.s, self.e = line, r, ts, None
        self.flag, self.parent = None, None


def pair(inp, a):
    """Expected spans, in begin order, from the input's async events."""
    opened, spans, times, passthrough = {}, [], [], []
    for line, r in inp:
        k = r["kind"]
        if k in EVENT_KINDS and r.get("ts", "").lstrip("-").isdigit():
            times.append(int(r["ts"]))
        if k not in ("async_begin", "async_end"):
            passthrough.append([r.get(c, "") for c in CANON])
            continue
        key, ts = (r["pid"], r["id"]), int(r["ts"])
        if k == "async_begin":
            sp = Exp(line, r, ts)
            sp.parent = opened.get((r["pid"], r["parent"])) if r["parent"] else None
            opened[key] = sp
            spans.append(sp)
        elif key in opened:
            opened.pop(key).e = ts
        else:
            sp = Exp(line, r, None)
            sp.e, sp.flag = ts, "unstarted"
            sp.first = min(times)
            spans.append(sp)
    last = max(times) if times else 0
    end = max(a.end_time, last) if a.end_time is not None else last
    for sp in spans:
        if sp.flag == "unstarted":
            start = sp.first
            if a.start_time is not None:
                start = min(a.start_time, start)
            sp.s = start
        elif sp.e is None:
            sp.e, sp.flag = end, "unfinished"
    return spans, passthrough


def expect_key(sp):
    r = sp.r
    args = json.loads(r["args"]) if r["args"] else {}
    if sp.flag:
        args[sp.flag] = True
    return (r["pid"], r["id"], sp.s, sp.e - sp.s, r["name"], r["tid"],
            r["parent"], r["depth"], json.dumps(args, sort_keys=True))


def out_key(r):
    args = json.loads(r["args"]) if r["args"] else {}
    return (r["pid"], r["id"], int(r["ts"]), int(r["dur"]), r["name"],
            r["tid"], r["parent"], r["depth"], json.dumps(args, sort_keys=True))


def ours(r):
    return r["kind"] == "async" or (r["kind"] == "track" and (
        r["track"].startswith("async:") or r["track"].startswith("async-lane:")))


def read_output(out, passthrough):
    """Checks pass-through and declarations; returns async rows by lane."""
    groups, lanes, got, lane_of = {}, {}, [], {}
    other = []
    for line, r in out:
        if not ours(r):
            other.append([r.get(c, "") for c in CANON])
        elif r["kind"] == "track" and r["track"].startswith("async:"):
            if r["name"] != "Async Operations" or r["pid"] != r["track"][6:]:
                bad("line %d: group track %r" % (line, r))
            groups[r["track"]] = r["pid"]
        elif r["kind"] == "track":
            n, pid = r["track"][len("async-lane:"):].split(":", 1)
            if r["parent"] not in groups or groups[r["parent"]] != pid:
                bad("line %d: lane %s before its group" % (line, r["track"]))
            if r["name"] != "async":
                bad("line %d: lane named %r" % (line, r["name"]))
            lanes[r["track"]] = (pid, int(n))
        else:
            if r["track"] not in lanes or lanes[r["track"]][0] != r["pid"]:
                bad("line %d: async on undeclared lane %s" % (line, r["track"]))
            got.append((line, r))
    if other != passthrough:
        bad("pass-through records differ (%d in, %d out)" %
            (len(passthrough), len(other)))
    return got, lanes


def check_lane(lane, items):
    """items: (ts, dur, line) in output order."""
    prev = None
    for ts, dur, line in items:
        if prev is not None and ts < prev:
            bad("%s: line %d: ts %d after %d" % (lane, line, ts, prev))
        prev = ts
    stack = []
    for ts, dur, line in sorted(items, key=lambda x: (x[0], -x[1])):
        while stack and stack[-1][0] <= ts:
            stack.pop()
        if dur == 0:
            continue
        if stack and ts + dur > stack[-1][0]:
            bad("%s: line %d: [%d, %d) crosses the end %d of line %d" % (
                lane, line, ts, ts + dur, stack[-1][0], stack[-1][1]))
        stack.append((ts + dur, line))


def most_open(spans):
    """Largest number of spans open at one instant."""
    starts = sorted(sp.s for sp in spans if sp.e > sp.s)
    ends = sorted(sp.e for sp in spans if sp.e > sp.s)
    zero = Counter(sp.s for sp in spans if sp.e == sp.s)
    best = 0
    for t in set(starts) | set(zero):
        active = bisect.bisect_right(starts, t) - bisect.bisect_right(ends, t)
        best = max(best, active + zero[t])
    return best


def check_stacking(placed, spans):
    """placed: id(span) -> lane; spans in begin order."""
    by_lane = defaultdict(list)
    for sp in spans:
        if id(sp) in placed and sp.flag != "unstarted":
            by_lane[placed[id(sp)]].append(sp)
    n = 0
    for c in spans:
        p = c.parent
        if p is None or id(p) not in placed or id(c) not in placed:
            continue
        if not (p.s <= c.s < p.e):
            continue
        n += 1
        lane = placed[id(p)]
        if placed[id(c)] == lane:
            continue
        if not any(x.line < c.line and x.s <= c.s < x.e < c.e
                   for x in by_lane[lane]):
            bad("span %s (line %d) is off its parent's lane %s with "
                "nothing there in its way" % (c.r["id"], c.line, lane))
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orphans", default="close")
    ap.add_argument("--start-time", type=int)
    ap.add_argument("--end-time", type=int)
    ap.add_argument("--no-stacking", action="store_true")
    ap.add_argument("input")
    ap.add_argument("output")
    a = ap.parse_args()
    spans, passthrough = pair(rows(a.input), a)
    got, lanes = read_output(rows(a.output), passthrough)
    want = [sp for sp in spans if not (sp.flag and a.orphans == "drop")]
    wk = Counter(expect_key(sp) for sp in want)
    gk = Counter(out_key(r) for _, r in got)
    for k in list((wk - gk).elements())[:5]:
        bad("missing span %r" % (k,))
    for k in list((gk - wk).elements())[:5]:
        bad("unexpected span %r" % (k,))
    per_lane = defaultdict(list)
    for line, r in got:
        per_lane[r["track"]].append((int(r["ts"]), int(r["dur"]), line))
    for lane, items in per_lane.items():
        check_lane(lane, items)
    # lanes: the bound counts every span placed (dropped unfinished too)
    placedspans = defaultdict(list)
    for sp in spans:
        if not (sp.flag == "unstarted" and a.orphans == "drop"):
            placedspans[sp.r["pid"]].append(sp)
    nlanes = defaultdict(int)
    for lane, (pid, n) in lanes.items():
        nlanes[pid] = max(nlanes[pid], n + 1)
    for pid, n in nlanes.items():
        bound = most_open(placedspans[pid])
        if n > bound:
            bad("pid %s: %d lanes, but at most %d spans open at once" %
                (pid, n, bound))
    stacked = 0
    if not a.no_stacking:
        keyq = defaultdict(list)
        for line, r in got:
            keyq[out_key(r)].append(r["track"])
        placed = {}
        for sp in want:
            q = keyq.get(expect_key(sp))
            if q:
                placed[id(sp)] = q.pop(0)
        stacked = check_stacking(placed, spans)
    if problems:
        report()
    print("%d spans on %d lanes (%d children checked for stacking), "
          "%d records passed through" % (len(got), len(lanes), stacked,
                                         len(passthrough)))


if __name__ == "__main__":
    main()
