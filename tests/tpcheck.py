#!/usr/bin/env python3
"""Judges trace_processor's import of a trace (the output of tests/tp.sql):
no stat of severity error or data_loss, and, given the records that were
encoded, exactly their slices as (name, ts, dur, depth).

The depth of each record is worked out from the records alone: on each
track, slices in ts order, the longest first among equal ts (input order
among equals), and a slice ends before anything that begins at its end;
instants and zero-length slices nest in what is open at their ts. That is
the nesting perfetto-encode(1) promises. One rule is the importer's own
(slice_tracker.cc): instants at one ts stack, each inside the one before.
Usage: tpcheck.py TP_OUTPUT [RECORDS.csv]
"""
import csv
import sys
from collections import Counter

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from replay import record_slices  # noqa: E402

INF = float("inf")


def unhex(s):
    """A string of tests/tp.sql's output: hex, or N for NULL."""
    return None if s == "N" else bytes.fromhex(s).decode("utf-8", "replace")


def imported(path):
    """The stats and the slices in trace_processor's CSV output."""
    stats, slices = [], Counter()
    rows = csv.reader(open(path, encoding="utf-8", newline=""))
    for row in rows:
        if len(row) < 5 or row[0] == "k":
            continue
        if row[0] == "stat":
            stats.append("%s (%s) = %s" % (unhex(row[1]), row[2], row[3]))
        else:
            name = unhex(row[1]) or ""
            slices[(name, int(row[2]), int(row[3]), int(row[4]))] += 1
    return stats, slices


def depths(path):
    """(name, ts, dur, depth) of every slice the records make."""
    tracks = {}
    for _, ts, dur, name, order, track, kind in record_slices(path):
        end = INF if dur < 0 else ts + dur
        tracks.setdefault(track, []).append((ts, -end, order, dur, name,
                                             kind == "instant"))
    out = Counter()
    for evs in tracks.values():
        st = []     # (end, is an instant) of what is open
        for ts, negend, _, dur, name, inst in sorted(evs):
            while st and (st[-1][0] < ts or
                          (st[-1][0] == ts and not (st[-1][1] and inst))):
                st.pop()
            out[(name, ts, dur, len(st))] += 1
            if dur != 0 or inst:
                st.append((-negend, inst))
    return out


def main():
    stats, got = imported(sys.argv[1])
    bad = ["stat " + s for s in stats]
    if len(sys.argv) > 2:
        want = depths(sys.argv[2])
        bad += ["missing: %r" % (x,) for x in sorted((want - got).elements())]
        bad += ["extra:   %r" % (x,) for x in sorted((got - want).elements())]
    for line in bad[:20]:
        print(line)
    if len(bad) > 20:
        print("... %d more" % (len(bad) - 20))
    if not bad:
        print("%d slices as imported" % sum(got.values()))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
