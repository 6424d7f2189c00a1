#!/usr/bin/env python3
"""Checks a trace's field numbers against ../shared/perfetto-fields.md.

An independent reading of the wire format: it trusts neither our .proto nor
protobuf-c. Every field of every message it can place must be one the
document lists for that message, with the wire type its type implies.
Usage: fieldcheck.py perfetto-fields.md trace.pftrace
Prints the problems and the count of fields checked; exits 1 on a problem.
"""
import re
import sys

SCALAR_WIRE = {"uint64": 0, "uint32": 0, "int32": 0, "int64": 0, "bool": 0,
               "enum": 0, "fixed64": 1, "double": 1, "string": 2, "bytes": 2}


def load_schema(path):
    """{message: {number: (name, type word)}} from the document's table."""
    schema = {}
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not re.fullmatch(r"[A-Z][\w.]*", cells[0]):
            continue
        msg, field, number, typ = cells[:4]
        if msg == "SourceLocation":   # "iid 1, file_name 2, ..."
            for name, num in re.findall(r"(\w+) (\d+)", field):
                kind = "string" if name.endswith("name") else "uint64"
                schema.setdefault(msg, {})[int(num)] = (name, kind)
            continue
        if not number.isdigit():
            continue
        words = typ.replace("repeated ", "").split()
        word = words[0] if words else ""
        inline = re.search(r"\{([^}]*)\}", typ)
        if inline:                     # EventName {iid 1, name 2}
            for name, num in re.findall(r"(\w+) (\d+)", inline.group(1)):
                schema.setdefault(word, {})[int(num)] = (
                    name, "uint64" if name == "iid" else "string")
        if word == "Clock":
            word = "ClockSnapshot.Clock"
        schema.setdefault(msg, {})[int(number)] = (field, word)
    return schema


def varint(buf, i):
    shift = value = 0
    while True:
        if i >= len(buf):
            raise ValueError("truncated varint")
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, i


def fields(buf):
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, i = varint(buf, i)
        elif wire == 1:
            val, i = buf[i:i + 8], i + 8
        elif wire == 2:
            n, i = varint(buf, i)
            val, i = buf[i:i + n], i + n
        elif wire == 5:
            val, i = buf[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wire)
        yield num, wire, val


def walk(schema, msg, buf, problems, path, count):
    for num, wire, val in fields(buf):
        count[0] += 1
        known = schema.get(msg, {})
        if num not in known:
            problems.append("%s: field %d is not in the document" % (path, num))
            continue
        name, typ = known[num]
        if typ in schema:
            if wire != 2:
                problems.append("%s.%s: wire type %d for a message" % (path, name, wire))
            else:
                walk(schema, typ, val, problems, path + "." + name, count)
        elif typ in SCALAR_WIRE and SCALAR_WIRE[typ] != wire:
            problems.append("%s.%s: wire type %d, the document says %s" %
                            (path, name, wire, typ))


def main():
    schema = load_schema(sys.argv[1])
    data = open(sys.argv[2], "rb").read()
    problems, count = [], [0]
    walk(schema, "Trace", data, problems, "Trace", count)
    for p in sorted(set(problems)):
        print(p)
    print("%d fields checked, %d problems" % (count[0], len(set(problems))))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
