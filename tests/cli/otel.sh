# OpenTelemetry in: span-fetch --otlp, the span mapping of span-fetch(1).
# The corpus files (../shared/corpus/otel) go through the whole pipeline
# and are checked against the files themselves by tests/otelcheck.py;
# the small files of tests/data/otel check each dialect and each rule.
F=$BIN/span-fetch
AM=$BIN/async-match
E=$BIN/perfetto-encode
D=tests/data/otel
TPS=${SHARED:-/nonexistent}/bin/trace_processor_shell
H=kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,line,value,flows,flows_end,args

# pipe FILE OUT: span-fetch --otlp FILE | async-match | perfetto-encode.
pipe() {
	"$F" --otlp "$1" 2>"$T/pipe.err" | "$AM" 2>>"$T/pipe.err" | "$E" -o "$2" 2>>"$T/pipe.err"
}

# --- the corpus --------------------------------------------------------------
# The spans column of MANIFEST.tsv is the count each file must give.
if need_shared "otel corpus"; then
	while IFS='	' read -r file fmt _ _ _ _ nspans _; do
		case $file in otlp/* | otlp-pb/*) ;; *) continue ;; esac
		name="otel corpus: $file"
		src=$SHARED/corpus/otel/$file
		if ! pipe "$src" "$T/c.pftrace"; then
			fail "$name" "pipeline failed: $(head -c 400 "$T/pipe.err")"
			continue
		fi
		if ! grep -q ": $nspans spans," "$T/pipe.err"; then
			fail "$name: $nspans spans" "$(head -3 "$T/pipe.err")"
			continue
		fi
		pass "$name: $nspans spans"
		if [ ! -x "$TPS" ]; then
			skip "$name: trace_processor" "no $TPS"
			continue
		fi
		python3 tests/otelcheck.py "$TPS" "$T/c.pftrace" "$src" proto \
		    >"$T/check.out" 2>&1 && pass "$name: every span once, lanes nest, flows, no import error" ||
		    fail "$name: every span once, lanes nest, flows, no import error" "$(cat "$T/check.out")"
	done <"$SHARED/corpus/otel/MANIFEST.tsv"
fi

# --- dialects: each gives the same records as the canonical file -----------
"$F" --otlp $D/spans.json >"$T/canon.csv" 2>"$T/canon.err"
t "otlp: canonical file" 0 '' '*' '3 spans, 1 events, 0 logs, 0 counter samples in 2 processes; 1 flows between spans, 1 for links' -- $F --otlp $D/spans.json
for d in lines snake base64 array legacy bare; do
	python3 tests/oteldialect.py $d <$D/spans.json >"$T/$d.json"
	"$F" --otlp "$T/$d.json" >"$T/$d.csv" 2>/dev/null
	same "otlp dialect $d: same records" "$T/canon.csv" "$T/$d.csv"
done
protoc -I proto --encode=opentelemetry.proto.trace.v1.TracesData otlp_trace.proto \
    <$D/spans.txtpb >"$T/spans.pb"
"$F" --otlp "$T/spans.pb" >"$T/pb.csv" 2>/dev/null
same "otlp protobuf TracesData: same records" "$T/canon.csv" "$T/pb.csv"
python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
sys.stdout.buffer.write((struct.pack(">I", len(d)) + d) * 2)' "$T/spans.pb" >"$T/framed.pb"
"$F" --otlp "$T/framed.pb" >"$T/framed.csv" 2>"$T/framed.err"
same "otlp protobuf, file exporter framing: same records" "$T/canon.csv" "$T/framed.csv"
grep -q '3 duplicate spans dropped' "$T/framed.err" && pass "otlp framed twice: duplicates dropped, counted" ||
    fail "otlp framed twice: duplicates dropped, counted" "$(cat "$T/framed.err")"
gzip -c $D/spans.json >"$T/spans.json.gz"
"$F" --otlp - <"$T/spans.json.gz" >"$T/gz.csv" 2>/dev/null
same "otlp gzip on stdin: same records" "$T/canon.csv" "$T/gz.csv"
{ gzip -c "$T/lines.json"; gzip -c "$T/lines.json"; } >"$T/two.gz"
"$F" --otlp "$T/two.gz" >"$T/two.csv" 2>/dev/null
same "otlp two gzip members: read as one stream" "$T/canon.csv" "$T/two.csv"

# --- the mapping, rule by rule, on the canonical file ------------------------
# col KIND ID COLUMN: a column of the record of that kind and id.
col() {
	python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if r["kind"] == sys.argv[2] and (r["id"] == sys.argv[3] or r["pid"] == sys.argv[3]):
        print(r[sys.argv[4]])
        break' "$T/canon.csv" "$@"
}
eq() { [ "$2" = "$3" ] && pass "$1" || fail "$1" "got '$2'" "expected '$3'"; }
eq "otlp: a process per service, named after it" "$(col process frontend name) $(col process backend name)" "frontend backend"
eq "otlp: resource attributes as process labels" "$(col process frontend args)" '{"service.name":"frontend","service.instance.id":"fe-1","process.pid":4242}'
eq "otlp: span as async_begin with its span id" "$(col async_begin eee19b7ec3c1b175 ts) $(col async_begin eee19b7ec3c1b175 parent)" "1000000200000 eee19b7ec3c1b174"
eq "otlp: span end as async_end at its end" "$(col async_end eee19b7ec3c1b175 ts)" 1000000700000
eq "otlp: scope as the category" "$(col async_begin eee19b7ec3c1b174 category) $(col async_begin eee19b7ec3c1b176 category)" "web.server rpc"
eq "otlp: code.filepath and code.lineno as file and line" "$(col async_begin eee19b7ec3c1b174 file):$(col async_begin eee19b7ec3c1b174 line)" "web/app.py:42"
eq "otlp: error status: name suffix, status and message in args" "$(col async_begin eee19b7ec3c1b176 name)" "handle [error]"
col async_begin eee19b7ec3c1b176 args | grep -q '"status":"error","status_message":"boom"' && pass "otlp: status in args" || fail "otlp: status in args" "$(col async_begin eee19b7ec3c1b176 args)"
eq "otlp: attributes nested as they were" "$(col async_begin eee19b7ec3c1b174 args | grep -o '"deep":{[^}]*}')" '"deep":{"x":[1,"two",true,2.5]}'
eq "otlp: kind, trace id, span id in args" "$(col async_begin eee19b7ec3c1b175 args)" '{"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b175","parent_id":"eee19b7ec3c1b174","kind":"client","status":"ok"}'
eq "otlp: event as a zero-length child span" "$(col async_begin e1 ts) $(col async_end e1 ts) $(col async_begin e1 parent) $(col async_begin e1 name)" "1000000100000 1000000100000 eee19b7ec3c1b174 cache miss"
eq "otlp: cross-service parent: one flow token on both" "$(col async_begin eee19b7ec3c1b175 flows)" "p:5b8efff798038103d269b633813fc60ceee19b7ec3c1b176"
eq "otlp: link: a flow from its target" "$(col async_begin eee19b7ec3c1b174 flows)" "l0:5b8efff798038103d269b633813fc60ceee19b7ec3c1b176"
eq "otlp: the child carries both" "$(col async_begin eee19b7ec3c1b176 flows)" "p:5b8efff798038103d269b633813fc60ceee19b7ec3c1b176 l0:5b8efff798038103d269b633813fc60ceee19b7ec3c1b176"
if [ -x "$TPS" ]; then
	pipe $D/spans.json "$T/s.pftrace"
	python3 tests/otelcheck.py "$TPS" "$T/s.pftrace" $D/spans.json proto >"$T/check.out" 2>&1 &&
	    grep -q 'flows=2' "$T/check.out" && pass "otlp: two flows in the trace, lanes nest" ||
	    fail "otlp: two flows in the trace, lanes nest" "$(cat "$T/check.out")"
else
	skip "otlp: flows in the trace" "no trace_processor_shell"
fi

# --- what real files hold ----------------------------------------------------
# one span changed at a time, from a template
span() { # ID PARENT START END [NAME] [SVC]
	printf '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"%s"}}]},"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"%s","parentSpanId":"%s","name":"%s","startTimeUnixNano":"%s","endTimeUnixNano":"%s"}]}]}]}\n' \
	    "${6:-svc}" "$1" "$2" "${5:-op}" "$3" "$4"
}
{ span 00f067aa0ba902b7 '' 100 200; span 00f067aa0ba902b7 '' 100 200; span 00f067aa0ba902b8 '' 100 200; } >"$T/dup.jsonl"
t "otlp: duplicate span kept once, counted" 0 '' '*' '1 duplicate spans dropped' -- $F --otlp "$T/dup.jsonl"
[ "$(grep -c '^async_begin' "$T/out")" = 2 ] && pass "otlp: duplicate: two begins left" || fail "otlp: duplicate: two begins left" "$(cat "$T/out")"
span 00f067aa0ba902b7 1111111111111111 100 200 >"$T/orphan.jsonl"
t "otlp: orphan counted, written as a root" 0 '' '*' '1 spans whose parent is not in the input' -- $F --otlp "$T/orphan.jsonl"
{ span 00f067aa0ba902b7 '' 0 0; span 00f067aa0ba902b8 '' 100 0; } >"$T/notime.jsonl"
t "otlp: no start skipped, no end zero-length, counted" 0 '' '*' '1 spans without an end time written with duration 0' -- $F --otlp "$T/notime.jsonl"
grep -q '1 spans without a start time skipped' "$T/err" && pass "otlp: no start counted" || fail "otlp: no start counted" "$(cat "$T/err")"
{ span 00f067aa0ba902b7 '' 100 500; span 00f067aa0ba902b8 00f067aa0ba902b7 600 700; } >"$T/outside.jsonl"
t "otlp: child after its parent's end: a flow" 0 '' '*' '1 flows between spans' -- $F --otlp "$T/outside.jsonl"
{ span 00f067aa0ba902b7 '' 100 500 a svc; span 00f067aa0ba902b8 00f067aa0ba902b7 50 700 b other; } >"$T/skew.jsonl"
t "otlp: child before its parent (skew): counted, no flow" 0 '' '*' '1 children that start before their parent' -- $F --otlp "$T/skew.jsonl"
{ span 00f067aa0ba902b7 '' 100 500; span 00f067aa0ba902b7 '' 200 300 other; } >"$T/sameid.jsonl"
t "otlp: two spans, one id, overlapping: both kept, renamed" 0 '' '*' '1 async ids renamed' -- $F --otlp "$T/sameid.jsonl"
[ "$(grep -c '^async_begin' "$T/out")" = 2 ] && pass "otlp: same id: both kept" || fail "otlp: same id: both kept" "$(cat "$T/out")"
$F --otlp "$T/sameid.jsonl" 2>/dev/null | $AM >/dev/null 2>"$T/am.err" && pass "otlp: same id: async-match takes it" || fail "otlp: same id: async-match takes it" "$(cat "$T/am.err")"
span f067aa0ba902b7 '' 100 200 | sed 's/0af7651916cd43dd8448eb211c80319c/af7651916cd43dd8448eb211c80319c/' >"$T/short.jsonl"
t "otlp: hex ids missing leading zeros are left-padded" 0 '' '*' '1 spans,' -- $F --otlp "$T/short.jsonl"
grep -q '"trace_id"":""0af7651916cd43dd8448eb211c80319c"",""span_id"":""00f067aa0ba902b7""' "$T/out" && pass "otlp: padded ids" || fail "otlp: padded ids" "$(cat "$T/out")"

# --- metrics and logs --------------------------------------------------------
$F --otlp $D/mixed.jsonl >"$T/mixed.csv" 2>"$T/mixed.err"
eq "otlp mixed: spans, logs and samples counted" "$(head -1 "$T/mixed.err" | sed 's/.*: 3 spans/3 spans/')" "3 spans, 1 events, 2 logs, 4 counter samples in 2 processes; 1 flows between spans, 1 for links"
grep -q '1 histogram or summary points skipped' "$T/mixed.err" && pass "otlp mixed: histogram counted and skipped" || fail "otlp mixed: histogram counted and skipped" "$(cat "$T/mixed.err")"
eq "otlp mixed: a counter per metric and attribute set" "$(grep '^counter' "$T/mixed.csv" | cut -d, -f2,4,10,14 | tr '\n' ' ')" "1000000100000,backend,queue.depth{queue=a},3 1000000100000,backend,queue.depth{queue=b},1.5 1000000300000,backend,queue.depth{queue=a},5 1000000500000,backend,requests,7 "
eq "otlp mixed: log with span context on its span" "$(grep '^async_begin,1000000300000' "$T/mixed.csv" | cut -d, -f4,8,10)" "backend,eee19b7ec3c1b176,slow query"
eq "otlp mixed: log without span: instant on the process" "$(grep '^instant' "$T/mixed.csv")" 'instant,1000000800000,,backend,,,,,,idle,log,,,,,,"{""severity"":""INFO"",""body"":""idle""}"'
if [ -x "$TPS" ]; then
	pipe $D/mixed.jsonl "$T/m.pftrace"
	echo "select count(*) from counter; select count(*) from counter_track;" >"$T/m.sql"
	eq "otlp mixed: counters in the trace" "$("$TPS" -q "$T/m.sql" "$T/m.pftrace" 2>/dev/null | grep -v count | tr -d '"\n')" "43"
fi

# --- the wrong flag, usage ---------------------------------------------------
printf '{"data":[{"traceID":"1","spans":[{"traceID":"1","spanID":"2","operationName":"x"}]}]}\n' >"$T/jaeger.json"
t "otlp: Jaeger JSON given: says so" 65 '' '*' 'not OTLP: it looks like Jaeger JSON \(use --jaeger\)' -- $F --otlp "$T/jaeger.json"
printf '[{"traceId":"1","id":"2","timestamp":1,"localEndpoint":{}}]\n' >"$T/zipkin.json"
t "otlp: Zipkin JSON given: says so" 65 '' '*' 'looks like Zipkin JSON \(use --zipkin\)' -- $F --otlp "$T/zipkin.json"
printf '{"traceEvents":[{"ph":"X"}]}\n' >"$T/chrome.json"
t "otlp: Chrome JSON given: says so" 65 '' '*' 'looks like Chrome JSON \(use --chrome\)' -- $F --otlp "$T/chrome.json"
t "otlp: records given: says so" 65 "$H
" '*' 'it looks like spanpipe records' -- $F --otlp -
t "otlp: empty input: header only" 0 '' "$H" '0 spans' -- $F --otlp -
t "otlp: missing file" 66 '' '' 'nope.json' -- $F --otlp "$T/nope.json"
t "otlp: with --chrome" 64 '' '' 'exclude each other' -- $F --otlp a --chrome b
t "otlp: with -p" 64 '' '' 'excludes -p' -- $F --otlp a -p 1
$F --help | grep -q -- '--otlp FILE' && pass "otlp: in --help" || fail "otlp: in --help"
