#!/usr/bin/env python3
"""Compares two imports by trace_processor (tests/tp.sql output): the
slices it finds in a Chrome JSON file and those it finds in spanpipe's
trace of that file.

Slices on threads must agree in (name, ts, dur, process, thread), where a
process is its name, else its pid, and a thread likewise (spanpipe names
an undeclared process or thread by its identifier where Perfetto leaves it
unnamed, and for string pids and tids Perfetto's numbers are its own);
other slices (async spans, global and process instants) in (name, ts,
dur). What remains must be one of the differences by design that
span-fetch(1) lists, each counted:
  overlap  an X event partly overlapping a slice open on its thread: on
           the thread's overflow track in Perfetto, on spanpipe's track
           "TID (overlapping)" in the same process;
  tid0     an event of tid 0 in a process other than 0: Perfetto's JSON
           importer takes tid 0 for no tid and moves it to the thread
           numbered as its process;
  swapper  thread 0 of process 0 is "swapper" in any Perfetto trace;
  open     an async span never ended: open (dur -1) in Perfetto, ended by
           async-match at the end of the trace;
  n        an n (async instant) event: on its async track in Perfetto,
           on its thread in spanpipe's;
  async    async spans only spanpipe has: legacy S/T/F spans and ends
           with nothing open, which Perfetto's JSON importer drops.
Usage: tpsame.py JSON_TP_OUTPUT TRACE_TP_OUTPUT
"""
import csv
import sys
from collections import Counter

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from tpcheck import unhex  # noqa: E402

SUFFIX = " (overlapping)"


def rows(path):
    out = []
    for r in csv.DictReader(open(path, encoding="utf-8", newline="")):
        if r["k"] == "slice":
            r = {k: (None if v == "[NULL]" else v) for k, v in r.items()}
            for k in ("name", "tname", "pname", "trname"):
                r[k] = unhex(r[k])
            r["ts"], r["dur"] = int(r["ts"]), int(r["dur"])
            r["proc"] = r["pname"] or r["pid"]
            r["thread"] = r["tname"] or r["tid"]
            out.append(r)
    return out


def key(r):
    if r["tid"] is None:
        return (r["name"], r["ts"], r["dur"])
    return (r["name"], r["ts"], r["dur"], r["proc"], r["thread"])


RULES = {
    "overlap": lambda j, r: j["tid"] and r["tid"] is None and
    (r["trname"] or "").endswith(SUFFIX) and j["dur"] == r["dur"] and
    j["proc"] == r["proc"] and
    r["trname"][:-len(SUFFIX)] in (j["tid"], j["tname"]),
    "tid0": lambda j, r: r["tid"] == "0" and r["pid"] != "0" and
    j["tid"] == j["pid"] == r["pid"] and j["dur"] == r["dur"],
    "swapper": lambda j, r: r["tid"] == j["tid"] == "0" and
    r["tname"] == "swapper" and j["proc"] == r["proc"] and
    j["dur"] == r["dur"],
    "open": lambda j, r: j["tid"] is None and r["tid"] is None and
    j["dur"] == -1 and r["dur"] >= 0,
    "n": lambda j, r: j["tid"] is None and r["tid"] and
    j["dur"] == r["dur"] == 0,
}


def main():
    theirs, ours = rows(sys.argv[1]), rows(sys.argv[2])
    want = Counter(key(j) for j in theirs)
    left = []
    for r in ours:
        if want[key(r)]:
            want[key(r)] -= 1
        else:
            left.append(r)
    pending = Counter(+want)
    missing = []
    for j in theirs:
        if pending[key(j)]:
            pending[key(j)] -= 1
            missing.append(j)
    used, bad = Counter(), []
    for r in left:
        for name, rule in RULES.items():
            hit = next((j for j in missing if j["name"] == r["name"] and
                        j["ts"] == r["ts"] and rule(j, r)), None)
            if hit:
                missing.remove(hit)
                used[name] += 1
                break
        else:
            if r["tid"] is None:
                used["async"] += 1
            else:
                bad.append("only in the trace: %r" % (key(r),))
    bad = ["only in the JSON:  %r" % (key(j),) for j in missing] + bad
    for line in bad[:20]:
        print(line)
    if len(bad) > 20:
        print("... %d more" % (len(bad) - 20))
    print("%d slices the same; by design: %s" % (
        len(ours) - len(left),
        ", ".join("%s %d" % kv for kv in sorted(used.items())) or "none"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
