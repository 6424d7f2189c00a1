#!/usr/bin/env python3
"""Checks a trace imported from Jaeger or Zipkin JSON against the file.

Usage: jzcheck.py jaeger|zipkin FILE SPANS.csv EVENTS.csv FLOWS.csv SUMMARY

FILE is read here on its own (json, gzip), without spanpipe's code. The
CSV files are trace_processor_shell's answers:
  SPANS   select name, ts, dur of the slices that carry debug.span_id
  EVENTS  select name, ts, dur of the other slices
  FLOWS   select (out name, out ts, in name, in ts) of every flow
SUMMARY is span-fetch's stderr.

- the span count: the file's spans, less exact duplicates and spans with
  no start, is the count span-fetch reports;
- every span's (name, start, end) is a slice exactly as often as the file
  has it (name + " [error]" for an error status);
- every log / annotation with a time is a zero-length slice;
- the flows are exactly: parent to child where the parent is in the file
  and in another service instance (or the child starts outside it), and
  link (FOLLOWS_FROM, extra references) to target, never back in time;
  the Zipkin server half of a shared span gets one from the client half.
Prints a summary, or the problems; exits 1 on a problem.
"""
import csv
import gzip
import json
import re
import sys
from collections import Counter

INSTANCE_KEYS = ("service.instance.id", "client-uuid", "host.name",
                 "hostname", "ip", "process.pid")


def load(path):
    """The JSON values of the file: one document, or one per line."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8-sig")
    try:
        return [json.loads(text)]
    except ValueError:
        return [json.loads(line) for line in text.splitlines()
                if line.strip()]


def pad(s, n):
    return s.lower().rjust(n, "0")


def us(v):
    return int(v) * 1000


def jaeger_spans(values):
    traces = []
    for v in values:
        if isinstance(v, list):
            traces += v
        elif "data" in v:
            traces += v["data"] or []
        else:
            traces.append(v)
    out = []
    for t in traces:
        procs = t.get("processes") or {}
        for s in t.get("spans") or []:
            out.append(jaeger_span(s, procs))
    return out


def tagmap(tags):
    return {kv["key"]: kv.get("value") for kv in tags or []}


def jaeger_span(s, procs):
    tid, sid = pad(s["traceID"], 32), pad(s["spanID"], 16)
    tags = tagmap(s.get("tags"))
    p = procs.get(s.get("processID")) or s.get("process") or {}
    ptags = tagmap(p.get("tags"))
    inst = next((str(ptags[k]) for k in INSTANCE_KEYS if k in ptags), "")
    error = tags.get("error") in (True, "true")
    code = str(tags.get("otel.status_code", "")).upper()
    error = code == "ERROR" or (error and code != "OK")
    parent, links = None, []
    for r in s.get("references") or []:
        rt = pad(r.get("traceID") or tid, 32)
        if (parent is None and r.get("refType", "CHILD_OF") == "CHILD_OF"
                and rt == tid):
            parent = pad(r["spanID"], 16)
        else:
            links.append((rt, pad(r["spanID"], 16)))
    if parent is None and s.get("parentSpanID", "").strip("0"):
        parent = pad(s["parentSpanID"], 16)
    start = us(s["startTime"])
    kind = tags.get("span.kind", "")
    return dict(trace=tid, id=sid, parent=parent, links=links,
                shared=False, name=s.get("operationName", ""), kind=kind,
                proc=(p.get("serviceName", ""), inst), error=error,
                start=start, end=start + us(s["duration"]),
                events=[(jaeger_log_name(lg), us(lg["timestamp"]))
                        for lg in s.get("logs") or []])


def jaeger_log_name(lg):
    name = tagmap(lg.get("fields")).get("event")
    return name if isinstance(name, str) else "log"


def zipkin_spans(values):
    out = []

    def walk(v):
        if isinstance(v, list):
            for x in v:
                walk(x)
        else:
            out.append(zipkin_span(v))
    for v in values:
        walk(v)
    return out


def zipkin_span(s):
    ep = s.get("localEndpoint") or {}
    addr = ep.get("ipv4") or ("[%s]" % ep["ipv6"] if ep.get("ipv6") else "")
    if addr and "port" in ep:
        addr += ":%s" % ep["port"]
    tags = s.get("tags") or {}
    code = tags.get("otel.status_code", "").upper()
    error = code == "ERROR" or ("error" in tags and code != "OK")
    start = us(s["timestamp"]) if s.get("timestamp") else None
    end = start + us(s["duration"]) if start and "duration" in s else start
    kind = s.get("kind", "")
    return dict(trace=pad(s["traceId"], 32), id=pad(s["id"], 16),
                parent=pad(s["parentId"], 16) if s.get("parentId") else None,
                links=[], shared=bool(s.get("shared")) and kind != "CLIENT",
                name=s.get("name", ""), kind=kind,
                proc=(ep.get("serviceName", ""), addr), error=error,
                start=start, end=end,
                events=[(zipkin_annotation_name(a["value"]),
                         us(a["timestamp"]))
                        for a in s.get("annotations") or []])


def zipkin_annotation_name(v):
    m = re.match(r'^(.*?): (\{.*\})$', v, re.S)
    if m:
        try:
            if isinstance(json.loads(m.group(2)), dict):
                return m.group(1).strip('"')
        except ValueError:
            pass
    return v


def kept(spans):
    """The spans the import keeps: with a start, exact duplicates once."""
    out, seen = [], set()
    for s in spans:
        if not s["start"]:
            continue
        key = (s["trace"], s["id"], s["shared"], s["start"], s["end"],
               s["proc"], s["name"], s["kind"])
        if key in seen:
            continue
        seen.add(key)
        out.append(s)
    return out


def target(spans, trace, sid, proc, exclude_shared):
    best = None
    for d in spans:
        if d["trace"] != trace or d["id"] != sid:
            continue
        if exclude_shared and d["shared"]:
            continue
        if d["proc"] == proc:
            return d
        if best is None:
            best = d
    return best


def shown(s):
    return s["name"] + (" [error]" if s["error"] else "")


def expected_flows(spans):
    flows = Counter()
    for c in spans:
        refs = []
        if c["shared"]:
            refs.append((c["trace"], c["id"], True, False))
        elif c["parent"]:
            refs.append((c["trace"], c["parent"], False, False))
        refs += [(t, s, False, True) for t, s in c["links"]]
        for trace, sid, excl, link in refs:
            d = target(spans, trace, sid, c["proc"], excl)
            if d is None:
                continue
            inside = d["start"] <= c["start"] < d["end"]
            if not link and d["proc"] == c["proc"] and inside:
                continue
            if c["start"] < d["start"]:
                continue
            flows[(shown(d), d["start"], shown(c), c["start"])] += 1
    return flows


def rows(path):
    with open(path, newline="") as f:
        return [tuple(r) for r in list(csv.reader(f))[1:]]


def main():
    fmt, path, spans_csv, events_csv, flows_csv, summary = sys.argv[1:7]
    values = load(path)
    spans = (jaeger_spans if fmt == "jaeger" else zipkin_spans)(values)
    keep = kept(spans)
    problems = []
    with open(summary) as f:
        m = re.search(r": (\d+) spans, (\d+) events", f.read())
    if not m or int(m.group(1)) != len(keep):
        problems.append("span-fetch reports %s spans, the file has %d "
                        "(of %d, less duplicates and spans without a "
                        "start)" % (m and m.group(1), len(keep),
                                    len(spans)))
    want = Counter((shown(s), s["start"], s["end"] - s["start"])
                   for s in keep)
    got = Counter((n, int(ts), int(d)) for n, ts, d in rows(spans_csv))
    for k in sorted(set(want) | set(got)):
        if want[k] != got[k]:
            problems.append("span %r at %d, dur %d: %d in the trace, %d in "
                            "the file" % (k[0], k[1], k[2], got[k], want[k]))
    ewant = Counter((n, ts, 0) for s in keep for n, ts in s["events"] if ts)
    egot = Counter((n, int(ts), int(d)) for n, ts, d in rows(events_csv))
    if ewant != egot:
        problems.append("events differ: missing %s, extra %s" % (
            list((ewant - egot).items())[:5],
            list((egot - ewant).items())[:5]))
    fwant = expected_flows(keep)
    fgot = Counter((a, int(b), c, int(d)) for a, b, c, d in rows(flows_csv))
    if fwant != fgot:
        problems.append("flows differ: missing %s, extra %s" % (
            list((fwant - fgot).items())[:5],
            list((fgot - fwant).items())[:5]))
    if problems:
        print("\n".join(problems[:20]))
        return 1
    print("%s: %d spans in, %d span slices, %d events, %d flows" % (
        path, len(spans), sum(got.values()), sum(egot.values()),
        sum(fgot.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
