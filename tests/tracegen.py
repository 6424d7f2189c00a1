#!/usr/bin/env python3
"""Hand-built Perfetto traces for perfetto-inspect's tests.

Usage: tracegen.py NAME > FILE    (tracegen.py -l lists the names)
       tracegen.py -o DIR          (every trace, as DIR/NAME.pftrace)

Every trace is written byte by byte with the field numbers of
../shared/perfetto-fields.md, independently of proto/ and of
perfetto-encode, so that broken traces can be made on purpose: each
name below is one fault (or none, for "ok" and friends).
"""
import gzip
import random
import struct
import sys
import zlib


def varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def tag(num, wt):
    return varint(num << 3 | wt)


def vi(num, v):
    return tag(num, 0) + varint(v)


def ln(num, b):
    if isinstance(b, str):
        b = b.encode()
    return tag(num, 2) + varint(len(b)) + b


def fx(num, v):
    return tag(num, 1) + struct.pack("<Q", v)


def dbl(num, d):
    return tag(num, 1) + struct.pack("<d", d)


def cat(*parts):
    return b"".join(parts)


def packet(*fields):
    return ln(1, cat(*fields))


# TracePacket fields
def seq(n):
    return vi(10, n)


def ts(t, clock=None):
    return vi(8, t) + (vi(58, clock) if clock is not None else b"")


CLEARED = vi(13, 1)
NEEDS = vi(13, 2)
BEGIN, END, INSTANT, COUNTER = 1, 2, 3, 4


def process(uuid, pid, name, labels=()):
    body = cat(vi(1, pid), ln(6, name), *[ln(8, x) for x in labels])
    return ln(60, cat(vi(1, uuid), ln(3, body)))


def thread(uuid, pid, tid, name, parent=None):
    body = cat(vi(1, pid), vi(2, tid), ln(5, name))
    par = vi(5, parent) if parent is not None else b""
    return ln(60, cat(vi(1, uuid), ln(4, body), par))


def custom(uuid, name, parent=None):
    par = vi(5, parent) if parent is not None else b""
    return ln(60, cat(vi(1, uuid), ln(2, name), par))


def counter_track(uuid, name, parent=None, unit=None):
    par = vi(5, parent) if parent is not None else b""
    c = vi(3, unit) if unit is not None else b""
    return ln(60, cat(vi(1, uuid), ln(2, name), par, ln(8, c)))


def anno(name, value=None, name_iid=None, children=None):
    body = vi(1, name_iid) if name_iid is not None else ln(10, name)
    if children is not None:
        return cat(body, *[ln(11, c) for c in children])
    if isinstance(value, bool):
        return cat(body, vi(2, int(value)))
    if isinstance(value, int):
        return cat(body, vi(4, value))
    if isinstance(value, float):
        return cat(body, dbl(5, value))
    return cat(body, ln(6, value))


def event(type_, track=None, name=None, name_iid=None, cat_iids=(),
          cats=(), flows=(), term=(), old_flows=(), old_term=(),
          counter=None, dcounter=None, annos=()):
    f = [vi(9, type_)]
    if track is not None:
        f.append(vi(11, track))
    if name is not None:
        f.append(ln(23, name))
    if name_iid is not None:
        f.append(vi(10, name_iid))
    f += [vi(3, c) for c in cat_iids] + [ln(22, c) for c in cats]
    f += [fx(47, x) for x in flows] + [fx(48, x) for x in term]
    f += [vi(36, x) for x in old_flows] + [vi(42, x) for x in old_term]
    if counter is not None:
        f.append(vi(30, counter))
    if dcounter is not None:
        f.append(dbl(44, dcounter))
    f += [ln(4, a) for a in annos]
    return ln(11, cat(*f))


def interned(names=(), cats=(), annos=()):
    f = [ln(1, cat(vi(1, i), ln(2, s))) for i, s in cats]
    f += [ln(2, cat(vi(1, i), ln(2, s))) for i, s in names]
    f += [ln(3, cat(vi(1, i), ln(2, s))) for i, s in annos]
    return ln(12, cat(*f))


def defaults(track=None, clock=None):
    f = vi(58, clock) if clock is not None else b""
    if track is not None:
        f += ln(11, vi(11, track))
    return ln(59, f)


def snapshot(*clocks):
    """clocks: (id, timestamp, incremental, unit_multiplier_ns or None)"""
    out = []
    for cid, t, inc, mult in clocks:
        c = vi(1, cid) + vi(2, t) + (vi(3, 1) if inc else b"")
        c += vi(4, mult) if mult else b""
        out.append(ln(1, c))
    return ln(6, cat(*out))


# A small valid trace: a process, a thread, nested slices with interned
# names, an instant, a flow, a counter track with an int and a double.
def decls():
    return cat(packet(seq(1), process(1, 42, "proc")),
               packet(seq(1), thread(2, 42, 7, "main", parent=1)),
               packet(seq(1), counter_track(3, "mem", parent=1)))


def ok():
    return cat(
        decls(),
        packet(seq(2), CLEARED, ts(1000),
               interned(names=[(1, "outer")], cats=[(1, "c")]),
               event(BEGIN, 2, name_iid=1, cat_iids=[1], flows=[5])),
        packet(seq(2), NEEDS, ts(1100),
               event(BEGIN, 2, name="inner", annos=[anno("k", 3)])),
        packet(seq(2), NEEDS, ts(1200), event(INSTANT, 2, name_iid=1,
                                              term=[5])),
        packet(seq(2), NEEDS, ts(1300), event(END, 2)),
        packet(seq(2), NEEDS, ts(1400), event(END, 2)),
        packet(seq(3), CLEARED, ts(1500), event(COUNTER, 3, counter=10)),
        packet(seq(3), NEEDS, ts(1600), event(COUNTER, 3, dcounter=2.5)))


def top_field():
    return cat(ok(), vi(2, 7))


def truncated():
    p = packet(seq(2), CLEARED, ts(2000), event(INSTANT, 2, name="x"))
    return cat(ok(), p[:-3])


def huge_length():
    return cat(ok(), tag(1, 2), varint(1 << 63), b"\0" * 16)


def bad_wire():
    return cat(ok(), tag(1, 3), b"\0" * 8)


def long_varint():
    return cat(ok(), b"\x0a" + b"\xff" * 11)


def bad_packet():
    # the packet's own bytes hold a field whose length runs past them
    inner = cat(seq(2), tag(11, 2), varint(200), b"abc")
    return cat(ok(), ln(1, inner))


def wrong_wire_type():
    # TrackEvent.type (9) written length-delimited
    return cat(decls(), packet(seq(2), ts(1), ln(11, ln(9, "xy"))))


def iid_unknown():
    return cat(decls(), packet(seq(2), CLEARED, ts(10),
                               event(INSTANT, 2, name_iid=3)))


def iid_after_clear():
    return cat(decls(),
               packet(seq(2), CLEARED, ts(10), interned(names=[(1, "a")]),
                      event(INSTANT, 2, name_iid=1)),
               packet(seq(2), CLEARED, ts(20),
                      event(INSTANT, 2, name_iid=1)))


def iid_other_sequence():
    return cat(decls(),
               packet(seq(2), CLEARED, ts(10), interned(cats=[(1, "a")]),
                      event(INSTANT, 2, name="x", cat_iids=[1])),
               packet(seq(4), CLEARED, ts(20),
                      event(INSTANT, 2, name="y", cat_iids=[1])))


def iid_annotation():
    return cat(decls(), packet(seq(2), CLEARED, ts(10), event(
        INSTANT, 2, name="x", annos=[anno(None, 1, name_iid=9)])))


def needs_before_clear():
    return cat(decls(),
               packet(seq(2), NEEDS, ts(5), event(INSTANT, 2, name="lost")),
               packet(seq(2), NEEDS, ts(6), event(INSTANT, 2, name="lost")),
               packet(seq(2), CLEARED, ts(7), event(INSTANT, 2, name="ok")))


def after_loss():
    return cat(decls(),
               packet(seq(2), CLEARED, ts(5), event(INSTANT, 2, name="a")),
               packet(seq(2), vi(42, 1), NEEDS, ts(6),
                      event(INSTANT, 2, name="b")),
               packet(seq(2), CLEARED, ts(7), event(INSTANT, 2, name="c")))


def undeclared_track():
    return cat(decls(), packet(seq(2), ts(5), event(INSTANT, 99, name="x")))


def undeclared_default():
    return cat(decls(), packet(seq(2), CLEARED, defaults(track=77)),
               packet(seq(2), NEEDS, ts(5), event(INSTANT, name="x")))


def parent_undeclared():
    return cat(decls(), packet(seq(1), custom(8, "orphan", parent=55)))


def uuid_conflict():
    return cat(decls(), packet(seq(1), thread(2, 42, 8, "other", parent=1)))


def uuid_same_twice():
    return cat(decls(), decls())


def thread_dup():
    return cat(decls(), packet(seq(1), thread(9, 42, 7, "main", parent=1)))


def counter_early():
    return cat(packet(seq(2), ts(5), event(COUNTER, 3, counter=1)), decls())


def declared_late():
    return cat(packet(seq(2), ts(5), event(INSTANT, 2, name="x")), decls())


def end_without_begin():
    return cat(decls(), packet(seq(2), ts(5), event(END, 2)))


def open_at_end():
    return cat(decls(), packet(seq(2), ts(5), event(BEGIN, 2, name="x")))


def counter_on_slice_track():
    return cat(decls(), packet(seq(2), ts(5), event(COUNTER, 2, counter=1)))


def slice_on_counter_track():
    return cat(decls(), packet(seq(2), ts(5), event(BEGIN, 3, name="x")),
               packet(seq(2), ts(6), event(END, 3)))


def misplaced_end():
    return cat(decls(),
               packet(seq(2), ts(1), event(BEGIN, 2, name="a")),
               packet(seq(2), ts(2), event(BEGIN, 2, name="b")),
               packet(seq(2), ts(3), event(END, 2, name="a")),
               packet(seq(2), ts(4), event(END, 2)),
               packet(seq(2), ts(5), event(INSTANT, 2, name="after")))


def too_deep():
    out = [decls()]
    for i in range(515):
        out.append(packet(seq(2), ts(i + 1), event(BEGIN, 2, name="d")))
    for i in range(515):
        out.append(packet(seq(2), ts(1000 + i), event(END, 2)))
    return cat(*out)


def file_order():
    # the END comes first in the file but later in time: the importer
    # sorts by timestamp, so does perfetto-inspect: no fault
    return cat(decls(), packet(seq(2), ts(20), event(END, 2)),
               packet(seq(2), ts(10), event(BEGIN, 2, name="x")))


def flow_once():
    return cat(decls(),
               packet(seq(2), ts(1), event(INSTANT, 2, name="a", flows=[7])),
               packet(seq(2), ts(2), event(INSTANT, 2, name="b", term=[8])))


def flow_old():
    return cat(decls(),
               packet(seq(2), ts(1), event(INSTANT, 2, name="a",
                                           old_flows=[7])),
               packet(seq(2), ts(2), event(INSTANT, 2, name="b",
                                           old_term=[7])))


def compressed():
    inner = ok()
    return packet(seq(1), ln(50, zlib.compress(inner)))


def compressed_bad():
    return cat(ok(), packet(seq(1), ln(50, b"not zlib at all")))


def compressed_inner_fault():
    inner = iid_unknown()
    return packet(seq(1), ln(50, zlib.compress(inner)))


def compressed_bomb():
    # 80 MiB of zeros inflate from 80 KiB: past the bound, refused
    return packet(seq(1), ln(50, zlib.compress(b"\0" * (80 << 20), 9)))


def gzip_ok():
    return gzip.compress(ok(), mtime=0)


def gzip_two_members():
    return gzip.compress(ok(), mtime=0) + gzip.compress(ok(), mtime=0)


def gzip_cut():
    return gzip.compress(ok(), mtime=0)[:-12]


def clocks():
    # sequence 5: clock 64, incremental, tied to BOOTTIME 1000000;
    # sequence 6: clock 65 in microseconds, incremental, at 5000000 ns
    return cat(
        decls(),
        packet(seq(5), CLEARED, defaults(track=2, clock=64),
               snapshot((6, 1000000, 0, 0), (64, 1000000, 1, 0))),
        packet(seq(5), NEEDS, ts(10), event(BEGIN, name="a")),
        packet(seq(5), NEEDS, ts(5), event(END)),
        packet(seq(5), NEEDS, ts(2000000, clock=6), event(BEGIN, name="b")),
        packet(seq(5), NEEDS, ts(100), event(INSTANT, name="c")),
        packet(seq(6), CLEARED, defaults(track=2, clock=65),
               snapshot((6, 5000000, 0, 0), (65, 100, 1, 1000))),
        packet(seq(6), NEEDS, ts(3), event(INSTANT, name="d")))


def clock_undefined():
    return cat(decls(), packet(seq(2), ts(5, clock=70),
                               event(INSTANT, 2, name="x")))


def no_sequence_id():
    return cat(decls(), packet(ts(5), event(INSTANT, 2, name="x")))


def unknown_type():
    return cat(decls(), packet(seq(2), ts(5), event(7, 2, name="x")))


def deep_annotation():
    a = anno("leaf", 1)
    for i in range(40):
        a = anno("n%d" % i, children=[a])
    return cat(decls(), packet(seq(2), ts(5), event(INSTANT, 2, name="x",
                                                     annos=[a])))


def overflow():
    # microsecond fields and durations that overflow when scaled to ns
    big = (1 << 63) - 1
    return cat(
        decls(),
        packet(seq(2), ln(11, cat(vi(9, INSTANT), vi(11, 2), ln(23, "a"),
                                  vi(16, big)))),
        packet(seq(7), ln(44, cat(vi(1, 42), vi(2, 7), vi(6, big)))),
        packet(seq(7), ln(11, cat(vi(9, INSTANT), ln(23, "b"), vi(1, big)))),
        packet(seq(2), ts(5), ln(11, cat(vi(11, 2), ln(23, "x"), ln(6, cat(
            vi(2, ord("X")), vi(3, big)))))),
        packet(seq(2), ts(1 << 63), event(INSTANT, 2, name="c")))


def annotations():
    # every value type perfetto-encode writes, nested
    inner = [anno("w", 640), anno("big", 1.0e300)]
    arr = cat(ln(10, "tags"), ln(12, ln(6, "a")), ln(12, vi(4, 2)))
    return cat(decls(), packet(seq(2), ts(5), event(INSTANT, 2, name="x",
               annos=[anno("s", 'q"uote\n'), anno("b", True),
                      anno("d", 0.1), anno("i", -5),
                      anno("size", children=inner), arr,
                      cat(ln(10, "u"), vi(3, 1 << 63)),
                      cat(ln(10, "n"), ln(9, "null"))])))


def mutations():
    """Deterministic byte mutations of ok(), one trace each, joined
    with a 4-byte length prefix each (tests split them)."""
    rnd = random.Random(7)
    base = bytearray(ok() + clocks())
    out = []
    for i in range(150):
        b = bytearray(base)
        for _ in range(rnd.randint(1, 6)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        if i % 5 == 0:
            del b[rnd.randrange(len(b)):]
        out.append(struct.pack("<I", len(b)) + bytes(b))
    return b"".join(out)


# Slice ends as the importer takes them, atrace lines, JSON nulls, tracks.
def end_below_top():
    # END a closes a under b; nothing comes later: b stays open, no cut
    return cat(decls(),
               packet(seq(2), ts(1), event(BEGIN, 2, name="a")),
               packet(seq(2), ts(2), event(BEGIN, 2, name="b")),
               packet(seq(2), ts(3), event(END, 2, name="a")))


def json_null_array():
    arr = cat(ln(10, "tags"), ln(12, ln(6, "a")), ln(12, ln(9, "null")))
    return cat(decls(), packet(seq(2), ts(5), event(INSTANT, 2, name="x",
                                                     annos=[arr])))


def json_null_inside():
    # nulls inside a JSON object or array: the importer skips them
    return cat(decls(), packet(seq(2), ts(5), event(INSTANT, 2, name="x",
               annos=[cat(ln(10, "o"), ln(9, '{"a":null,"b":[null,1]}'))])))


def ftrace(cpu, *evs):
    """evs: (ts, tid, print buffer)"""
    return packet(ln(1, cat(vi(1, cpu), *[ln(2, cat(
        vi(1, t), vi(2, tid), ln(3, cat(vi(1, 1), ln(2, buf)))))
        for t, tid, buf in evs])))


def atrace_shared():
    # thread 42/7 has track events and atrace: one stack; the atrace E
    # comes after a named track event END closed "te" under "at"
    return cat(decls(),
               packet(seq(2), ts(10), event(BEGIN, 2, name="te", cats=["c"])),
               ftrace(0, (20, 7, "B|42|at\n")),
               packet(seq(2), ts(30), event(END, 2, cats=["c"])),
               ftrace(0, (40, 7, "E|42\n")))


def atrace_separate():
    # the same, but the descriptor keeps its thread's track its own
    sep = ln(60, cat(vi(1, 2), ln(4, cat(vi(1, 42), vi(2, 7),
                                         ln(5, "main"))), vi(9, 1)))
    return cat(packet(seq(1), sep),
               packet(seq(2), ts(10), event(BEGIN, 2, name="te", cats=["c"])),
               ftrace(0, (20, 7, "B|42|at\n")),
               packet(seq(2), ts(30), event(END, 2, cats=["c"])),
               ftrace(0, (40, 7, "E|42\n")))


def atrace_kinds():
    # sync, async and counter lines, on two CPUs; a clock sync line
    return ftrace(0, (10, 7, "B|42|outer"), (11, 7, "I|42|mark"),
                  (12, 7, "S|42|load|1"), (13, 7, "S|42|load|2"),
                  (14, 7, "C|42|queue|3"), (15, 7, "E|42"),
                  (16, 7, "F|42|load|1"), (17, 7, "F|42|load|2"),
                  (18, 7, "trace_event_clock_sync: parent_ts=1")) + \
        ftrace(1, (12, 8, "B|42|other\n"), (13, 8, "E\n"),
               (14, 8, "C|42|queue|4"))


def atrace_bad():
    return ftrace(0, (10, 7, "hello, kernel"), (11, 7, "B|x|name"))


def tracks_used():
    # an unused process, two same-named siblings (one track), a thread
    # whose parent process is made for it
    return cat(packet(seq(1), process(1, 42, "proc")),
               packet(seq(1), process(5, 43, "idle")),
               packet(seq(1), thread(2, 42, 7, "main", parent=1)),
               packet(seq(1), custom(8, "lane", parent=1)),
               packet(seq(1), custom(9, "lane", parent=1)),
               packet(seq(2), ts(1), event(INSTANT, 2, name="t")),
               packet(seq(2), ts(2), event(INSTANT, 8, name="a")),
               packet(seq(2), ts(3), event(INSTANT, 9, name="b")))


def legacy_event(track, name, phase, cats=("c",), **ids):
    """A TrackEvent with a LegacyEvent: ids unscoped=, local=, bind=, dir="""
    num = {"unscoped": 6, "local": 10, "bind": 8, "dir": 13}
    le = cat(vi(2, ord(phase)), *[vi(num[k], v) for k, v in ids.items()])
    return ln(11, cat(vi(11, track), ln(23, name), *[ln(22, c) for c in cats],
                      ln(6, le)))


def legacy_async():
    # nestable b/e with one id, legacy S/T/F by name, flows v1 (s, t, f;
    # an f binds to the next slice on its track) and v2 (bind ids out,
    # in) on complete slices
    return cat(decls(),
               packet(seq(2), ts(1), legacy_event(2, "load", "b", unscoped=5)),
               packet(seq(2), ts(2), legacy_event(2, "part", "b", unscoped=5)),
               packet(seq(2), ts(3), legacy_event(2, "part", "e", unscoped=5)),
               packet(seq(2), ts(4), legacy_event(2, "load", "e", unscoped=5)),
               packet(seq(2), ts(5), legacy_event(2, "req", "S", unscoped=7)),
               packet(seq(2), ts(6), legacy_event(2, "req", "T", unscoped=7)),
               packet(seq(2), ts(7), legacy_event(2, "req", "F", unscoped=7)),
               packet(seq(2), ts(10), legacy_event(2, "a", "X", bind=9, dir=2)),
               packet(seq(2), ts(10), legacy_event(2, "fl", "s", unscoped=3)),
               packet(seq(2), ts(20), legacy_event(2, "b", "X", bind=9, dir=1)),
               packet(seq(2), ts(20), legacy_event(2, "fl", "t", unscoped=3)),
               packet(seq(2), ts(30), legacy_event(2, "fl", "f", unscoped=3)),
               packet(seq(2), ts(30), legacy_event(2, "c", "X")))


SCENARIOS = {name.replace("_", "-"): fn for name, fn in list(globals().items())
             if callable(fn) and fn.__module__ == "__main__" and
             fn.__code__.co_argcount == 0 and
             not fn.__code__.co_flags & 0x04 and
             name not in ("decls", "main", "ftrace", "legacy_event")}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "-o":
        for name, fn in SCENARIOS.items():
            with open("%s/%s.pftrace" % (sys.argv[2], name), "wb") as f:
                f.write(fn())
        return
    if len(sys.argv) != 2:
        sys.exit("usage: tracegen.py NAME > FILE (-l: list names, "
                 "-o DIR: write them all)")
    if sys.argv[1] == "-l":
        print("\n".join(sorted(SCENARIOS)))
        return
    fn = SCENARIOS.get(sys.argv[1])
    if fn is None:
        sys.exit("tracegen.py: no trace named " + sys.argv[1])
    sys.stdout.buffer.write(fn())


if __name__ == "__main__":
    main()
