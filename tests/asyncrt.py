#!/usr/bin/env python3
"""The round trip of async spans through Perfetto, checked from the far end.

Usage: asyncrt.py [--orphans close|drop] [--start-time NS] [--end-time NS]
                  INPUT RECORDS

INPUT holds the async_begin/async_end records given to async-match;
RECORDS is `perfetto-inspect --records` of the trace that came out of
async-match | perfetto-encode. Every span paired from INPUT (orphans as
asynccheck.py makes them) must appear exactly once, as a slice with its
ts, dur and name (and pid, when every pid is a decimal int32) on a track named "Async Operations" or on a track
beneath one; no other slice may be there. Exits 1 and lists differences.
"""
import argparse
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from asynccheck import pair, rows  # noqa: E402


def got_spans(path):
    groups, lanes, got = {}, {}, Counter()
    for _, r in rows(path):
        if r["kind"] == "track" and r["name"] == "Async Operations":
            groups[r["track"]] = r["pid"]
        elif r["kind"] == "track" and r["parent"] in groups:
            lanes[r["track"]] = groups[r["parent"]]
        elif r["kind"] == "slice":
            pid = groups.get(r["track"], lanes.get(r["track"]))
            if pid is not None:
                got[(pid, int(r["ts"]), int(r["dur"]), r["name"])] += 1
    return got


def pid_of(pid):
    """A pid Perfetto keeps as it is, else None (it becomes a hash)."""
    try:
        return pid if 0 <= int(pid) < 2**31 else None
    except ValueError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--orphans", default="close")
    ap.add_argument("--start-time", type=int)
    ap.add_argument("--end-time", type=int)
    ap.add_argument("input")
    ap.add_argument("records")
    a = ap.parse_args()
    spans, _ = pair(rows(a.input), a)
    keep = [sp for sp in spans if not (sp.flag and a.orphans == "drop")]
    literal = all(pid_of(sp.r["pid"]) for sp in keep)
    want = Counter((sp.r["pid"] if literal else None, sp.s, sp.e - sp.s,
                    sp.r["name"]) for sp in keep)
    got = Counter()
    for k, n in got_spans(a.records).items():
        got[(k[0] if literal else None, *k[1:])] += n
    if got == want:
        print("%d async spans round-trip exactly" % sum(want.values()))
        return 0
    for k in sorted((want - got).elements())[:10]:
        print("missing:", k)
    for k in sorted((got - want).elements())[:10]:
        print("unexpected:", k)
    print("%d of %d spans differ" % (sum((want - got).values()),
                                     sum(want.values())))
    return 1


if __name__ == "__main__":
    sys.exit(main())
