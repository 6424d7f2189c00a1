#!/usr/bin/env python3
"""Checks a trace made from an OTLP file against the file itself.

usage: otelcheck.py TRACE_PROCESSOR TRACE SOURCE [PROTO_DIR]

SOURCE is read here independently of spanpipe: OTLP/JSON with json, OTLP
protobuf through `protoc --decode` (PROTO_DIR holds otlp_trace.proto).
Prints one line "spans=N flows=F" and, for every problem, a line starting
"FAIL"; exits 1 when there is any:
 - every distinct span's (name, start, dur) is a slice with a span_id arg,
   exactly once (an error span's name ends in " [error]");
 - on every track slices only nest;
 - no importer stat of severity error or data_loss;
 - the flows: one per child whose parent is in another process or outside
   whose interval it starts, one per link to a span in the file (not when
   the child starts before its target).
"""
import base64
import binascii
import json
import re
import subprocess
import sys

KEYS_INSTANCE = ("service.instance.id", "host.name", "process.pid")


def get(o, *names):
    for n in names:
        if isinstance(o, dict) and o.get(n) is not None:
            return o[n]
    return None


def hexid(s, n):
    if not s:
        return None
    if re.fullmatch(r"[0-9a-fA-F]+", s) and len(s) <= 2 * n:
        v = s.lower().rjust(2 * n, "0")
    else:
        v = binascii.hexlify(base64.b64decode(s + "=" * (-len(s) % 4))).decode()
    return None if int(v, 16) == 0 else v


def anyval(v):
    if not isinstance(v, dict):
        return None
    for k in ("stringValue", "string_value", "intValue", "int_value",
              "boolValue", "bool_value", "doubleValue", "double_value"):
        if k in v:
            return v[k]
    return None


def attrs(o):
    return {kv.get("key"): anyval(kv.get("value"))
            for kv in (get(o, "attributes") or [])}


def json_values(text):
    try:
        v = json.loads(text)
        return v if isinstance(v, list) else [v]
    except ValueError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def from_json(path):
    out = []
    for top in json_values(open(path, encoding="utf-8").read()):
        rss = get(top, "resourceSpans", "resource_spans", "batches")
        if rss is None and get(top, "scopeSpans", "scope_spans"):
            rss = [top]
        for rs in rss or []:
            ra = attrs(get(rs, "resource") or {})
            proc = (ra.get("service.name"),
                    next((str(ra[k]) for k in KEYS_INSTANCE if k in ra), None))
            for ss in (get(rs, "scopeSpans", "scope_spans",
                           "instrumentationLibrarySpans") or []):
                for sp in ss.get("spans") or []:
                    st = get(sp, "status") or {}
                    code = get(st, "code")
                    out.append(dict(
                        proc=proc, name=sp.get("name", ""),
                        trace=hexid(get(sp, "traceId", "trace_id"), 16),
                        span=hexid(get(sp, "spanId", "span_id"), 8),
                        parent=hexid(get(sp, "parentSpanId", "parent_span_id"), 8),
                        start=int(get(sp, "startTimeUnixNano", "start_time_unix_nano")),
                        end=int(get(sp, "endTimeUnixNano", "end_time_unix_nano")),
                        kind=str(get(sp, "kind")),
                        error=code in (2, "STATUS_CODE_ERROR"),
                        links=[(hexid(get(l, "traceId", "trace_id"), 16),
                                hexid(get(l, "spanId", "span_id"), 8))
                               for l in sp.get("links") or []]))
    return out


def textproto(text):
    """protoc's text format as nested dicts of lists."""
    toks = re.findall(r'"(?:[^"\\]|\\.)*"|[{}]|[^\s{}:]+:?', text)
    root, stack, key = {}, [], None
    cur = root
    for i, t in enumerate(toks):
        if t == "{":
            new = {}
            cur.setdefault(key, []).append(new)
            stack.append(cur)
            cur = new
        elif t == "}":
            cur = stack.pop()
        elif t.endswith(":"):
            key = t[:-1]
        elif i + 1 < len(toks) and toks[i + 1] == "{":
            key = t
        elif t.startswith('"'):
            raw = t[1:-1].encode("latin1").decode("unicode_escape")
            cur.setdefault(key, []).append(raw.encode("latin1"))
        else:
            cur.setdefault(key, []).append(t)
    return root


def from_pb(path, protodir):
    text = subprocess.run(
        ["protoc", "-I", protodir,
         "--decode=opentelemetry.proto.trace.v1.TracesData", "otlp_trace.proto"],
        stdin=open(path, "rb"), capture_output=True, check=True).stdout
    data = textproto(text.decode("latin1"))
    out = []

    def one(d, k, default=None):
        return d.get(k, [default])[0]

    def kvs(d):
        r = {}
        for kv in d.get("attributes", []):
            v = one(kv, "value", {})
            r[one(kv, "key", b"").decode()] = next(
                (x[0].decode() if isinstance(x[0], bytes) else x[0]
                 for x in v.values()), None)
        return r

    def hx(b):
        return binascii.hexlify(b).decode() if b and any(b) else None

    for rs in data.get("resource_spans", []):
        ra = kvs(one(rs, "resource", {}))
        proc = (ra.get("service.name"),
                next((str(ra[k]) for k in KEYS_INSTANCE if k in ra), None))
        for ss in rs.get("scope_spans", []):
            for sp in ss.get("spans", []):
                out.append(dict(
                    proc=proc, name=one(sp, "name", b"").decode(),
                    trace=hx(one(sp, "trace_id")), span=hx(one(sp, "span_id")),
                    parent=hx(one(sp, "parent_span_id")),
                    start=int(one(sp, "start_time_unix_nano", 0)),
                    end=int(one(sp, "end_time_unix_nano", 0)),
                    kind=one(sp, "kind", "0"),
                    error=one(one(sp, "status", {}), "code", "0") in ("2", "STATUS_CODE_ERROR"),
                    links=[(hx(one(l, "trace_id")), hx(one(l, "span_id")))
                           for l in sp.get("links", [])]))
    return out


def expected(spans):
    seen, uniq = set(), []
    for s in spans:
        k = (s["trace"], s["span"], s["start"], s["end"], s["proc"],
             s["name"], s["kind"])
        if k not in seen:
            seen.add(k)
            uniq.append(s)
    defs = {}
    for s in uniq:
        defs.setdefault((s["trace"], s["span"]), []).append(s)

    def target(key, proc):
        ds = defs.get(key, [])
        return next((d for d in ds if d["proc"] == proc), ds[0] if ds else None)

    flows = 0
    for s in uniq:
        if s["parent"]:
            d = target((s["trace"], s["parent"]), s["proc"])
            if d and not (d["proc"] == s["proc"] and d["start"] <= s["start"] < d["end"]) \
                    and s["start"] >= d["start"]:
                flows += 1
        for l in s["links"]:
            d = target(l, s["proc"])
            if d and d is not s and s["start"] >= d["start"]:
                flows += 1
    return uniq, flows


def tp(shell, trace, sql):
    q = "/tmp/otelcheck.%d.sql" % id(sql)
    open(q, "w").write(sql)
    r = subprocess.run([shell, "-q", q, trace], capture_output=True, text=True)
    if r.returncode != 0:
        print("FAIL trace_processor_shell exited %d: %s" % (r.returncode, r.stderr[-300:]))
        sys.exit(1)
    lines = [l for l in r.stdout.splitlines() if l.strip()]
    import csv
    return list(csv.reader(lines[1:]))


def main():
    shell, trace, src = sys.argv[1:4]
    protodir = sys.argv[4] if len(sys.argv) > 4 else "proto"
    with open(src, "rb") as f:
        first = f.read(64).lstrip()
    spans = from_json(src) if first[:1] in (b"{", b"[") else from_pb(src, protodir)
    uniq, wantflows = expected(spans)
    bad = 0
    want = sorted((s["name"] + (" [error]" if s["error"] else ""), s["start"],
                   s["end"] - s["start"]) for s in uniq)
    got = sorted((r[0], int(r[1]), int(r[2])) for r in tp(shell, trace,
                 "select s.name, s.ts, s.dur from slice s join args a using(arg_set_id) "
                 "where a.key = 'debug.span_id';"))
    if got != want:
        bad += 1
        print("FAIL slices differ from the spans: missing %s extra %s" % (
            [w for w in want if w not in got][:3], [g for g in got if g not in want][:3]))
    cross = tp(shell, trace,
               "select count(*) from slice a join slice b on a.track_id = b.track_id "
               "and a.id < b.id where a.ts < b.ts + b.dur and b.ts < a.ts + a.dur "
               "and not (a.ts <= b.ts and b.ts + b.dur <= a.ts + a.dur) "
               "and not (b.ts <= a.ts and a.ts + a.dur <= b.ts + b.dur);")
    if int(cross[0][0]):
        bad += 1
        print("FAIL %s pairs of slices cross on a track" % cross[0][0])
    errs = tp(shell, trace, "select name, value from stats where value > 0 and "
              "severity in ('error', 'data_loss');")
    if errs:
        bad += 1
        print("FAIL importer errors: %s" % errs)
    flows = int(tp(shell, trace, "select count(*) from flow;")[0][0])
    if flows != wantflows:
        bad += 1
        print("FAIL %d flows, expected %d" % (flows, wantflows))
    print("spans=%d slices=%d flows=%d" % (len(uniq), len(got), flows))
    sys.exit(1 if bad else 0)


main()
