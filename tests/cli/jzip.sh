# span-fetch --jaeger and --zipkin: every Jaeger and Zipkin file of
# ../shared/corpus/otel through the whole pipe, judged by Perfetto's own
# importer (trace_processor_shell) against the file read on its own
# (tests/jzcheck.py); then one small hand-written file per rule
# (tests/data/jaeger, tests/data/zipkin). Hostile input is in badinput.sh.
F=$BIN/span-fetch
AM=$BIN/async-match
E=$BIN/perfetto-encode
JD=tests/data/jaeger
ZD=tests/data/zipkin
TP=${SHARED:-/nonexistent}/bin/trace_processor_shell

# jz_pipe FMT FILE: span-fetch, async-match and perfetto-encode on FILE,
# into $T/jz.csv, $T/jz.lanes and $T/jz.pftrace (stderr in $T/jz.err).
jz_pipe() {
	"$F" --"$1" "$2" >"$T/jz.csv" 2>"$T/jz.err" &&
	    "$AM" "$T/jz.csv" >"$T/jz.lanes" 2>>"$T/jz.err" &&
	    "$E" -o "$T/jz.pftrace" "$T/jz.lanes" 2>>"$T/jz.err"
}

# jz_query SQL OUT: trace_processor's CSV answer about $T/jz.pftrace.
jz_query() {
	printf '%s\n' "$1" >"$T/q.sql"
	"$TP" -q "$T/q.sql" "$T/jz.pftrace" >"$2" 2>"$T/tp.err"
}

JZ_SPANS="select s.name, s.ts, s.dur from slice s where exists (select 1 from args a where a.arg_set_id = s.arg_set_id and a.key = 'debug.span_id');"
JZ_EVENTS="select s.name, s.ts, s.dur from slice s where not exists (select 1 from args a where a.arg_set_id = s.arg_set_id and a.key = 'debug.span_id');"
JZ_FLOWS="select so.name, so.ts, si.name, si.ts from flow f join slice so on f.slice_out = so.id join slice si on f.slice_in = si.id;"
JZ_STATS="select name, severity, value from stats where value > 0 and severity in ('error', 'data_loss');"

jz_corpus() {	# jz_corpus FMT FILE
	name="jzip: corpus $1 $(basename "$2")"
	if ! jz_pipe "$1" "$2"; then
		fail "$name: the pipe" "$(head -c 600 "$T/jz.err")"
		return
	fi
	check "$name: lanes only nest" python3 tests/asynccheck.py \
	    "$T/jz.csv" "$T/jz.lanes"
	if ! jz_query "$JZ_STATS" "$T/stats.csv" ||
	    [ "$(wc -l <"$T/stats.csv")" != 1 ]; then
		fail "$name: no importer error" "$(head -c 600 "$T/stats.csv" "$T/tp.err")"
	else
		pass "$name: no importer error"
	fi
	jz_query "$JZ_SPANS" "$T/spans.csv" &&
	    jz_query "$JZ_EVENTS" "$T/events.csv" &&
	    jz_query "$JZ_FLOWS" "$T/flows.csv"
	check "$name: spans, events and flows as in the file" python3 \
	    tests/jzcheck.py "$1" "$2" "$T/spans.csv" "$T/events.csv" \
	    "$T/flows.csv" "$T/jz.err"
	[ -n "${VERBOSE:-}" ] && tail -n 1 "$T/check.out"
}

if need_shared "jzip: corpus" && [ -d "$SHARED/corpus/otel" ]; then
	if [ ! -x "$TP" ]; then
		skip "jzip: corpus" "no $TP"
	else
		for f in "$SHARED"/corpus/otel/jaeger/*; do jz_corpus jaeger "$f"; done
		for f in "$SHARED"/corpus/otel/zipkin/*; do jz_corpus zipkin "$f"; done
	fi
fi

# The hand-written cases pass through the same checks where the trace
# matters; the rest look at the records.
if [ -x "$TP" ]; then
	for f in $JD/*.json; do jz_corpus jaeger "$f"; done
	for f in $ZD/*.json; do jz_corpus zipkin "$f"; done
fi

# col FILE NAME COLUMN[+COLUMN]: the column (or the columns joined by a
# space) of the async_begin named NAME, read with a CSV parser (args hold
# commas); NAME '*': of every async_begin.
col() {
	python3 -c '
import csv, sys
rows = csv.DictReader(open(sys.argv[1], encoding="utf-8", newline=""))
print("\n".join(" ".join(r[c] for c in sys.argv[3].split("+") if r[c])
                for r in rows if r["kind"] == "async_begin" and
                sys.argv[2] in ("*", r["name"])))
' "$@"
}

# --- Jaeger -------------------------------------------------------------------

"$F" --jaeger $JD/short-ids.json >"$T/r.csv" 2>"$T/r.err"
t "jzip: jaeger short ids: the parent reference, left-padded" 0 '' \
    00000000000000a1 '' -- col "$T/r.csv" child parent
t "jzip: jaeger short ids: a 15-digit trace id, left-padded" 0 '' \
    '{"trace_id":"00000000000000000fa1b2c3d4e5f607","span_id":"00000000000000b2","parent_id":"00000000000000a1","kind":"unspecified"}' \
    '' -- col "$T/r.csv" child args

"$F" --jaeger $JD/follows-from.json >"$T/r.csv" 2>"$T/r.err"
t "jzip: jaeger FOLLOWS_FROM is a link, not a parent" 0 '' '' '' -- \
    col "$T/r.csv" consumer parent
t "jzip: jaeger FOLLOWS_FROM in the link's ref_type" 0 '' \
    '{"trace_id":"00000000000000000000000000000abc","span_id":"0000000000000002","kind":"consumer","links":[{"trace_id":"00000000000000000000000000000abc","span_id":"0000000000000001","attributes":{"opentracing.ref_type":"follows_from"}}]}' \
    '' -- col "$T/r.csv" consumer args
t "jzip: jaeger a second CHILD_OF is a link" 0 '' '0000000000000002' '' -- \
    col "$T/r.csv" work parent
t "jzip: jaeger links are flows out of their target" 0 '' \
    'l0:00000000000000000000000000000abc0000000000000002 l0:00000000000000000000000000000abc0000000000000003' \
    '' -- col "$T/r.csv" producer flows
t "jzip: jaeger the envelope's processes, told by hostname" 0 '' \
    'process,,,queue-writer,,,,,,queue-writer,,,,,,,"{""hostname"":""host-a""}"' \
    '' -- grep '^process,,,queue-writer' "$T/r.csv"

"$F" --jaeger $JD/logs.json >"$T/r.csv" 2>"$T/r.err"
t "jzip: jaeger logs are events named by their event field" 0 '' \
    '{"key":"user:7"}' '' -- col "$T/r.csv" 'cache miss' args
t "jzip: jaeger a log without an event field is named log" 0 '' \
    '{"message":"no event field"}' '' -- col "$T/r.csv" log args
t "jzip: jaeger error=true is the error status, tags keep their types" 0 '' \
    '{"trace_id":"00000000000000000000000000000001","span_id":"0000000000000001","kind":"unspecified","status":"error","attributes":{"big":9007199254740993,"ratio":0.25,"ok":false}}' \
    '' -- col "$T/r.csv" 'handle [error]' args

# JSON lines of bare traces, from standard input, and an array of traces.
{ tr -d '\n' <$JD/short-ids.json; echo; tr -d '\n' <$JD/logs.json; echo; } >"$T/lines.json"
t "jzip: jaeger JSON lines on standard input" 0 '' '*' \
    'jaeger: 3 spans, 2 events' -- sh -c "\"$F\" --jaeger - <\"$T/lines.json\""
{ echo '['; cat $JD/short-ids.json; echo ','; cat $JD/logs.json; echo ']'; } >"$T/arr.json"
t "jzip: jaeger an array of traces" 0 '' '*' 'jaeger: 3 spans, 2 events' -- \
    "$F" --jaeger "$T/arr.json"
gzip -c $JD/follows-from.json >"$T/ff.json.gz"
"$F" --jaeger $JD/follows-from.json >"$T/plain.csv" 2>/dev/null
"$F" --jaeger "$T/ff.json.gz" >"$T/gz.csv" 2>/dev/null
same "jzip: jaeger gzip, told by its content, reads as the plain file" \
    "$T/plain.csv" "$T/gz.csv"

# --- Zipkin -------------------------------------------------------------------

"$F" --zipkin $ZD/shared.json >"$T/r.csv" 2>"$T/r.err"
t "jzip: zipkin shared span: the client half in its service" 0 '' \
    frontend '' -- col "$T/r.csv" 'get /backend' pid
t "jzip: zipkin shared span: the server half in its service" 0 '' \
    backend '' -- col "$T/r.csv" 'get /backend [error]' pid
t "jzip: zipkin shared span: the server half is told apart" 0 '' \
    '{"trace_id":"00000000000000005af7183fb1d4cf5f","span_id":"352bff9a74ca9ad2","parent_id":"6b221d5bc9e6496c","kind":"server","status":"error","status_message":"deadline exceeded","shared":true,"attributes":{"http.path":"/backend"}}' \
    '' -- col "$T/r.csv" 'get /backend [error]' args
t "jzip: zipkin shared span: a flow out of the client half" 0 '' \
    'p:00000000000000005af7183fb1d4cf5f352bff9a74ca9ad2s' '' -- \
    col "$T/r.csv" 'get /backend' flows
t "jzip: zipkin shared span: the flow into the server half" 0 '' \
    'p:00000000000000005af7183fb1d4cf5f352bff9a74ca9ad2s' '' -- \
    col "$T/r.csv" 'get /backend [error]' flows+flows_end
t "jzip: zipkin remoteEndpoint is an attribute, kept nested" 0 '' \
    '{"trace_id":"00000000000000005af7183fb1d4cf5f","span_id":"352bff9a74ca9ad2","parent_id":"6b221d5bc9e6496c","kind":"client","attributes":{"remoteEndpoint":{"serviceName":"backend","ipv4":"10.0.0.2","port":9000}}}' \
    '' -- col "$T/r.csv" 'get /backend' args
t "jzip: zipkin an annotation 'name: {json}' is an event with attributes" 0 '' \
    '{"exception.type":"Timeout"}' '' -- col "$T/r.csv" exception args
t "jzip: zipkin a plain annotation is an event" 0 '' '' '' -- \
    col "$T/r.csv" ws args

"$F" --zipkin $ZD/notime.json >"$T/r.csv" 2>"$T/r.err"
t "jzip: zipkin spans without timestamp skipped, without duration kept" 0 '' \
    'whole
no duration' '' -- col "$T/r.csv" '*' name
check "jzip: zipkin spans without timestamp counted" \
    grep -q 'zipkin: 2 spans without a start time skipped' "$T/r.err"
check "jzip: zipkin spans without duration counted" \
    grep -q 'zipkin: 1 spans without an end time written with duration 0' "$T/r.err"
printf '%s\n%s\n' \
    '{"traceId":"a","id":"1","name":"one","timestamp":1700000000000000,"duration":3}' \
    '[{"traceId":"a","id":"2","parentId":"1","name":"two","timestamp":1700000000000001,"duration":1}]' \
    >"$T/zl.json"
t "jzip: zipkin JSON lines of spans and arrays, on standard input" 0 '' '*' \
    'zipkin: 2 spans, 0 events' -- sh -c "\"$F\" --zipkin - <\"$T/zl.json\""
gzip -c $ZD/shared.json >"$T/sh.json.gz"
"$F" --zipkin $ZD/shared.json >"$T/plain.csv" 2>/dev/null
"$F" --zipkin "$T/sh.json.gz" >"$T/gz.csv" 2>/dev/null
same "jzip: zipkin gzip, told by its content, reads as the plain file" \
    "$T/plain.csv" "$T/gz.csv"

# --- the wrong flag, the wrong file --------------------------------------------

t "jzip: a Jaeger file given to --zipkin" 65 '' '*' \
    "follows-from.json:1:1: byte 0: this looks like Jaeger JSON, not Zipkin JSON: read it with --jaeger" \
    -- "$F" --zipkin $JD/follows-from.json
t "jzip: a Zipkin file given to --jaeger" 65 '' '*' \
    "shared.json:1:2: byte 1: this looks like Zipkin JSON, not Jaeger JSON: read it with --zipkin" \
    -- "$F" --jaeger $ZD/shared.json
otlp='{"resourceSpans":[{"resource":{},"scopeSpans":[]}]}'
t "jzip: OTLP/JSON given to --jaeger" 65 "$otlp" '*' \
    "<stdin>:1:1: byte 0: this looks like OTLP/JSON, not Jaeger JSON: read it with --otlp" \
    -- "$F" --jaeger -
t "jzip: OTLP/JSON given to --zipkin" 65 "$otlp" '*' \
    "<stdin>:1:1: byte 0: this looks like OTLP/JSON, not Zipkin JSON: read it with --otlp" \
    -- "$F" --zipkin -
t "jzip: Chrome JSON given to --jaeger" 65 '{"traceEvents":[]}' '*' \
    "this looks like Chrome JSON, not Jaeger JSON: read it with --chrome" \
    -- "$F" --jaeger -
t "jzip: Chrome JSON given to --zipkin" 65 '[{"ph":"X","ts":1,"dur":2,"name":"a","pid":1,"tid":1}]' '*' \
    "this looks like Chrome JSON, not Zipkin JSON: read it with --chrome" \
    -- "$F" --zipkin -
t "jzip: records given to --jaeger" 65 'kind,ts,dur
' '*' "<stdin>:1:1: byte 0: this looks like spanpipe records, not Jaeger JSON: read it with async-match or perfetto-encode" \
    -- "$F" --jaeger -
t "jzip: --jaeger and --zipkin exclude each other" 64 '' '' \
    'exclude each other' -- "$F" --jaeger a --zipkin b
t "jzip: --zipkin excludes -p" 64 '' '' '--zipkin excludes -p' -- \
    "$F" --zipkin a -p 1
t "jzip: a file that is not there" 66 '' '' 'nothere.json: No such file' -- \
    "$F" --jaeger "$T/nothere.json"
t "jzip: empty input is an empty import" 0 '' \
    'kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,line,value,flows,flows_end,args' \
    'zipkin: 0 spans' -- "$F" --zipkin -

# --- errors: where, and what is kept --------------------------------------------

printf '[\n{"traceId":"a","id":"1","name":"ok","timestamp":1700000000000000,"duration":3},\n  {"traceId":"a","id":"2","name":"bad","timestamp":"soon","duration":1},\n{"traceId":"a","id":"3","name":"ok2","timestamp":1700000000000004,"duration":1}\n]\n' >"$T/bad.json"
t "jzip: a bad span: file, line, column, member, exit 65" 65 '' '*' \
    "^span-fetch: .*bad.json:3:3: byte 84: timestamp: 'soon' is not a number \(microseconds expected\)$" \
    -- "$F" --zipkin "$T/bad.json"
t "jzip: -k skips the bad span and keeps the others" 65 '' '*' \
    'zipkin: 1 spans skipped as malformed' -- "$F" -k --zipkin "$T/bad.json"
"$F" -k --zipkin "$T/bad.json" >"$T/k.csv" 2>/dev/null
t "jzip: -k: the good spans are written" 0 '' 'ok
ok2' '' -- python3 -c '
import csv, sys
print("\n".join(r["name"] for r in csv.DictReader(open(sys.argv[1]))
                if r["kind"] == "async_begin"))' "$T/k.csv"
printf '{"data":[{"traceID":"1","spans":[{"traceID":"1","spanID":"1","operationName":"a","startTime":1700000000000000,"duration":1,"processID":"p1"}],"processes":{"p1":{"serviceName":"s"}}},\n{"traceID":"2","spans":[{"traceID":"2","spanID":"2","operationName":"b","startTime":17' >"$T/cut.json"
t "jzip: jaeger cut short: the position, exit 65" 65 '' '*' \
    'cut.json:2:[0-9]+: byte [0-9]+: unexpected end of the input' -- "$F" --jaeger "$T/cut.json"
t "jzip: jaeger cut short with -k: the traces before it are written" 65 '' '*' \
    'jaeger: 1 spans' -- "$F" -k --jaeger "$T/cut.json"

# Bash completion: the options from --help, a file after --jaeger.
got=$(cd $ZD && PATH="$BIN:$PATH" bash -c '. ../../../completion/spanpipe.bash; COMP_WORDS=(span-fetch --zipkin sh); COMP_CWORD=2; _spanpipe span-fetch sh --zipkin; printf "%s\n" "${COMPREPLY[@]}"')
[ "$got" = shared.json ] && pass "jzip: completion: a file after --zipkin" ||
    fail "jzip: completion: a file after --zipkin" "$got"
got=$(PATH="$BIN:$PATH" bash -c '. completion/spanpipe.bash; COMP_WORDS=(span-fetch --ja); COMP_CWORD=1; _spanpipe span-fetch --ja span-fetch; printf "%s\n" "${COMPREPLY[@]}"')
[ "$got" = --jaeger ] && pass "jzip: completion: --jaeger" ||
    fail "jzip: completion: --jaeger" "$got"
