# Chrome trace-event JSON: span-fetch --chrome reads it, perfetto-encode
# --format=json writes it. Until span-fetch has --chrome, the import runs
# through the chrome_test driver, which calls the same chrome_import().
E=$BIN/perfetto-encode
CORPUS=${SHARED:-/nonexistent}/corpus/chrome-json
if "$BIN/span-fetch" --help 2>/dev/null | grep -q -- --chrome; then
	SF_CHROME=1
else
	SF_CHROME=
fi

# chrome [-k] FILE: the records of a Chrome JSON file.
chrome() {
	if [ "$1" = -k ]; then ck=-k; shift; else ck=; fi
	if [ -n "$SF_CHROME" ]; then
		"$BIN/span-fetch" $ck --chrome "$1"
	else
		"$BIN/tests/chrome_test" --import "$1" $ck
	fi
}

# counts FILE: records by kind, and flow tokens, as "kind=N ..." in a
# fixed order, read with a real CSV parser (names and args hold commas).
counts() {
	python3 -c '
import csv, sys
kinds = ["process", "thread", "slice", "begin", "end", "instant",
         "counter", "async_begin", "async_end"]
n = dict.fromkeys(kinds + ["flows", "flows_end"], 0)
rows = csv.reader(open(sys.argv[1], encoding="utf-8", newline=""))
head = next(rows)
for r in rows:
    r = dict(zip(head, r))
    n[r["kind"]] = n.get(r["kind"], 0) + 1
    n["flows"] += len(r["flows"].split())
    n["flows_end"] += len(r["flows_end"].split())
print(" ".join("%s=%d" % (k, v) for k, v in n.items() if v))
' "$1"
}

# The corpus, counted by hand (grep -o '"ph": *"X"' and friends on each
# file, then the rules of span-fetch(1) applied event by event):
#  async_begin_end: 35 events. B3 E3 nest properly on thread 1/1: 3 begin,
#   3 end. S11 + b1 open 12 spans; the 7 T steps open 7 child spans: 19
#   async_begin. Ends: the 10 F are 9 that find their span (B 1, B 2, E 1,
#   E 2, A 2a, A 1a and F F three times) and 1 (D bf1) that finds none; 6
#   steps end at the next T or at their span's F (G, H, I, X of 2, X of 2a,
#   Y of 2a; the step of "us" never ends): 9 + 1 + 6 = 16 async_end.
#  big_trace: B933 E933, every E after its B on its thread.
#  chromeos_system_trace: M24 name 6 processes (6 process_name, with 6
#   sort indexes and 4 labels) and 8 threads (4 thread_name, 4
#   thread_sort_index on other tids); the 12 O are skipped.
#  flow_simple, flow_events_json_v1: X5; s2 and t1 give 3 flows tokens, f2
#   2 flows_end tokens (f 8780d403 binds to the next slice, Blergh; f
#   8780d402 to SomeSlice).
#  instance_counters: B2 E2; C8, each with one value: 8 counters.
#  instant_events: i5 (scopes t, p, t, t, g): 5 instants.
#  main_thread_has_unclosed_slices: B1684 E1680: 4 B never end, kept as
#   begin records; M22 thread_name: 22 threads.
#  nanoseconds: B8 E8.
#  nestable_async: b9 e9 n2: 9 async_begin; 8 e end their span, 1
#   (URL_REQUEST_DELEGATE_UNMATCHED_END) has none open of its name and ends
#   a span of its own: 9 async_end; the 2 n are instants.
#  flow_events_json_v2: X5 B1 E1 i1; bind_id with flow_out on SenderA,
#   SenderB, OtherSlice: 3 flows; flow_in alone on Blergh, SomeSlice,
#   SomeOtherSlice: 3 flows_end.
#  small-c-profiler: B209 E207.
#  chrome141_no-arg-data: M51: 3 process_name, 45 thread_name (3
#   process_uptime_seconds skipped); the 12 P are skipped.
#  multiprocess: X8; M9: 3 process_name, 6 thread_name.
#  simple-partial (no closing ]): B2 E2 X2, one X (epsilon) without dur.
#  x-events-matching-end: X9.
while read -r file want; do
	name="chrome: $file"
	need_shared "$name" || continue
	chrome "$CORPUS/$file.json" >"$T/c.csv" 2>"$T/c.err"
	st=$?
	got=$(counts "$T/c.csv")
	if [ $st = 0 ] && [ "$got" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "exit $st: $got" "expected: $want" "$(head -3 "$T/c.err")"
	fi
done <<'EOF'
catapult__async_begin_end begin=3 end=3 async_begin=19 async_end=16
catapult__big_trace begin=933 end=933
catapult__chromeos_system_trace process=6 thread=8
catapult__flow_simple slice=5 flows=3 flows_end=2
catapult__instance_counters begin=2 end=2 counter=8
catapult__instant_events instant=5
catapult__main_thread_has_unclosed_slices thread=22 begin=1684 end=1680
catapult__nanoseconds begin=8 end=8
catapult__nestable_async instant=2 async_begin=9 async_end=9
perfetto__flow_events_json_v1 slice=5 flows=3 flows_end=2
perfetto__flow_events_json_v2 slice=5 begin=1 end=1 instant=1 flows=3 flows_end=3
small-c-profiler__trace begin=209 end=207
speedscope__chrome141_no-arg-data process=3 thread=45
speedscope__trace-event_multiprocess process=3 thread=6 slice=8
speedscope__trace-event_simple-partial slice=1 begin=2 end=2
speedscope__trace-event_x-events-matching-end slice=9
EOF

# What is skipped is said, never dropped in silence.
if need_shared "chrome: skipped events are reported"; then
	t "chrome: O events reported" 0 '' '*' "skipped 12 'O' events" -- \
		chrome "$CORPUS/catapult__chromeos_system_trace.json"
	t "chrome: P events reported" 0 '' '*' "skipped 12 'P' events" -- \
		chrome "$CORPUS/speedscope__chrome141_no-arg-data.json"
	t "chrome: X without dur reported" 0 '' '*' "skipped 1 X event without dur" -- \
		chrome "$CORPUS/speedscope__trace-event_simple-partial.json"
	t "chrome: unclosed B reported" 0 '' '*' "4 B events never ended" -- \
		chrome "$CORPUS/catapult__main_thread_has_unclosed_slices.json"
	t "chrome: other keys named" 0 '' '*' "top-level keys not imported: stackFrames" -- \
		chrome "$CORPUS/catapult__flow_simple.json"
fi

# The whole pipeline on every corpus file: no error from any tool.
for tool in async-match perfetto-encode perfetto-inspect; do
	[ -x "$BIN/$tool" ] || { skip "chrome: pipeline" "no $tool in $BIN"; break; }
done
if [ -x "$BIN/perfetto-inspect" ] && [ -x "$BIN/async-match" ] &&
    need_shared "chrome: pipeline"; then
	for f in "$CORPUS"/*.json; do
		name="chrome: $(basename "$f" .json) | async-match | perfetto-encode | perfetto-inspect"
		if chrome "$f" 2>/dev/null | "$BIN/async-match" 2>"$T/am.err" |
		    "$E" >"$T/p.pftrace" 2>"$T/pe.err" &&
		    "$BIN/perfetto-inspect" "$T/p.pftrace" >"$T/pi.out" 2>&1 &&
		    ! grep -qi 'error' "$T/am.err" "$T/pe.err" "$T/pi.out"; then
			pass "$name"
		else
			fail "$name" "$(cat "$T/am.err" "$T/pe.err" | head -3)" "$(grep -i error "$T/pi.out" | head -3)"
		fi
		# the differences by design, span-fetch(1) CHROME JSON
		case $(basename "$f" .json) in
		catapult__async_begin_end) want="async 19, open 1" ;;
		catapult__nestable_async) want="async 1, n 2, open 1" ;;
		speedscope__trace-event_multiprocess) want="swapper 1, tid0 2" ;;
		speedscope__trace-event_simple-partial) want="swapper 3" ;;
		speedscope__trace-event_x-events-matching-end) want="swapper 9" ;;
		*) want=none ;;
		esac
		tp_same "chrome: $(basename "$f" .json), as Perfetto reads the JSON" "$f" "$T/p.pftrace" "$want"
	done
	# Unclosed B events stay in the trace, open: as Perfetto shows them.
	chrome "$CORPUS/catapult__main_thread_has_unclosed_slices.json" 2>/dev/null |
	    "$E" 2>/dev/null >"$T/u.pftrace"
	n=$("$BIN/perfetto-inspect" "$T/u.pftrace" 2>&1 | grep -c 'still open at the end')
	[ "$n" = 4 ] && pass "chrome: the 4 unclosed B slices are kept, open" ||
		fail "chrome: the 4 unclosed B slices are kept, open" "$n open slices"
fi

# Export then import gives back the same records.
t "chrome: export" 0 '' '*' '' -- "$E" --format=json -o "$T/rt.json" tests/data/roundtrip.csv
check "chrome: export is valid JSON" python3 -m json.tool "$T/rt.json"
chrome "$T/rt.json" >"$T/rt.csv" 2>"$T/rt.err"
same "chrome: export then import gives the same records" tests/data/roundtrip.csv "$T/rt.csv"
grep -q '"displayTimeUnit":"ns"}$' "$T/rt.json" && pass "chrome: sub-microsecond times ask for ns display" ||
	fail "chrome: sub-microsecond times ask for ns display" "$(tail -c 80 "$T/rt.json")"
if need_shared "chrome: corpus round trips"; then
	# import, export, import: the same records, but where ids are made up
	# (legacy steps, ends of nothing) or flow tokens are not numbers (they
	# come back as the numbers Perfetto uses); a second round changes
	# nothing at all.
	for f in "$CORPUS"/*.json; do
		b=$(basename "$f" .json)
		chrome "$f" >"$T/r1.csv" 2>/dev/null
		"$E" --format=json "$T/r1.csv" >"$T/r1.json" 2>/dev/null
		chrome "$T/r1.json" >"$T/r2.csv" 2>/dev/null
		"$E" --format=json "$T/r2.csv" >"$T/r2.json" 2>/dev/null
		chrome "$T/r2.json" >"$T/r3.csv" 2>/dev/null
		case $b in
		catapult__async_begin_end|catapult__nestable_async)
			# ends of nothing get a new id each time: all but ids
			for i in 1 2 3; do
				cut -d, -f1-6,8- "$T/r$i.csv" >"$T/r$i.noid"
			done
			same "chrome: $b round trip but ids" "$T/r2.noid" "$T/r3.noid"
			continue ;;
		catapult__flow_simple|perfetto__flow_events_json_v1) ;;
		*) same "chrome: $b round trip" "$T/r1.csv" "$T/r2.csv" ;;
		esac
		same "chrome: $b second round trip" "$T/r2.csv" "$T/r3.csv"
	done
fi

# Time: decimal text to nanoseconds, no float drift; order restored.
printf '[{"ph":"X","name":"b","ts":2.01,"dur":0.0005,"pid":1,"tid":1},\n{"ph":"X","name":"a","ts":1e-3,"dur":1.9994,"pid":1,"tid":1}]' >"$T/t.json"
t "chrome: exact times, sorted" 0 '' "$(printf '%s\n' \
    kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,line,value,flows,flows_end,args \
    slice,1,1999,1,1,,,,,a,,,,,,, slice,2010,1,1,1,,,,,b,,,,,,,)" '' -- chrome "$T/t.json"
printf '{"displayTimeUnit":"ns","traceEvents":[{"ph":"i","name":"x","ts":1.5,"pid":1,"tid":1}]}' >"$T/ns.json"
t "chrome: displayTimeUnit ns keeps microseconds" 0 '' "$(printf '%s\n' \
    kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,line,value,flows,flows_end,args \
    instant,1500,,1,1,,,,,x,,,,,,,)" '' -- chrome "$T/ns.json"
printf '{"traceEvents":[],"displayTimeUnit":"s"}' >"$T/s.json"
t "chrome: odd displayTimeUnit warned" 0 '' '*' "displayTimeUnit 's' is not ms or ns" -- chrome "$T/s.json"
t "chrome: stdin" 0 '[{"ph":"C","name":"c","ts":1,"pid":"p","args":{"v":1,"value":2}}]' "$(printf '%s\n' \
    kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,line,value,flows,flows_end,args \
    'counter,1000,,p,,,,,,c v,,,,1,,,' counter,1000,,p,,,,,,c,,,,2,,,)" '' -- chrome -

# Events out of order, through the sort's temporary files (a tiny budget).
awk 'BEGIN { srand(7); print "["; for (i = 0; i < 20000; i++) printf "%s{\"ph\":\"X\",\"name\":\"n%d\",\"ts\":%d,\"dur\":1,\"pid\":1,\"tid\":%d}\n", i ? "," : "", i, int(rand() * 1000000), i % 5; print "]" }' >"$T/big.json"
"$BIN/tests/chrome_test" --import "$T/big.json" --sortmem 65536 >"$T/big.csv" 2>"$T/big.err"
if [ $? = 0 ] && [ "$(tail -n +2 "$T/big.csv" | wc -l)" = 20000 ] &&
    tail -n +2 "$T/big.csv" | cut -d, -f2 | sort -n -c 2>/dev/null; then
	pass "chrome: 20000 events out of order, sorted through runs on disk"
else
	fail "chrome: 20000 events out of order, sorted through runs on disk" "$(head -3 "$T/big.err")"
fi
"$BIN/tests/chrome_test" --import "$T/big.json" >"$T/big2.csv" 2>/dev/null
same "chrome: on disk or in memory, the same order" "$T/big.csv" "$T/big2.csv"

# Malformed JSON: line, column, byte and what was expected; strict, or -k.
H=kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,line,value,flows,flows_end,args
printf '[{"ph":"i","name":"a","ts":1,"pid":1,"tid":1},\n {"ph":"i" "name":"b","ts":2,"pid":1,"tid":1},\n {"ph":"i","name":"c","ts":3,"pid":1,"tid":1}]\n' >"$T/bad.json"
t "chrome: bad JSON, strict" 65 '' "$H" \
    ':2:12: byte 58: object value separator .,. expected' -- chrome "$T/bad.json"
t "chrome: bad JSON, -k goes on" 65 '' "$(printf '%s\n' $H instant,1000,,1,1,,,,,a,,,,,,, instant,3000,,1,1,,,,,c,,,,,,,)" \
    '1 bad record' -- chrome -k "$T/bad.json"
printf '[{"ph":"X","name":"a","ts":1,"dur":1,"pid":1,"tid":1}{"ph":"X"}]' >"$T/sep.json"
t "chrome: missing comma" 65 '' "$H" "1:54: byte 53: expected ',' or ']' after an event, found '\{'" -- chrome "$T/sep.json"
printf '{"traceEvents":[{"ph":"X","ts":1,"dur":1,"pid":1,"tid":1}' >"$T/cut.json"
t "chrome: object form cut short" 65 '' "$H" "unexpected end of the input in traceEvents" -- chrome "$T/cut.json"
printf '[{"ph":"X","ts":1,"dur":1,"pid":1,"tid":1},{"ph":"X","ts":' >"$T/cut2.json"
t "chrome: event cut short" 65 '' "$H" "1:59: byte 58: unexpected end of the input inside a value" -- chrome "$T/cut2.json"
t "chrome: empty input" 65 '' "$H" "expected '\[' or '\{' to begin a trace, found the end of the input" -- chrome -
t "chrome: not a trace" 65 '1' "$H" "expected '\\[' or '\\{' to begin a trace, found '1'" -- chrome -
printf '{"otherData":{}}' >"$T/no.json"
t "chrome: object without traceEvents" 65 '' "$H" "no traceEvents key" -- chrome "$T/no.json"
printf '[{"ph":"X","name":"a","dur":1,"pid":1}]' >"$T/nots.json"
t "chrome: event without ts" 65 '' "$H" '1:2: byte 1: event: ts: missing' -- chrome "$T/nots.json"
printf '[{"ph":"X","name":"a","ts":"soon","dur":1,"pid":1}]' >"$T/badts.json"
t "chrome: ts not a number" 65 '' "$H" "ts: 'soon' is not a number" -- chrome "$T/badts.json"
printf '[{"name":"a","ts":1}]' >"$T/noph.json"
t "chrome: event without ph" 65 '' "$H" 'ph: missing' -- chrome "$T/noph.json"
printf '[{"ph":"i","name":"\377","ts":1,"pid":1}]' >"$T/utf.json"
t "chrome: bytes that are not UTF-8" 65 '' "$H" 'name: not valid UTF-8' -- chrome "$T/utf.json"
t "chrome: no such file" 66 '' '' 'nope.json' -- chrome "$T/nope.json"

# Export: bad records stop it, and the JSON is closed all the same.
S=kind,ts,dur,pid,tid,name,args
printf '%s\n' $S 'slice,1000,5,1,1,a,' 'slice,abc,5,1,1,b,' 'slice,3000,5,1,1,c,' >"$T/bad.csv"
t "chrome: export stops at a bad record" 65 '' '*' "bad.csv:3:7: ts: 'abc' is not an integer" -- "$E" --format=json "$T/bad.csv"
check "chrome: export stopped is still valid JSON" python3 -m json.tool "$T/out"
t "chrome: export -k skips it" 65 '' '*' '1 bad record' -- "$E" -k --format=json "$T/bad.csv"
grep -q '"name":"c"' "$T/out" && pass "chrome: export -k writes the rest" || fail "chrome: export -k writes the rest"
check "chrome: export -k is valid JSON" python3 -m json.tool "$T/out"
t "chrome: unknown format" 64 '' '' "'xml' is not proto or json" -- "$E" --format=xml
t "chrome: export of nothing" 0 '' '{"traceEvents":[
]}' '' -- "$E" --format=json

# Export of custom tracks: a thread of their own; counter tracks name
# their counters; a counter's group is its id.
printf '%s\n' 'kind,ts,dur,pid,tid,track,name,value,args' 'track,,,7,,gpu,GPU queue,,' \
    'track,,,,,mem,Memory,,"{""unit"":""size_bytes""}"' 'slice,100,50,,,gpu,draw,,' \
    'counter,120,,,,mem,,4096,' 'counter,130,,3,,grp,reqs,2,' 'process,,,5,,,,,' >"$T/tr.csv"
t "chrome: export of tracks" 0 '' '{"traceEvents":[
{"ph":"M","name":"thread_name","ts":0,"pid":7,"tid":"gpu","args":{"name":"GPU queue"}},
{"ph":"X","name":"draw","ts":0.1,"dur":0.05,"pid":7,"tid":"gpu"},
{"ph":"C","name":"Memory","ts":0.12,"args":{"value":4096}},
{"ph":"C","name":"reqs","ts":0.13,"pid":3,"id":"grp","args":{"value":2}},
{"ph":"M","name":"process_name","ts":0,"pid":5,"args":{"name":""}}
],"displayTimeUnit":"ns"}' '' -- "$E" --format=json "$T/tr.csv"

# JSON null in args: Perfetto's importer leaves it out of a JSON file's
# args, and spanpipe's trace of the file (which would abort the importer
# with a null annotation) leaves it out in the same way; so does the
# importer on perfetto-encode's JSON, which keeps it.
printf '%s\n' '{"traceEvents":[{"ph":"X","name":"x","ts":1,"dur":0.5,"pid":1,"tid":1,"args":{"x":null}},' \
    '{"ph":"X","name":"y","ts":2,"dur":0.5,"pid":1,"tid":1,"args":{"a":[1,null,{"b":null,"c":2}],"d":{"e":null}}}]}' >"$T/null.json"
chrome "$T/null.json" >"$T/null.csv"
"$E" "$T/null.csv" >"$T/null.pftrace"
"$E" --format=json "$T/null.csv" >"$T/null2.json"
tp_check "chrome: null args" "$T/null.pftrace" "$T/null.csv"
tp_check "chrome: null args exported" "$T/null2.json" "$T/null.csv"
tp_same "chrome: null args, slices as Perfetto reads the JSON" "$T/null.json" "$T/null.pftrace"
if tp_have; then
	q='select key, display_value from args where arg_set_id in (select arg_set_id from slice) order by key;'
	for f in null.json null.pftrace null2.json; do
		tp_query "$T/$f" "$q" | sed 's/"args\./"/; s/"debug\./"/' >"$T/$f.args"
	done
	grep -q 'a\[1\]\.c' "$T/null.json.args" && same "chrome: null args as the importer reads the JSON" \
	    "$T/null.json.args" "$T/null.pftrace.args" || fail "chrome: null args as the importer reads the JSON" "$(cat "$T/null.json.args")"
	same "chrome: null args as the importer reads the exported JSON" "$T/null.json.args" "$T/null2.json.args"
fi

# Export times: exact for what a double holds (below 2^51 ns); beyond, a
# fraction of a microsecond is said exactly in the text but read off by
# double-based readers, and the warning gives the largest error, which
# the importer's reading must not exceed.
awk 'BEGIN { print "kind,ts,dur,pid,tid,name"; srand(3)
	for (i = 0; i < 300; i++) printf "slice,%d,%d,1,1,s%d\n", 1000000 * i + int(rand() * 1000), 1 + int(rand() * 999), i }' >"$T/sub.csv"
t "chrome: export of small times, no warning" 0 '' '*' '' -- "$E" --format=json -o "$T/sub.json" "$T/sub.csv"
tp_check "chrome: export of sub-microsecond times read exactly" "$T/sub.json" "$T/sub.csv"
awk 'BEGIN { print "kind,ts,dur,pid,tid,name"
	for (i = 0; i < 300; i++) printf "slice,1700000000%09d,%d,1,1,e%d\n", 1000000 * i + (i * 7919) % 1000, 1 + (i * 31) % 999, i }' >"$T/epoch.csv"
t "chrome: export of epoch ns warns" 0 '' '*' \
    'warning: [0-9]+ times with a fraction of a microsecond too large for a double: .* up to [0-9]+ ns off' \
    -- "$E" --format=json -o "$T/epoch.json" "$T/epoch.csv"
bound=$(sed -n 's/.* up to \([0-9]*\) ns off$/\1/p' "$T/err")
if tp_have && [ -n "$bound" ]; then
	tp_query "$T/epoch.json" "select name, ts from slice order by name;" >"$T/epoch.tp"
	check "chrome: epoch ns read off, within the bound said" python3 -c '
import csv, sys
want = {r["name"]: int(r["ts"]) for r in csv.DictReader(open(sys.argv[1]))}
got = {r["name"]: int(r["ts"]) for r in csv.DictReader(open(sys.argv[2]))}
err = max(abs(got[n] - want[n]) for n in want)
sys.exit(0 if len(got) == len(want) and 0 < err <= int(sys.argv[3]) else
         "largest error %d ns, warning says %s" % (err, sys.argv[3]))
' "$T/epoch.csv" "$T/epoch.tp" "$bound"
fi
chrome "$T/epoch.json" >"$T/epoch2.csv" 2>/dev/null
check "chrome: epoch ns exact through span-fetch --chrome" python3 -c '
import csv, sys
a = [(r["name"], r["ts"], r["dur"]) for r in csv.DictReader(open(sys.argv[1]))]
b = [(r["name"], r["ts"], r["dur"]) for r in csv.DictReader(open(sys.argv[2]))]
sys.exit(a != b)' "$T/epoch.csv" "$T/epoch2.csv"

# gzip, told by its magic bytes whatever the name; cut short, corrupt or
# followed by other bytes, a data error; a bomb stops past its bound.
if need_shared "chrome: gzip"; then
	chrome "$CORPUS/catapult__big_trace.json" >"$T/plain.csv" 2>/dev/null
	gzip -c "$CORPUS/catapult__big_trace.json" >"$T/big.gz"
	chrome "$T/big.gz" >"$T/gz.csv" 2>/dev/null
	same "chrome: gzip read as the plain file" "$T/plain.csv" "$T/gz.csv"
	gzip -c "$CORPUS/catapult__big_trace.json" | chrome - >"$T/gz2.csv" 2>/dev/null
	same "chrome: gzip on standard input" "$T/plain.csv" "$T/gz2.csv"
	{ head -c 100000 "$CORPUS/catapult__big_trace.json" | gzip -c
	  tail -c +100001 "$CORPUS/catapult__big_trace.json" | gzip -c; } >"$T/members.gz"
	chrome "$T/members.gz" >"$T/gz3.csv" 2>/dev/null
	same "chrome: gzip in two members" "$T/plain.csv" "$T/gz3.csv"
	head -c 6000 "$T/big.gz" >"$T/cut.gz"
	t "chrome: gzip cut short" 65 '' '*' 'cut.gz:[0-9]+:[0-9]+: byte [0-9]+: the gzip stream is cut short' -- chrome "$T/cut.gz"
	{ cat "$T/big.gz"; echo junk; } >"$T/junk.gz"
	t "chrome: bytes after the gzip stream" 65 '' '*' 'bytes after the end of the gzip stream' -- chrome "$T/junk.gz"
	{ head -c 2 "$T/big.gz"; printf '\011'; tail -c +4 "$T/big.gz"; } >"$T/bad.gz"	# method 9
	t "chrome: corrupt gzip" 65 '' '*' 'the gzip stream is corrupt' -- chrome "$T/bad.gz"
fi
head -c 10000000 /dev/zero | tr '\0' ' ' | gzip -1 >"$T/sp.gz"
{ printf '[' | gzip; for i in $(seq 120); do cat "$T/sp.gz"; done; } >"$T/bomb.gz"
t "chrome: gzip bomb stops past 1 GiB" 65 '' '*' 'bomb.gz:1:10[0-9]{8}: byte 10[0-9]{8}: the gzip stream inflates to more than 100 times its size' \
    -- chrome "$T/bomb.gz"
rm -f "$T/bomb.gz" "$T/sp.gz"

# R (marks) are instants, as Perfetto shows them; the importer finds the
# same slices in the file and in spanpipe's trace of it.
printf '%s\n' '{"traceEvents":[{"ph":"R","name":"navigationStart","ts":10,"pid":1,"tid":1,"cat":"blink.user_timing"},' \
    '{"ph":"X","name":"a","ts":5,"dur":20,"pid":1,"tid":1},{"ph":"R","name":"mark","ts":12,"pid":1,"tid":1,"s":"p"}]}' >"$T/r.json"
t "chrome: R marks are instants" 0 '' "$(printf '%s\n' $H slice,5000,20000,1,1,,,,,a,,,,,,, \
    instant,10000,,1,1,,,,,navigationStart,blink.user_timing,,,,,, instant,12000,,1,,,,,,mark,,,,,,,)" '' -- chrome "$T/r.json"
chrome "$T/r.json" | "$E" >"$T/r.pftrace"
tp_same "chrome: R marks as Perfetto reads them" "$T/r.json" "$T/r.pftrace"

# Lenient where Perfetto is: trailing commas in the events array, in
# objects and arrays inside an event, an empty event at the end.
printf '%s\n' '{"traceEvents":[{"ph":"X","name":"a","ts":5,"dur":20,"pid":1,"tid":1,"args":{"x":[1,2,],},},' \
    '{"ph":"X","name":"b","ts":30,"dur":2,"pid":1,"tid":1},{},]}' >"$T/comma.json"
t "chrome: trailing commas and an empty event" 0 '' "$(printf '%s\n' $H \
    'slice,5000,20000,1,1,,,,,a,,,,,,,"{""x"":[1,2]}"' slice,30000,2000,1,1,,,,,b,,,,,,,)" '' -- chrome "$T/comma.json"
chrome "$T/comma.json" | "$E" >"$T/comma.pftrace"
tp_same "chrome: trailing commas as Perfetto reads them" "$T/comma.json" "$T/comma.pftrace"
printf '[{"ph":"X","name":"a","ts":5,"dur":20,"pid":1,"tid":1},\n{"name":"b","ts":6}]' >"$T/noph2.json"
t "chrome: an event with fields but no ph is still an error" 65 '' "$H" 'noph2.json:2:1: byte 56: event: ph: missing' -- chrome "$T/noph2.json"

# X events partly overlapping on a thread: Perfetto moves them to an
# overflow track of the thread; spanpipe to tracks "TID (overlapping)" of
# the process, the first where each nests. Equal ts: the longer encloses.
printf '%s\n' '[{"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{"name":"Main"}},' \
    '{"ph":"X","name":"a","ts":5,"dur":10,"pid":1,"tid":1},{"ph":"X","name":"b","ts":10,"dur":10,"pid":1,"tid":1},' \
    '{"ph":"X","name":"c","ts":12,"dur":10,"pid":1,"tid":1},{"ph":"X","name":"d","ts":13,"dur":1,"pid":1,"tid":1},' \
    '{"ph":"X","name":"e","ts":30,"dur":5,"pid":1,"tid":1},{"ph":"X","name":"f","ts":30,"dur":10,"pid":1,"tid":1},' \
    '{"ph":"X","name":"g","ts":50,"dur":10,"pid":"p","tid":"t"},{"ph":"X","name":"h","ts":55,"dur":10,"pid":"p","tid":"t"}]' >"$T/ov.json"
t "chrome: overlapping X events counted" 0 '' '*' '3 X events partly overlapping a slice open on their thread' -- chrome "$T/ov.json"
grep -c '^track,,,1,,overlap/1/1/[01],' "$T/out" | grep -qx 2 && grep -q '^slice,12000,10000,1,1,overlap/1/1/1,' "$T/out" &&
	grep -q '^track,,,p,,overlap/p/t/0,,,,t (overlapping)' "$T/out" && pass "chrome: overlapping X events on tracks of their own" ||
	fail "chrome: overlapping X events on tracks of their own" "$(cat "$T/out")"
"$E" "$T/out" >"$T/ov.pftrace"
tp_check "chrome: overlapping X events" "$T/ov.pftrace" "$T/out"
tp_same "chrome: overlapping X events as Perfetto reads them" "$T/ov.json" "$T/ov.pftrace" "overlap 3"
