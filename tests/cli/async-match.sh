# async-match: options, pairing, lanes, orphans, bad input, and property
# tests on random workloads, checked directly and through Perfetto.
A=$BIN/async-match
H=kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,line,value,flows,flows_end,args
G1='track,,,1,,async:1,,,,Async Operations,,,,,,,'
L0='track,,,1,,async-lane:0:1,,async:1,,async,,,,,,,'
L1='track,,,1,,async-lane:1:1,,async:1,,async,,,,,,,'
L2='track,,,1,,async-lane:2:1,,async:1,,async,,,,,,,'
nl='
'
# lines ARG...: the arguments as lines, for t's STDIN and STDOUT
lines() { printf '%s\n' "$@"; }

# ---- options ----
t "async-match: --help" 0 '' '*' '' -- $A --help
grep -q '^usage: async-match \[-k\]' "$T/out" && pass "async-match: --help shows usage on stdout" ||
	fail "async-match: --help shows usage on stdout"
t "async-match: -h" 0 '' '*' '' -- $A -h
t "async-match: --version" 0 '' "async-match (spanpipe) $(sed -n 's/^VERSION = //p' config.mk)" '' -- $A --version
t "async-match: unknown option" 64 '' '' 'usage: async-match' -- $A --bogus
t "async-match: --orphans=keep" 64 '' '' "orphans: 'keep' is neither close nor drop" -- $A --orphans=keep
t "async-match: --start-time junk" 64 '' '' "start-time: 'soon' is neither" -- $A --start-time soon
t "async-match: --end-time junk" 64 '' '' "end-time: '2026-13-01T00:00:00Z'" -- $A --end-time 2026-13-01T00:00:00Z
t "async-match: --max-held junk" 64 '' '' "max-held: '-1' is not an unsigned integer" -- $A --max-held -1
t "async-match: missing file" 66 '' '' 'async-match: nope.csv: No such file' -- $A nope.csv
t "async-match: empty input" 0 '' "$H" '' -- $A

# ---- pass-through ----
in=$(lines kind,ts,dur,pid,tid,name,args 'process,,,1,,"web, front",' 'slice,5,3,1,1,s,"{""a"":1}"' \
	'counter,6,,1,,c,' 'instant,7,,,,"say ""hi""",')
out=$(lines "$H" 'process,,,1,,,,,,"web, front",,,,,,,' 'slice,5,3,1,1,,,,,s,,,,,,,"{""a"":1}"' \
	'counter,6,,1,,,,,,c,,,,,,,' 'instant,7,,,,,,,,"say ""hi""",,,,,,,')
t "async-match: other records pass through unchanged, in order" 0 "$in$nl" "$out" '' -- $A
t "async-match: records without a header" 0 "slice,5,3,1,1,,,,,s,,,,,,,$nl" "$H${nl}slice,5,3,1,1,,,,,s,,,,,,," '' -- $A
in="$H${nl}\"slice\",5,3,1,1,,,,,\"s\",,,,,,,$nl"
t "async-match: a canonical record passes through byte for byte" 0 "$in" "${in%$nl}" '' -- $A
cr=$(printf '\r')
t "async-match: a CRLF record comes out with a newline" 0 "$H$cr${nl}slice,5,3,1,1,,,,,s,,,,,,,$cr$nl" \
	"$H${nl}slice,5,3,1,1,,,,,s,,,,,,," '' -- $A
t "async-match: a short record comes out in full" 0 "$H${nl}slice,5,3$nl" \
	"$H${nl}slice,5,3,,,,,,,,,,,,,," '' -- $A
t "async-match: an async record passes through" 0 "async,5,3,1,1,mine,a,,,s,,,,,,,$nl" "$H${nl}async,5,3,1,1,mine,a,,,s,,,,,,," '' -- $A

# ---- pairing and lanes ----
in=$(lines kind,ts,pid,tid,id,parent,depth,name,category,file,line,args \
	'async_begin,10,1,3,r1,,0,GET /,http,srv.c,42,"{""u"":""/x""}"' 'async_end,25,1,4,r1,,,,,,,')
t "async-match: a pair becomes an async span with the begin's columns" 0 "$in$nl" \
	"$(lines "$H" "$G1" "$L0" 'async,10,15,1,3,async-lane:0:1,r1,,0,GET /,http,srv.c,42,,,,"{""u"":""/x""}"')" '' -- $A
in=$(lines kind,ts,pid,tid,id,name async_begin,10,1,1,a,A async_begin,20,1,1,b,B async_end,30,1,1,a, async_end,40,1,1,b,)
t "async-match: overlapping spans go on two lanes" 0 "$in$nl" "$(lines "$H" "$G1" "$L0" \
	'async,10,20,1,1,async-lane:0:1,a,,,A,,,,,,,' "$L1" 'async,20,20,1,1,async-lane:1:1,b,,,B,,,,,,,')" '' -- $A
in=$(lines kind,ts,pid,tid,id,parent,name async_begin,10,1,1,p,,P async_begin,12,1,1,c,p,C async_end,15,1,1,c \
	async_begin,16,1,1,d,p,D async_end,20,1,1,p, async_end,25,1,1,d,)
t "async-match: a child inside its parent stacks on its lane, one outliving it does not" 0 "$in$nl" \
	"$(lines "$H" "$G1" "$L0" 'async,10,10,1,1,async-lane:0:1,p,,,P,,,,,,,' 'async,12,3,1,1,async-lane:0:1,c,p,,C,,,,,,,' \
	"$L1" 'async,16,9,1,1,async-lane:1:1,d,p,,D,,,,,,,')" '' -- $A
in=$(lines kind,ts,pid,tid,id,name async_begin,10,1,1,a,A async_begin,20,1,1,b,B async_end,20,1,1,a, async_end,30,1,2,b,)
t "async-match: an end at t frees the lane for a begin at t, whatever their order" 0 "$in$nl" "$(lines "$H" "$G1" "$L0" \
	'async,10,10,1,1,async-lane:0:1,a,,,A,,,,,,,' 'async,20,10,1,1,async-lane:0:1,b,,,B,,,,,,,')" '' -- $A
in=$(lines kind,ts,pid,tid,id,parent,name async_begin,10,1,1,p,,P async_begin,10,1,1,c,p,C async_end,10,1,1,c \
	async_begin,10,1,1,z,,Z async_end,10,1,1,z async_end,20,1,1,p)
t "async-match: zero-length spans: on the parent's lane, else on a lane of their own" 0 "$in$nl" \
	"$(lines "$H" "$G1" "$L0" 'async,10,10,1,1,async-lane:0:1,p,,,P,,,,,,,' 'async,10,0,1,1,async-lane:0:1,c,p,,C,,,,,,,' \
	"$L1" 'async,10,0,1,1,async-lane:1:1,z,,,Z,,,,,,,')" '' -- $A
in=$(lines kind,ts,pid,tid,id,name async_begin,10,1,1,a,A async_end,15,1,1,a async_begin,20,1,1,a,A2 async_end,30,1,1,a)
t "async-match: an id may be used again once its span ended" 0 "$in$nl" "$(lines "$H" "$G1" "$L0" \
	'async,10,5,1,1,async-lane:0:1,a,,,A,,,,,,,' 'async,20,10,1,1,async-lane:0:1,a,,,A2,,,,,,,')" '' -- $A
in=$(lines kind,ts,pid,tid,id,name async_begin,10,1,1,a,A async_begin,11,svc-b,1,a,B async_end,12,svc-b,1,a async_end,13,1,1,a)
t "async-match: ids pair within their pid; a group per process" 0 "$in$nl" "$(lines "$H" \
	'track,,,svc-b,,async:svc-b,,,,Async Operations,,,,,,,' 'track,,,svc-b,,async-lane:0:svc-b,,async:svc-b,,async,,,,,,,' \
	'async,11,1,svc-b,1,async-lane:0:svc-b,a,,,B,,,,,,,' "$G1" "$L0" 'async,10,3,1,1,async-lane:0:1,a,,,A,,,,,,,')" '' -- $A
in=$(lines kind,ts,pid,id,name,flows,flows_end async_begin,10,1,a,A,7,8 async_end,20,1,a,,9,10)
t "async-match: the end's flows join the begin's" 0 "$in$nl" "$(lines "$H" "$G1" "$L0" \
	'async,10,10,1,,async-lane:0:1,a,,,A,,,,,7 9,8 10,')" '' -- $A
lines kind,ts,pid,id,name async_begin,10,1,a,A >"$T/f1.csv"
lines kind,ts,pid,id async_end,20,1,a >"$T/f2.csv"
t "async-match: several files are one stream" 0 '' "$(lines "$H" "$G1" "$L0" 'async,10,10,1,,async-lane:0:1,a,,,A,,,,,,,')" '' \
	-- $A "$T/f1.csv" "$T/f2.csv"

# ---- orphans ----
in=$(lines kind,ts,dur,pid,tid,id,name,args 'slice,5,1,1,1,,s,' 'async_begin,10,,1,1,a,A,"{""k"":1}"' \
	'async_end,20,,1,1,b,B,' 'slice,30,1,1,1,,s,')
t "async-match: orphans are closed at the input's first and last ts" 0 "$in$nl" "$(lines "$H" \
	'slice,5,1,1,1,,,,,s,,,,,,,' "$G1" "$L0" 'async,5,15,1,1,async-lane:0:1,b,,,B,,,,,,,"{""unstarted"":true}"' \
	'slice,30,1,1,1,,,,,s,,,,,,,' "$L1" 'async,10,20,1,1,async-lane:1:1,a,,,A,,,,,,,"{""k"":1,""unfinished"":true}"')" \
	'1 unfinished span \(no async_end\): closed at 30' -- $A
grep -q '1 unstarted span (no async_begin): begun at 5' "$T/err" && pass "async-match: unstarted spans counted on stderr" ||
	fail "async-match: unstarted spans counted on stderr" "$(cat "$T/err")"
t "async-match: --start-time and --end-time place orphans' missing ends" 0 "$in$nl" "$(lines "$H" \
	'slice,5,1,1,1,,,,,s,,,,,,,' "$G1" "$L0" 'async,1,19,1,1,async-lane:0:1,b,,,B,,,,,,,"{""unstarted"":true}"' \
	'slice,30,1,1,1,,,,,s,,,,,,,' "$L1" 'async,10,90,1,1,async-lane:1:1,a,,,A,,,,,,,"{""k"":1,""unfinished"":true}"')" \
	'closed at 100' -- $A --start-time 1 --end-time 100
t "async-match: times inside the input do not cut it" 0 "$in$nl" '*' 'closed at 30' -- $A --start-time 7 --end-time 12
grep -q 'begun at 5' "$T/err" && pass "async-match: a --start-time after the first ts is not used" ||
	fail "async-match: a --start-time after the first ts is not used" "$(cat "$T/err")"
t "async-match: RFC 3339 --end-time" 0 "$in$nl" '*' 'closed at 1763805600500000000$' -- $A --end-time 2025-11-22T10:00:00.5Z
t "async-match: --orphans=drop" 0 "$in$nl" "$(lines "$H" 'slice,5,1,1,1,,,,,s,,,,,,,' 'slice,30,1,1,1,,,,,s,,,,,,,')" \
	'1 unfinished span \(no async_end\): dropped' -- $A --orphans=drop
grep -q '1 unstarted span (no async_begin): dropped' "$T/err" && pass "async-match: dropped unstarted spans counted" ||
	fail "async-match: dropped unstarted spans counted" "$(cat "$T/err")"
t "async-match: --orphans drop (separate argument)" 0 "$in$nl" '*' 'dropped' -- $A --orphans drop

# ---- bad input ----
t "async-match: a second begin for an open id" 65 "$(lines kind,ts,pid,id async_begin,10,1,a async_begin,12,1,a)$nl" "$H" \
	"^async-match: <stdin>:3:18: id: 'a' begins again while open since line 2$" -- $A
t "async-match: a second end" 65 "$(lines kind,ts,pid,id async_begin,10,1,a async_end,12,1,a async_end,13,1,a)$nl" \
	"$(lines "$H" "$G1" "$L0" 'async,10,2,1,,async-lane:0:1,a,,,,,,,,,,')" \
	"^async-match: <stdin>:4:16: id: 'a' ended already, at line 3$" -- $A
t "async-match: an end before its begin" 65 "$(lines kind,ts,pid,id async_end,10,1,a async_begin,10,1,a)$nl" "$H" \
	"^async-match: <stdin>:3:18: id: 'a' ended at line 2, before it began$" -- $A
t "async-match: a ts that is not a number" 65 "$(lines kind,ts,pid,id async_begin,1e3,1,a)$nl" "$H" \
	"^async-match: <stdin>:2:13: ts: '1e3' is not an integer$" -- $A
t "async-match: a missing ts" 65 "$(lines kind,ts,pid,id async_end,,1,a)$nl" "$H" \
	"^async-match: <stdin>:2:11: ts: missing$" -- $A
t "async-match: a missing id" 65 "$(lines kind,ts,pid,id async_begin,4,1,)$nl" "$H" \
	"^async-match: <stdin>:2:17: id: missing" -- $A
t "async-match: input out of ts order" 65 "$(lines kind,ts,pid,id async_begin,10,1,a slice,1,1, async_end,5,1,a)$nl" \
	"$(lines "$H" 'slice,1,,1,,,,,,,,,,,,,')" \
	"^async-match: <stdin>:4:11: ts: 5 is before 10 at line 2: the input is not in time order \(sort it by ts, see async-match\(1\)\)$" -- $A
t "async-match: a bad CSV line" 65 "$(lines kind,ts,pid,id 'async_begin,1,1,"a')$nl" "$H" 'async-match: <stdin>:2: ' -- $A
in=$(lines kind,ts,pid,id,name async_begin,10,1,a,A async_end,5,1,a async_begin,11,1,a,again async_begin,11,1,b,B \
	async_end,12,1,b async_end,x,1,a async_end,13,1,c)
t "async-match: -k reports each bad record and goes on" 65 "$in$nl" "$(lines "$H" "$G1" "$L1" \
	'async,11,1,1,,async-lane:1:1,b,,,B,,,,,,,' "$L2" 'async,0,13,1,,async-lane:2:1,c,,,,,,,,,,"{""unstarted"":true}"' \
	"$L0" 'async,10,3,1,,async-lane:0:1,a,,,A,,,,,,,"{""unfinished"":true}"')" \
	'3 bad records skipped' -- $A -k --start-time 0
for want in 'ts: 5 is before 10' "id: 'a' begins again while open since line 2" "ts: 'x' is not an integer"; do
	grep -q -- "$want" "$T/err" && pass "async-match: -k reports $want" || fail "async-match: -k reports $want" "$(cat "$T/err")"
done
if [ -w /dev/full ]; then
	t "async-match: a full disk" 74 "$(lines kind,ts,pid,id async_begin,1,1,a async_end,2,1,a)$nl" '' 'write error' -- sh -c "$A >/dev/full"
fi
awk 'BEGIN { print "kind,ts,pid,id"; for (i = 0; i < 100000; i++) printf "async_begin,%d,1,s%d\nasync_end,%d,1,s%d\n", i, i, i + 1, i }' >"$T/many.csv"
st=$( ($A "$T/many.csv" 2>"$T/err"; echo $? >"$T/st") | head -c 10 >/dev/null; cat "$T/st")
[ "$st" = 141 ] && [ ! -s "$T/err" ] && pass "async-match: a reader that goes away" ||
	fail "async-match: a reader that goes away" "exit $st" "$(cat "$T/err")"

# ---- properties on random workloads (tests/asyncgen.py, asynccheck.py) ----
# Deep nesting, heavy overlap, equal timestamps, orphans on both sides,
# ends on other threads, ids used again; checked without Perfetto: every
# span once with its ts, dur and name, lanes only nest, lanes <= spans
# open at once, children on their parent's lane when nothing is in the way.
prop() {	# NAME CHECK-OPTIONS -- GEN-ARGS... -- ASYNC-MATCH-OPTIONS...
	name=$1 copts=$2
	shift 3
	gen=
	while [ "$1" != -- ]; do gen="$gen $1"; shift; done
	shift
	python3 tests/asyncgen.py $gen >"$T/gen.csv"
	if ! $A "$@" "$T/gen.csv" >"$T/gen.out" 2>"$T/gen.err"; then
		fail "$name" "async-match failed: $(head -c 300 "$T/gen.err")"
		return
	fi
	check "$name" python3 tests/asynccheck.py $copts "$T/gen.csv" "$T/gen.out"
}
prop "async-match: random spans" '' -- 1 1000 -- --
prop "async-match: equal timestamps everywhere" '' -- 2 1000 --grid 25 --reuse -- --
prop "async-match: heavy overlap" '' -- 3 1000 --scale 600 --pids 1 -- --
prop "async-match: deep nesting" '' -- 4 1200 --maxdepth 60 --scale 300 --grid 5 -- --
prop "async-match: orphans on both sides, noise" '' -- 5 1000 --window --noise --grid 10 --pids 3 -- --
prop "async-match: orphans with --start-time, --end-time" '--start-time 7 --end-time 999999' \
	-- 6 1000 --window --scale 300 -- --start-time 7 --end-time 999999
prop "async-match: --orphans=drop" '--orphans drop' -- 7 1000 --window --grid 20 --scale 200 -- --orphans=drop
prop "async-match: --max-held 0" '--no-stacking' -- 8 1000 --grid 10 --scale 200 -- --max-held 0
prop "async-match: --max-held 3" '--no-stacking' -- 9 1000 --window --scale 400 -- --max-held 3
python3 tests/asyncgen.py 10 800 --grid 10 --window --reuse >"$T/gen.csv"
$A "$T/gen.csv" >"$T/a.out" 2>/dev/null
$A "$T/gen.csv" >"$T/b.out" 2>/dev/null
same "async-match: same input, same output" "$T/a.out" "$T/b.out"

# span-gen's workload: uuid pids, UTF-8, quotes and commas, orphans.
if [ -x "$BIN/span-gen" ]; then
	$BIN/span-gen --seed 3 --processes 2 --spans 1500 --async 2500 --open 150 --orphan-percent 3 >"$T/sg.csv"
	$A "$T/sg.csv" >"$T/sg.out" 2>"$T/sg.err"
	check "async-match: span-gen's workload" python3 tests/asynccheck.py "$T/sg.csv" "$T/sg.out"
	grep -q 'unfinished spans' "$T/sg.err" && grep -q 'unstarted spans' "$T/sg.err" &&
		pass "async-match: span-gen's orphans counted" || fail "async-match: span-gen's orphans counted" "$(cat "$T/sg.err")"
else
	skip "async-match: span-gen's workload" "span-gen is not built in $BIN"
fi

# The checker can fail: all spans on lane 0 of each process is caught.
python3 tests/asyncgen.py 11 400 --scale 300 >"$T/gen.csv"
$A "$T/gen.csv" >"$T/gen.out" 2>/dev/null
python3 - "$T/gen.out" >"$T/one.out" <<'PY'
import csv, sys
w, first = csv.writer(sys.stdout, lineterminator="\n"), {}
for r in csv.reader(open(sys.argv[1], newline="")):
    if r[0] == "track" and r[5].startswith("async-lane:"):
        first.setdefault(r[3], r[5])
    if r[0] == "async":
        r[5] = first[r[3]]
    w.writerow(r)
PY
if python3 tests/asynccheck.py "$T/gen.csv" "$T/one.out" >"$T/check.out" 2>&1; then
	fail "async-match: the checker catches spans crossing on one lane" "$(cat "$T/check.out")"
else
	grep -q 'crosses the end' "$T/check.out" && pass "async-match: the checker catches spans crossing on one lane" ||
		fail "async-match: the checker catches spans crossing on one lane" "$(cat "$T/check.out")"
fi

# ---- through Perfetto: async-match | perfetto-encode | perfetto-inspect ----
E=$BIN/perfetto-encode I=$BIN/perfetto-inspect
rt() {	# NAME GEN-ARGS -- ASYNC-MATCH-OPTIONS (also given to asyncrt.py)
	name=$1
	shift
	gen=
	while [ "$1" != -- ]; do gen="$gen $1"; shift; done
	shift
	python3 tests/asyncgen.py $gen >"$T/rt.csv"
	: >"$T/rt.err"
	$A "$@" "$T/rt.csv" 2>/dev/null >"$T/rt.lanes.csv"
	$E "$T/rt.lanes.csv" 2>>"$T/rt.err" >"$T/rt.pftrace"
	$I --records "$T/rt.pftrace" >"$T/rt.rec" 2>>"$T/rt.err"
	if [ -s "$T/rt.err" ]; then
		fail "$name" "perfetto-encode or perfetto-inspect says:" "$(head -c 400 "$T/rt.err")"
		return
	fi
	check "$name" python3 tests/asyncrt.py "$@" "$T/rt.csv" "$T/rt.rec"
	tp_check "$name" "$T/rt.pftrace" "$T/rt.lanes.csv"
}
if [ -x "$E" ] && [ -x "$I" ]; then
	rt "async-match: round trip through Perfetto" 21 1000 --grid 10 --reuse -- --orphans=close
	rt "async-match: round trip, heavy overlap and deep nesting" 22 1200 --scale 500 --maxdepth 50 --pids 1 -- --orphans=close
	rt "async-match: round trip, orphans and noise" 23 1000 --window --noise --pids 3 --grid 5 -- --orphans=close
	rt "async-match: round trip, orphans dropped" 24 1000 --window --scale 200 -- --orphans=drop
	# micromegas lays the same workload on one track per process: the
	# round trip (or the encoder, or the inspector) must show it wrong
	python3 tests/asyncgen.py 25 800 --grid 10 --scale 200 >"$T/mm.csv"
	python3 tests/asyncgen.py 25 800 --grid 10 --scale 200 --micromegas >"$T/mm1.csv"
	if $E "$T/mm1.csv" 2>"$T/mm.err" | $I --records >"$T/mm.rec" 2>>"$T/mm.err" &&
	    python3 tests/asyncrt.py "$T/mm.csv" "$T/mm.rec" >"$T/mm.out" 2>&1; then
		fail "async-match: the single-track layout is caught" "$(cat "$T/mm.out")"
	else
		pass "async-match: the single-track layout is caught"
	fi
	python3 tests/asyncrt.py "$T/mm.csv" "$T/mm.rec" >"$T/mm.out" 2>&1
	grep -q 'spans differ' "$T/mm.out" && pass "async-match: single track: durations differ after the round trip" ||
		fail "async-match: single track: durations differ after the round trip" "$(tail -3 "$T/mm.out")"
	$A "$T/mm.csv" 2>/dev/null >"$T/mm.lanes.csv"
	$E "$T/mm.lanes.csv" 2>"$T/mm2.err" >"$T/mm2.pftrace"
	$I --records "$T/mm2.pftrace" >"$T/mm2.rec" 2>>"$T/mm2.err"
	[ -s "$T/mm2.err" ] && fail "async-match: the same workload on lanes round-trips exactly" "$(head -c 400 "$T/mm2.err")" ||
		check "async-match: the same workload on lanes round-trips exactly" python3 tests/asyncrt.py "$T/mm.csv" "$T/mm2.rec"
	tp_check "async-match: the same workload on lanes" "$T/mm2.pftrace" "$T/mm.lanes.csv"
	if [ -s "$T/sg.csv" ]; then
		$A "$T/sg.csv" 2>/dev/null >"$T/sg.lanes.csv"
		$E "$T/sg.lanes.csv" 2>"$T/sg.err" >"$T/sg.pftrace"
		$I --records "$T/sg.pftrace" >"$T/sg.rec" 2>>"$T/sg.err"
		[ -s "$T/sg.err" ] && fail "async-match: span-gen's workload round-trips" "$(head -c 400 "$T/sg.err")" ||
			check "async-match: span-gen's workload round-trips" python3 tests/asyncrt.py "$T/sg.csv" "$T/sg.rec"
		tp_check "async-match: span-gen's workload" "$T/sg.pftrace" "$T/sg.lanes.csv"
	fi
else
	for n in "round trip through Perfetto" "single-track layout is caught"; do
		skip "async-match: $n" "perfetto-encode or perfetto-inspect is not built in $BIN"
	done
fi
