#!/usr/bin/env python3
"""Writes an OTLP/JSON file in another dialect, for tests/cli/otel.sh.

usage: oteldialect.py DIALECT < canonical.json > variant

DIALECT: lines (one request per line), snake (snake_case names, enum
names, times as numbers), base64 (ids in base64), array (a JSON array of
requests), legacy (Tempo's "batches" and instrumentationLibrarySpans),
bare (one bare ResourceSpans per line, as Java's logging exporter writes).
"""
import base64
import json
import re
import sys

KINDS = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"]
STATUS = ["UNSET", "OK", "ERROR"]
IDS = ("traceId", "spanId", "parentSpanId")


def snake(o):
    if isinstance(o, list):
        return [snake(x) for x in o]
    if not isinstance(o, dict):
        return o
    out = {}
    for k, v in o.items():
        if k == "kind" and isinstance(v, int):
            v = "SPAN_KIND_" + KINDS[v]
        elif k == "code" and isinstance(v, int):
            v = "STATUS_CODE_" + STATUS[v]
        elif k.endswith("UnixNano"):
            v = int(v)
        out[re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), k)] = snake(v)
    return out


def b64(o):
    if isinstance(o, list):
        return [b64(x) for x in o]
    if not isinstance(o, dict):
        return o
    return {k: (base64.b64encode(bytes.fromhex(v)).decode() if k in IDS and v
                else b64(v)) for k, v in o.items()}


def legacy(rs):
    rs = dict(rs)
    rs["instrumentationLibrarySpans"] = [
        {"instrumentationLibrary": s["scope"], "spans": s["spans"]}
        for s in rs.pop("scopeSpans")]
    return rs


def main():
    d = json.load(sys.stdin)
    rss = d["resourceSpans"]
    how = sys.argv[1]
    if how == "lines":
        for rs in rss:
            print(json.dumps({"resourceSpans": [rs]}))
    elif how == "snake":
        print(json.dumps(snake(d), indent=1))
    elif how == "base64":
        print(json.dumps(b64(d)))
    elif how == "array":
        print(json.dumps([{"resourceSpans": [rs]} for rs in rss], indent=2))
    elif how == "legacy":
        print(json.dumps({"batches": [legacy(rs) for rs in rss]}))
    elif how == "bare":
        for rs in rss:
            print(json.dumps(rs))
    else:
        sys.exit("unknown dialect " + how)


main()
