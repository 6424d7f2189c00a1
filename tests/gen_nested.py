#!/usr/bin/env python3
"""Random nested slices for the nesting tests: trees of slices on a few
threads and tracks, with many equal timestamps (children that start or end
with their parents, zero-length slices, instants at boundaries), written
sorted by ts with a random order among equal timestamps.
Usage: gen_nested.py SEED N"""
import random
import sys


def tree(rng, t0, t1, depth, out, where):
    t = t0
    while t < t1 and len(out) < LIMIT:
        start = t if rng.random() < 0.5 else rng.randint(t, t1)
        end = t1 if rng.random() < 0.3 else rng.randint(start, t1)
        if rng.random() < 0.1:
            out.append(("instant", start, 0, where, "i%d" % rng.randint(0, 5)))
        else:
            out.append(("slice", start, end - start, where, "s%d" % rng.randint(0, 15)))
            if depth < 6 and end > start:
                tree(rng, start, end, depth + 1, out, where)
        t = end + (rng.randint(0, 2) if rng.random() < 0.7 else 0)
        if end == start:
            t += 1


def main():
    global LIMIT
    rng = random.Random(int(sys.argv[1]))
    LIMIT = int(sys.argv[2])
    out = []
    wheres = [("1", "1", ""), ("1", "2", ""), ("1", "", "lane-a"), ("", "", "lane b")]
    for w in wheres:
        tree(rng, 1000, 1000 + LIMIT * 3, 0, out, w)
    rng.shuffle(out)
    out.sort(key=lambda r: r[1])
    print("kind,ts,dur,pid,tid,track,name")
    for kind, ts, dur, (pid, tid, track), name in out:
        print("%s,%d,%s,%s,%s,%s,%s" % (kind, ts, dur if kind == "slice" else "",
                                         pid, tid, track, name))


if __name__ == "__main__":
    main()
