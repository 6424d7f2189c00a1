#!/usr/bin/env python3
"""Checks a record stream written by span-fetch or span-gen.

usage: storecheck.py FILE [--open N] [--depth N]

Read independently of the C code (Python's csv module): the header and 17
columns on every line; process records, then thread records, then events
in ts order; thread spans that nest on their thread (a parent listed
before its child, depth and parent id matching the enclosing span, no
span crossing its parent's end); async events paired at most once each
way, a begin before its end. With --open N, fails when more than N async
spans were open at one time (spans without a begin count from the start).
Prints one summary line of counts.
"""
import csv
import sys

HEADER = ("kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,"
          "line,value,flows,flows_end,args").split(",")


def die(lineno, msg):
    print(f"line {lineno}: {msg}")
    sys.exit(1)


def check_slice(stacks, n, r):
    ts, dur = int(r["ts"]), int(r["dur"])
    if dur < 0:
        die(n, "negative dur")
    st = stacks.setdefault((r["pid"], r["tid"]), [])
    while st and st[-1][0] <= ts:
        st.pop()
    depth = int(r["depth"]) if r["depth"] else None
    if depth is not None and depth != len(st):
        die(n, f"depth {depth} but {len(st)} enclosing spans")
    want_parent = st[-1][1] if st else ""
    if r["parent"] != want_parent:
        die(n, f"parent {r['parent']!r}, enclosing span {want_parent!r}")
    if st and ts + dur > st[-1][0]:
        die(n, "ends after its parent")
    st.append((ts + dur, r["id"]))
    return depth or 0


def check_async(spans, n, r):
    key = (r["pid"], r["id"])
    s = spans.setdefault(key, {})
    which = "begin" if r["kind"] == "async_begin" else "end"
    if which in s:
        die(n, f"second async {which} for {key}")
    if which == "end" and "begin" in s and s["begin"] > int(r["ts"]):
        die(n, "async end before its begin")
    s[which] = int(r["ts"])
    s.setdefault("tid_" + which, r["tid"])
    return which


def main():
    path = sys.argv[1]
    opts = dict(zip(sys.argv[2::2], sys.argv[3::2]))
    stacks, spans = {}, {}
    counts = {"process": 0, "thread": 0, "slice": 0, "async_begin": 0,
              "async_end": 0}
    names = set()
    phase, last_ts, maxdepth = 0, None, 0
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        if next(rows) != HEADER:
            die(1, "not the canonical header")
        for n, row in enumerate(rows, 2):
            if len(row) != len(HEADER):
                die(n, f"{len(row)} fields")
            r = dict(zip(HEADER, row))
            k = r["kind"]
            if k not in counts:
                die(n, f"unexpected kind {k!r}")
            counts[k] += 1
            order = {"process": 0, "thread": 1}.get(k, 2)
            if order < phase and not (order == 0 and phase == 1):
                die(n, f"{k} after events")
            phase = max(phase, order)
            if order < 2:
                continue
            ts = int(r["ts"])
            if last_ts is not None and ts < last_ts:
                die(n, f"ts {ts} before {last_ts}")
            last_ts = ts
            names.add(r["name"])
            if k == "slice":
                maxdepth = max(maxdepth, check_slice(stacks, n, r))
            else:
                check_async(spans, n, r)
    unfinished = sum(1 for s in spans.values() if "end" not in s)
    unstarted = sum(1 for s in spans.values() if "begin" not in s)
    crossing = sum(1 for s in spans.values()
                   if "begin" in s and "end" in s and s["tid_begin"] != s["tid_end"])
    # spans open at once: a begin opens, an end closes (ends at a time
    # after the begins at that time, as they are listed)
    events = []
    for s in spans.values():
        events.append((s.get("begin", -2**63), 0))
        if "end" in s:
            events.append((s["end"], 1))
    events.sort()
    open_now = maxopen = 0
    for _, kind in events:
        open_now += 1 if kind == 0 else -1
        maxopen = max(maxopen, open_now)
    if "--open" in opts and maxopen > int(opts["--open"]):
        die(0, f"{maxopen} async spans open at once, above {opts['--open']}")
    if "--depth" in opts and maxdepth >= int(opts["--depth"]):
        die(0, f"depth {maxdepth} reached, limit {opts['--depth']}")
    special = sum(1 for x in names if "," in x) > 0, \
        sum(1 for x in names if '"' in x) > 0, \
        sum(1 for x in names if any(ord(c) > 127 for c in x)) > 0
    print(f"processes {counts['process']} threads {counts['thread']} "
          f"slices {counts['slice']} async_begin {counts['async_begin']} "
          f"async_end {counts['async_end']} unfinished {unfinished} "
          f"unstarted {unstarted} crossing {crossing} maxopen {maxopen} "
          f"maxdepth {maxdepth} special_names {int(all(special))}")


main()
