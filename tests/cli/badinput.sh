# Hostile input, tool by tool: each case gets a clear message and the
# documented exit status (or, where the input is legal, the documented
# behaviour), never a crash, a hang or a sanitizer report. Cases already
# in perfetto-encode.sh, perfetto-inspect.sh, span-fetch.sh and chrome.sh
# are not repeated. Inputs found by fuzzing are in tests/fuzz/regress.
AM=$BIN/async-match
E=$BIN/perfetto-encode
PI=$BIN/perfetto-inspect
F=$BIN/span-fetch
G=$BIN/span-gen
H=kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,line,value,flows,flows_end,args
S=kind,ts,dur,pid,tid,name,args

# bi_rss NAME KB CMD...: CMD's peak RSS stays under KB (skipped under
# sanitizers and valgrind, whose RSS says nothing).
bi_rss() {
	name=$1 kb=$2
	shift 2
	if [ -n "${ASAN_OPTIONS:-}${TOOL_WRAPPER:-}" ] || [ ! -x /usr/bin/time ]; then
		skip "$name" "no RSS figure under a sanitizer or valgrind"
		return
	fi
	/usr/bin/time -f '%M' -o "$T/rss" "$@" >/dev/null 2>&1
	got=$(tail -n 1 "$T/rss")
	[ "$got" -lt "$kb" ] && pass "$name" || fail "$name" "peak RSS $got KB, at most $kb KB expected"
}

# --- records in: async-match and perfetto-encode ----------------------------

t "async-match: empty input" 0 '' "$H" '' -- $AM
t "perfetto-encode: empty input, an empty trace" 0 '' '' '' -- $E
t "async-match: header only" 0 "$H
" "$H" '' -- $AM
t "perfetto-encode: header only" 0 "$H
" '' '' -- $E
t "async-match: unknown column ignored" 0 'kind,ts,dur,pid,tid,bogus,name
slice,1,2,1,1,x,a
' "$H
slice,1,2,1,1,,,,,a,,,,,,," "<stdin>:1: warning: unknown column 'bogus' ignored" -- $AM
t "perfetto-encode: unknown column ignored" 0 'kind,ts,dur,pid,tid,bogus,name
slice,1,2,1,1,x,a
' '*' "<stdin>:1: warning: unknown column 'bogus' ignored" -- $E
t "async-match: duplicate column" 65 'kind,ts,ts
async_begin,1,1' '*' "^async-match: <stdin>:1: header names column 'ts' twice" -- $AM
bi_wide=$(awk 'BEGIN { printf "kind"; for (i = 1; i < 65; i++) printf ",x%d", i }')
t "async-match: header of 65 columns" 65 "$bi_wide
" '*' '<stdin>:1: header has 65 columns, at most 64 are read' -- $AM
t "perfetto-encode: header of 65 columns" 65 "$bi_wide
" '*' '<stdin>:1: header has 65 columns, at most 64 are read' -- $E

# Bytes a field may not hold; a bad byte in an ignored column does not
# hide one in a column that is read.
printf '%s\nasync_begin,5,,1,1,a\000b,\n' $S >"$T/nul.csv"
t "async-match: NUL byte" 65 '' '*' 'nul.csv:2:20: name: a NUL byte \(byte 2 of the field\)' -- $AM "$T/nul.csv"
printf '%s\nasync_begin,5,,1,1,caf\351,\n' $S >"$T/latin1.csv"
t "async-match: invalid UTF-8" 65 '' '*' 'latin1.csv:2:20: name: not valid UTF-8 \(byte 4 of the field\)' -- $AM "$T/latin1.csv"
printf 'kind,ts,dur,pid,tid,junk,name\nslice,5,1,1,1,caf\351,a\000b\n' >"$T/hidden.csv"
t "perfetto-encode: NUL after bad UTF-8 in an ignored column" 65 '' '*' 'hidden.csv:2:20: name: a NUL byte \(byte 2 of the field\)' -- $E "$T/hidden.csv"
t "async-match: NUL after bad UTF-8 in an ignored column" 65 '' '*' 'hidden.csv:2:20: name: a NUL byte' -- $AM "$T/hidden.csv"
printf 'kind,ts,dur,pid,tid,junk,name\nslice,5,1,1,1,caf\351,ok\n' >"$T/ignored.csv"
t "async-match: bad UTF-8 in an ignored column is ignored" 0 '' "$H
slice,5,1,1,1,,,,,ok,,,,,,," 'warning: unknown column' -- $AM "$T/ignored.csv"

# A byte order mark and line ends.
printf '\357\273\277%s\nslice,1,2,1,1,bom,\n' $S >"$T/bom.csv"
t "async-match: byte order mark skipped" 0 '' "$H
slice,1,2,1,1,,,,,bom,,,,,,," '' -- $AM "$T/bom.csv"
t "perfetto-encode: byte order mark skipped" 0 '' '*' '' -- $E -o "$T/bom.pftrace" "$T/bom.csv"
t "perfetto-encode: byte order mark skipped, the slice is there" 0 '' "$H
process,,,1,,,,,,1,,,,,,,
thread,,,1,1,,,,,1,,,,,,,
slice,1,2,1,1,,,,,bom,,,,,,," '' -- $PI --records "$T/bom.pftrace"
printf '\357\273\277' >"$T/bomonly.csv"
t "async-match: a byte order mark alone is empty input" 0 '' "$H" '' -- $AM "$T/bomonly.csv"
printf '%s\rslice,1,2,1,1,a,\rslice,3,2,1,1,b,\r' $S >"$T/cr.csv"
t "async-match: CR line ends" 0 '' "$H
slice,1,2,1,1,,,,,a,,,,,,,
slice,3,2,1,1,,,,,b,,,,,,," '' -- $AM "$T/cr.csv"
printf '%s\rslice,1,2,1,1,a,\rslice,x,2,1,1,b,\r' $S >"$T/crbad.csv"
t "perfetto-encode: CR line ends, the line of an error" 65 '' '*' "crbad.csv:3:7: ts: 'x' is not an integer" -- $E "$T/crbad.csv"
t "async-match: last line without a line end" 0 "$S
slice,1,2,1,1,a," "$H
slice,1,2,1,1,,,,,a,,,,,,," '' -- $AM

# Quoting.
t "async-match: unterminated quote" 65 "$S
async_begin,5,,1,1,\"x," '*' '<stdin>:2: unterminated quoted field at the end of input' -- $AM
t "async-match: -k goes on after malformed quoting" 65 "$S
slice,1,2,1,1,\"a\"b,
slice,3,2,1,1,ok," "$H
slice,3,2,1,1,,,,,ok,,,,,,," '<stdin>:2: malformed quoting' -- $AM -k

# Numbers out of range.
t "async-match: ts beyond int64" 65 "$S
async_begin,9223372036854775808,,1,1,x," '*' "<stdin>:2:13: ts: '9223372036854775808' is out of the int64 range" -- $AM
t "async-match: ts below int64" 65 "$S
async_begin,-9223372036854775809,,1,1,x," '*' "ts: '-9223372036854775809' is out of the int64 range" -- $AM
t "async-match: a slice's negative dur is passed on, not its business" 0 "$S
slice,5,-1,1,1,x," "$H
slice,5,-1,1,1,,,,,x,,,,,,," '' -- $AM
t "perfetto-encode: line beyond uint32" 65 'kind,ts,dur,pid,tid,name,line
slice,5,1,1,1,x,4294967296' '*' "line: '4294967296' .*range" -- $E
t "perfetto-encode: counter value beyond double" 65 'kind,ts,pid,name,value
counter,5,1,c,1e400' '*' "value: '1e400' " -- $E
# a pid beyond int32 is an identifier like any other: a number of its own
t "perfetto-encode: pid beyond int32" 0 "$S
slice,5,1,99999999999,1,x," '*' '' -- $E -o "$T/bigpid.pftrace"
$PI --records "$T/bigpid.pftrace" >"$T/bigpid.csv"
bi_pid=$(awk -F, '$1 == "process" { print $4 }' "$T/bigpid.csv")
case $bi_pid in
'' | 99999999999 | *[!0-9]*) fail "perfetto-encode: pid beyond int32 gets a pid in range" "$bi_pid" ;;
*) [ "$bi_pid" -le 2147483647 ] && grep -q ',99999999999,' "$T/bigpid.csv" &&
	pass "perfetto-encode: pid beyond int32 gets a pid in range, named by its id" ||
	fail "perfetto-encode: pid beyond int32 gets a pid in range, named by its id" "$(cat "$T/bigpid.csv")" ;;
esac
python3 -c "print('kind,ts,dur,pid,tid,name'); print('slice,1,1,' + 'p' * 5000 + ',1,x')" >"$T/longpid.csv"
t "perfetto-encode: an identifier of 5000 bytes" 0 '' '*' '' -- $E -o "$T/longpid.pftrace" "$T/longpid.csv"

# Args nested 1,000,000 deep are refused at json-c's depth limit, without
# recursion; async-match passes the args of an orphan on as they are.
python3 -c "print('$S'); print('slice,5,1,1,1,x,\"' + '{\"\"a\"\":' * 1000000 + '1' + '}' * 1000000 + '\"')" >"$T/deep.csv"
t "perfetto-encode: args nested 1,000,000 deep" 65 '' '*' 'deep.csv:2:17: args: JSON nested too deeply' -- $E "$T/deep.csv"
python3 -c "print('kind,ts,pid,tid,id,name,args'); print('async_end,5,1,1,a,x,\"' + '[' * 1000000 + '\"')" >"$T/deep2.csv"
t "async-match: orphan args nested 1,000,000 deep" 0 '' '' '1 unstarted span' -- sh -c "$AM '$T/deep2.csv' >'$T/deep2.out'"
awk -F, 'END { exit !(NR == 4 && $1 == "async") }' "$T/deep2.out" &&
	pass "async-match: orphan with deep args still written" || fail "async-match: orphan with deep args still written" "$(head -c 300 "$T/deep2.out")"

# A line of 100 MB: one field past 16 MiB (refused, the rest of its line
# skipped, the next line read); a hundred million fields (refused, in
# memory that does not grow with them).
{
	echo "$S"
	printf 'slice,1,2,1,1,'
	head -c 100000000 /dev/zero | tr '\0' a
	printf ',\nslice,5,1,1,1,after,\n'
} >"$T/long.csv"
t "perfetto-encode: a line of 100 MB, -k" 65 '' '*' 'long.csv:2: field longer than 16 MiB' -- $E -k -o "$T/long.pftrace" "$T/long.csv"
[ "$(grep -c 'field longer' "$T/err")" = 1 ] && grep -q '1 bad record skipped' "$T/err" &&
	pass "perfetto-encode: a line of 100 MB is one bad record" || fail "perfetto-encode: a line of 100 MB is one bad record" "$(head -c 600 "$T/err")"
$PI --records "$T/long.pftrace" >"$T/long.out" 2>&1
grep -q '^slice,5,1,1,1,,,,,after,' "$T/long.out" && pass "perfetto-encode: the line after 100 MB is read" ||
	fail "perfetto-encode: the line after 100 MB is read" "$(head -c 300 "$T/long.out")"
rm -f "$T/long.csv" "$T/long.pftrace"
{
	echo "$S"
	printf 'slice,1,2,1,1,'
	head -c 100000000 /dev/zero | tr '\0' ,
	printf '\nslice,5,1,1,1,after,\n'
} >"$T/commas.csv"
t "async-match: a line of 100 MB of fields, -k" 65 '' "$H
slice,5,1,1,1,,,,,after,,,,,,," 'commas.csv:2: 100000006 fields, but the header has 7 columns' -- $AM -k "$T/commas.csv"
bi_rss "async-match: a line of 100 MB of fields in under 400 MB" 400000 $AM -k "$T/commas.csv"
rm -f "$T/commas.csv"

# Not records at all.
printf 'slice,1,1,1,1,x\n' | gzip >"$T/gz.csv"
t "perfetto-encode: gzip bytes for records" 65 '' '*' 'gz.csv:1:1: kind: not valid UTF-8' -- $E "$T/gz.csv"

# --- traces in: perfetto-inspect ----------------------------------------------

printf '\0\0\0' >"$T/zeros.pftrace"
t "perfetto-inspect: NUL bytes" 1 '' '*' '' -- $PI "$T/zeros.pftrace"
grep -q 'error: .*no protobuf field here' "$T/out" && pass "perfetto-inspect: NUL bytes, where" || fail "perfetto-inspect: NUL bytes, where" "$(cat "$T/out")"
python3 -c "
import sys; sys.path.insert(0, 'tests'); import tracegen as g
sys.stdout.buffer.write(b'\xef\xbb\xbf' + g.ok())" >"$T/bom.pftrace"
t "perfetto-inspect: a byte order mark is no trace" 1 '' '*' '' -- $PI -q "$T/bom.pftrace"
# strings are bytes: records get valid UTF-8 all the same
python3 -c "
import sys; sys.path.insert(0, 'tests'); from tracegen import *
sys.stdout.buffer.write(cat(decls(), packet(seq(2), ts(5), event(INSTANT, 2,
    name=b'caf\xe9 \x00x', annos=[anno(b'k\xff', b'v')]))))" >"$T/utf.pftrace"
t "perfetto-inspect: names not UTF-8 become UTF-8 records" 0 '' '*' '' -- $PI --records "$T/utf.pftrace"
grep -q "^instant,5,,42,7,,,,,café �x,," "$T/out" && $E "$T/out" >/dev/null 2>&1 &&
	pass "perfetto-inspect: names not UTF-8, records perfetto-encode reads" ||
	fail "perfetto-inspect: names not UTF-8, records perfetto-encode reads" "$(cat "$T/out")"
# an annotation nested 1,000,000 deep (7 MB), built from the inside out
python3 -c "
import sys; sys.path.insert(0, 'tests'); from tracegen import *
leaf = anno('leaf', 1); heads = []; n = len(leaf)
for i in range(1000000):
    h = b'\x52\x01n' + tag(11, 2) + varint(n); heads.append(h); n += len(h)
a = b''.join(reversed(heads)) + leaf
sys.stdout.buffer.write(cat(decls(), packet(seq(2), ts(5), event(INSTANT, 2, name='x', annos=[a]))))" >"$T/deep.pftrace"
t "perfetto-inspect: annotation nested 1,000,000 deep" 1 '' '*' 'debug annotation nested deeper than' -- $PI --records "$T/deep.pftrace"
# gzip bombs: a gigabyte of zeros stops at the first byte; 40 million
# empty packets are read in constant memory
head -c 10000000 /dev/zero | gzip -1 >"$T/z10m.gz"
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$T/z10m.gz" "$T/z10m.gz" "$T/z10m.gz" "$T/z10m.gz" "$T/z10m.gz" "$T/z10m.gz" "$T/z10m.gz" "$T/z10m.gz" "$T/z10m.gz" "$T/z10m.gz"; done >"$T/bomb.gz"
t "perfetto-inspect: gzip bomb of zeros" 1 '' '*' '' -- timeout 60 $PI --csv "$T/bomb.gz"
grep -q ',error,bad_framing,1$' "$T/out" && pass "perfetto-inspect: gzip bomb of zeros, one error" || fail "perfetto-inspect: gzip bomb of zeros, one error" "$(grep -E 'error|summary' "$T/out")"
bi_rss "perfetto-inspect: gzip bomb of zeros in under 64 MB" 64000 $PI --csv "$T/bomb.gz"
python3 -c "import sys; sys.stdout.buffer.write(b'\n\0' * 10000000)" | gzip -1 >"$T/p10m.gz"
cat "$T/p10m.gz" "$T/p10m.gz" "$T/p10m.gz" "$T/p10m.gz" >"$T/pbomb.gz"
t "perfetto-inspect: gzip of 40,000,000 empty packets" 0 '' '*' '' -- timeout 120 $PI --csv "$T/pbomb.gz"
grep -q ',summary,packets,40000000$' "$T/out" && pass "perfetto-inspect: 40,000,000 empty packets counted" || fail "perfetto-inspect: 40,000,000 empty packets counted" "$(grep -E 'error|summary' "$T/out")"
bi_rss "perfetto-inspect: 40,000,000 packets in under 64 MB" 64000 $PI --records "$T/pbomb.gz"
rm -f "$T/bomb.gz" "$T/z10m.gz" "$T/pbomb.gz" "$T/p10m.gz"

# --- a store or a Chrome JSON file in: span-fetch -----------------------------

rm -f "$T/fx.db"
sqlite3 "$T/fx.db" <sql/store-sqlite.sql && sqlite3 "$T/fx.db" <tests/data/fetch-fixture.sql
$G --db "$T/big.db" --spans 20000 --async 2000
bi_size=$(wc -c <"$T/big.db")
head -c $((bi_size / 2)) "$T/big.db" >"$T/half.db"
t "span-fetch: a store cut in half" 65 '' '*' "span-fetch: $T/half.db: .*(corrupt|malformed)" -- $F --db "$T/half.db" -l
head -c 100 "$T/fx.db" >"$T/head.db"
t "span-fetch: a store cut to 100 bytes" 65 '' '' "span-fetch: $T/head.db: " -- $F --db "$T/head.db" -l
printf '\0\0\0\0' >"$T/nul.db"
t "span-fetch: a store of NUL bytes" 65 '' '' "span-fetch: $T/nul.db: not a SQLite database" -- $F --db "$T/nul.db" -l
python3 -c "print('[' * 1000000)" >"$T/deep.json"
t "span-fetch: Chrome JSON nested 1,000,000 deep" 65 '' "$H" 'deep.json:1:[0-9]+: byte [0-9]+: JSON nested too deeply' -- $F --chrome "$T/deep.json"
python3 -c "print('[{\"ph\":\"X\",\"ts\":1,\"dur\":1,\"pid\":1,\"tid\":1,\"name\":\"a\",\"args\":' + '{\"a\":' * 1000000 + '1' + '}' * 1000000 + '}]')" >"$T/deep2.json"
t "span-fetch: Chrome args nested 1,000,000 deep" 65 '' "$H" 'JSON nested too deeply' -- $F --chrome "$T/deep2.json"
t "span-fetch: Chrome JSON, byte order mark" 0 '[{"ph":"i","ts":1,"pid":1,"tid":1,"name":"bom"}]' "$H
instant,1000,,1,1,,,,,bom,,,,,,," '' -- sh -c "{ printf '\357\273\277'; cat; } | $F --chrome -"
t "span-fetch: Chrome JSON, CR line ends" 0 "$(printf '[{"ph":"i",\r"ts":1,\r"pid":1,"tid":1,"name":"cr"}]\r')" "$H
instant,1000,,1,1,,,,,cr,,,,,,," '' -- $F --chrome -
t "span-fetch: Chrome JSON, NUL in a name" 65 '[{"ph":"i","ts":1,"pid":1,"tid":1,"name":"a\u0000b"}]' "$H" 'name: not valid UTF-8, or holds a NUL' -- $F --chrome -
t "span-fetch: Chrome JSON, ts out of range" 65 '[{"ph":"i","ts":1e300,"pid":1,"tid":1,"name":"x"}]' "$H" "ts: '1e300' is out of range" -- $F --chrome -
t "span-fetch: Chrome JSON, negative dur" 65 '[{"ph":"X","ts":1,"dur":-5,"pid":1,"tid":1,"name":"x"}]' "$H" "dur: '-5' is negative" -- $F --chrome -
t "span-fetch: Chrome JSON, pid beyond int32 kept as an identifier" 0 '[{"ph":"i","ts":1,"pid":99999999999,"tid":1,"name":"x"}]' "$H
instant,1000,,99999999999,1,,,,,x,,,,,,," '' -- $F --chrome -
t "span-fetch: Chrome JSON, unterminated string" 65 '[{"ph":"i","ts":1,"pid":1,"tid":1,"name":"x' "$H" 'unexpected end of the input' -- $F --chrome -
printf '[{"ph":"i","ts":1,"pid":1,"tid":1,"name":"x"}]' | gzip >"$T/chrome.json.gz"
t "span-fetch: gzip for Chrome JSON" 0 '' "$H
instant,1000,,1,1,,,,,x,,,,,,," '' -- $F --chrome "$T/chrome.json.gz"
{
	printf '[{"ph":"i","ts":1,"pid":1,"tid":1,"name":"'
	head -c 100000000 /dev/zero | tr '\0' a
	printf '"}]\n'
} >"$T/long.json"
# (records allow 16 MiB a field: such a name should be refused; for now
# only no crash and no hang are checked)
timeout 120 $F --chrome "$T/long.json" >/dev/null 2>"$T/err"
st=$?
[ $st = 0 ] || [ $st = 65 ] && pass "span-fetch: Chrome JSON, a name of 100 MB" ||
	fail "span-fetch: Chrome JSON, a name of 100 MB" "exit status $st" "$(head -c 300 "$T/err")"
rm -f "$T/long.json"

# --- Jaeger and Zipkin JSON in: span-fetch --jaeger, --zipkin ---------------------
# Every bad span is named by the position of the span object and the member
# that is wrong; a JSON error ends the reading (what came before is kept
# with -k). Ids may have fewer digits than 16 or 32 (leading zeros a writer
# dropped), never more.

bj() {	# bj EXTRA START DURATION: a Jaeger trace of one span
	printf '{"traceID":"1","spans":[{"traceID":"1","spanID":"1","operationName":"a","startTime":%s,"duration":%s,"processID":"p1"%s}],"processes":{"p1":{"serviceName":"s"}}}' "$2" "$3" "$1"
}
bz() {	# bz MEMBERS: a Zipkin array of one span
	printf '[{"traceId":"a","id":"1","name":"a","timestamp":1700000000000000,"duration":1%s}]' "$1"
}
t "span-fetch --jaeger: truncated JSON" 65 '{"data":[{"traceID":"1","spans":[{"traceID":"1"' '*' \
    '<stdin>:1:48: byte 47: unexpected end of the input inside a value that starts at line 1, column 34' -- $F --jaeger -
t "span-fetch --zipkin: truncated JSON" 65 '[{"traceId":"a","id":"1"' '*' \
    '<stdin>:1:25: byte 24: unexpected end of the input inside a value that starts at line 1, column 2' -- $F --zipkin -
t "span-fetch --zipkin: a missing comma" 65 '[{"traceId":"a","id":"1"} {"traceId":"a","id":"2"}]' '*' \
    "<stdin>:1:27: byte 26: expected ',' or '\\]', found '\\{'" -- $F --zipkin -
t "span-fetch --jaeger: startTime a string of letters" 65 "$(bj '' '"x"' 1)" '*' \
    "<stdin>:1:25: byte 24: startTime: 'x' is not a number \(microseconds expected\)" -- $F --jaeger -
t "span-fetch --jaeger: startTime a boolean" 65 "$(bj '' true 1)" '*' \
    '<stdin>:1:25: byte 24: startTime: a number of microseconds expected, found boolean' -- $F --jaeger -
t "span-fetch --jaeger: tags an object" 65 "$(bj ',"tags":{}' 1700000000000000 1)" '*' \
    'tags: an array of \{key, type, value\} expected' -- $F --jaeger -
t "span-fetch --jaeger: a reference's spanID a number" 65 "$(bj ',"references":[{"refType":"CHILD_OF","spanID":7}]' 1700000000000000 1)" '*' \
    'references\[0\].spanID: a string of hex digits expected, found int' -- $F --jaeger -
t "span-fetch --jaeger: a log field without a key" 65 "$(bj ',"logs":[{"timestamp":1,"fields":[{"key":3}]}]' 1700000000000000 1)" '*' \
    'logs\[0\].fields\[0\]: a key string expected' -- $F --jaeger -
t "span-fetch --jaeger: processes not an object" 65 '{"traceID":"1","spans":[],"processes":[]}' '*' \
    '<stdin>:1:39: byte 38: processes: an object expected' -- $F --jaeger -
t "span-fetch --zipkin: id a number" 65 '[{"traceId":"a","id":1}]' '*' \
    '<stdin>:1:2: byte 1: id: a string of hex digits expected, found int' -- $F --zipkin -
t "span-fetch --zipkin: tags an array" 65 "$(bz ',"tags":[]')" '*' \
    'tags: an object of strings expected' -- $F --zipkin -
t "span-fetch --zipkin: localEndpoint.ipv4 a number" 65 "$(bz ',"localEndpoint":{"ipv4":5}')" '*' \
    'localEndpoint.ipv4: a string expected, found int' -- $F --zipkin -
t "span-fetch --zipkin: an unknown kind" 65 "$(bz ',"kind":"SIDEWAYS"')" '*' \
    "kind: 'SIDEWAYS' is not CLIENT, SERVER, PRODUCER or CONSUMER" -- $F --zipkin -
t "span-fetch --zipkin: a span that is a number" 65 '[1]' '*' \
    '<stdin>:1:2: byte 1: a span object expected, found int' -- $F --zipkin -
t "span-fetch --zipkin: arrays three deep" 65 "[[$(bz '')]]" '*' \
    '<stdin>:1:3: byte 2: a span object expected, found array' -- $F --zipkin -
t "span-fetch --jaeger: a 17-digit span id" 65 '{"spans":[{"traceID":"1","spanID":"12345678901234567","startTime":1,"duration":1}]}' '*' \
    "spanID: '12345678901234567' is not an id of 1 to 16 hex digits" -- $F --jaeger -
t "span-fetch --jaeger: a 33-digit trace id" 65 '{"spans":[{"traceID":"123456789012345678901234567890123","spanID":"1","startTime":1,"duration":1}]}' '*' \
    "traceID: '123456789012345678901234567890123' is not an id of 1 to 32 hex digits" -- $F --jaeger -
t "span-fetch --zipkin: an id not in hex" 65 '[{"traceId":"a","id":"12g4"}]' '*' \
    "id: '12g4' is not an id of 1 to 16 hex digits" -- $F --zipkin -
t "span-fetch --zipkin: an odd-length id is left-padded" 0 "$(bz '')" \
    'span_id"":""0000000000000001' '' -- sh -c "$F --zipkin - 2>/dev/null | grep -o 'span_id\"\":\"\"[0-9a-f]*'"
t "span-fetch --zipkin: a 15-digit trace id is left-padded" 0 '[{"traceId":"123456789abcdef","id":"1","timestamp":1,"duration":1}]' \
    'trace_id"":""00000000000000000123456789abcdef' '' -- sh -c "$F --zipkin - 2>/dev/null | grep -o 'trace_id\"\":\"\"[0-9a-f]*'"
t "span-fetch --jaeger: startTime past the int64 range in ns" 65 "$(bj '' 9300000000000000000 1)" '*' \
    "startTime: '9300000000000000000' is out of range \(microseconds expected\)" -- $F --jaeger -
t "span-fetch --jaeger: an end past the int64 range in ns" 65 "$(bj '' 9223372036854775 1000)" '*' \
    'the span ends past the int64 range of nanoseconds \(start 9223372036854775000 ns, duration 1000000 ns\)' -- $F --jaeger -
t "span-fetch --jaeger: a negative startTime" 65 "$(bj '' -5 1)" '*' \
    "startTime: '-5' is negative" -- $F --jaeger -
t "span-fetch --zipkin: a timestamp of 1e300" 65 "$(printf '[{"traceId":"a","id":"1","timestamp":1e300}]')" '*' \
    "timestamp: '1e300' is out of range" -- $F --zipkin -
t "span-fetch --jaeger: a negative duration" 65 "$(bj '' 1700000000000000 -5)" '*' \
    "<stdin>:1:25: byte 24: duration: '-5' is negative" -- $F --jaeger -
t "span-fetch --zipkin: a negative duration" 65 '[{"traceId":"a","id":"1","timestamp":1700000000000000,"duration":-1}]' '*' \
    "<stdin>:1:2: byte 1: duration: '-1' is negative" -- $F --zipkin -
t "span-fetch --zipkin: an annotation without a time" 65 "$(bz ',"annotations":[{"value":"x"}]')" '*' \
    'annotations\[0\].timestamp: missing' -- $F --zipkin -
# Deep nesting: a span whose values nest past 63 levels is refused, so
# that what is kept stays within the args column's 64 once wrapped.
deep() { python3 -c 'import sys; n = int(sys.argv[1]); print("[" * n + "]" * n)' "$1"; }
t "span-fetch --zipkin: a tag nested 61 deep goes through the pipe" 0 "$(bz ",\"tags\":{\"d\":$(deep 61)}")" '*' '' -- \
    sh -c "$F --zipkin - 2>/dev/null | $AM | $E -o /dev/null"
t "span-fetch --zipkin: a tag nested 62 deep" 65 "$(bz ",\"tags\":{\"d\":$(deep 62)}")" '*' \
    '<stdin>:1:[0-9]+: byte [0-9]+: JSON nested more than 63 levels deep' -- $F --zipkin -
t "span-fetch --jaeger: a tag nested 100 deep" 65 "$(bj ",\"tags\":[{\"key\":\"d\",\"value\":$(deep 100)}]" 1 1)" '*' \
    'JSON nested more than 63 levels deep' -- $F --jaeger -
t "span-fetch --zipkin: 100000 levels of arrays" 65 "$(deep 100000)" '*' \
    '<stdin>:1:66: byte 65: JSON nested more than 63 levels deep' -- $F --zipkin -
# A gzip bomb: 80 MiB of blanks in 80 KiB, refused once past 64 MiB.
python3 -c '
import sys, zlib
c = zlib.compressobj(9, zlib.DEFLATED, 31)
out = [c.compress(b"[")] + [c.compress(b" " * (1 << 20)) for _ in range(80)]
sys.stdout.buffer.write(b"".join(out) + c.flush())' >"$T/bomb.gz"
t "span-fetch --zipkin: a gzip bomb" 65 '' '*' 'bomb.gz: gzip data inflates to more than [0-9]+ times its size .*: refused as a gzip bomb' -- $F --zipkin "$T/bomb.gz"
t "span-fetch --jaeger: a gzip bomb" 65 '' '*' 'bomb.gz: gzip data inflates to more than [0-9]+ times its size .*: refused as a gzip bomb' -- $F --jaeger "$T/bomb.gz"
printf '[{"traceId":"a","id":"1","timestamp":1,"duration":1}]' | gzip | head -c 30 >"$T/cut.gz"
t "span-fetch --zipkin: gzip cut short" 65 '' '*' 'cut.gz: byte 30: gzip data cut short' -- $F --zipkin "$T/cut.gz"
# Many spans with one id (all kept, their async ids made unique), and a
# span that is its own parent; in bounded memory.
python3 -c '
import sys
n = int(sys.argv[1])
sys.stdout.write("[" + ",".join("{\"traceId\":\"a\",\"id\":\"1\",\"parentId\":\"1\",\"name\":\"s\",\"timestamp\":%d,\"duration\":5,\"localEndpoint\":{\"serviceName\":\"x\"}}" % (1700000000000000 + i) for i in range(n)) + "]")' 100000 >"$T/oneid.json"
t "span-fetch --zipkin: 100000 spans with one id" 0 '' '*' 'zipkin: 99999 spans that share a span id' -- \
    sh -c "$F --zipkin \"$T/oneid.json\" | $AM -k | $E -o /dev/null"
bi_rss "span-fetch --zipkin: 100000 spans with one id in bounded memory" 150000 $F --zipkin "$T/oneid.json"

# --- options in: span-gen (it reads nothing else) -----------------------------

t "span-gen: --spans beyond int64" 64 '' '' "span-gen: --spans: '9223372036854775808' is out of the int64 range" -- $G --spans 9223372036854775808
t "span-gen: --processes 0" 64 '' '' "span-gen: --processes: '0' is out of range" -- $G --processes 0
t "span-gen: --threads negative" 64 '' '' "span-gen: --threads: '-1' is out of range" -- $G --threads -1
t "span-gen: --seed not a number" 64 '' '' "span-gen: --seed: 'x' is not an integer" -- $G --seed x
t "span-gen: --start-time beyond int64" 64 '' '' "span-gen: --start-time: '99999999999999999999' is out of the int64" -- $G --start-time 99999999999999999999
t "span-gen: --db a directory" 73 '' '' "span-gen: $T: the file exists" -- $G --db "$T" --spans 1

# --- OTLP in: span-fetch --otlp ------------------------------------------------

# ospan ID START END: one span in one OTLP/JSON line.
ospan() {
	printf '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"%s","name":"op","startTimeUnixNano":%s,"endTimeUnixNano":%s}]}]}]}\n' "$1" "$2" "$3"
}
printf '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0a' >"$T/o-trunc.json"
t "span-fetch --otlp: truncated JSON" 65 '' "$H" 'o-trunc.json:1:[0-9]+: byte [0-9]+: unexpected end of the input inside a JSON value' -- $F --otlp "$T/o-trunc.json"
{ ospan 00f067aa0ba902b7 '"100"' '"200"'; printf '{"resourceSpans": nope}\n'; ospan 00f067aa0ba902b8 '"300"' '"400"'; } >"$T/o-mid.json"
t "span-fetch --otlp -k: a bad line skipped, the rest kept" 65 '' '*' 'o-mid.json:2:[0-9]+: byte [0-9]+: ' -- $F -k --otlp "$T/o-mid.json"
[ "$(grep -c '^async_begin' "$T/out")" = 2 ] && pass "span-fetch --otlp -k: both good spans written" || fail "span-fetch --otlp -k: both good spans written" "$(cat "$T/out")"
printf '{"resourceSpans":[{"scopeSpans":[{"spans":"many"}]}]}\n' >"$T/o-type.json"
t "span-fetch --otlp: spans not an array" 65 '' "$H" 'o-type.json:1:1: resource 0, scopeSpans 0: spans: expected an array, found string' -- $F --otlp "$T/o-type.json"
ospan 00f067aa0ba902b7 true '"200"' >"$T/o-ttype.json"
t "span-fetch --otlp: a time of the wrong type" 65 '' "$H" 'startTimeUnixNano: expected a decimal string or an integer, found boolean' -- $F --otlp "$T/o-ttype.json"
ospan 00f067aa0ba902b7f '"100"' '"200"' >"$T/o-odd.json"
t "span-fetch --otlp: a span id of 17 digits" 65 '' "$H" "spanId: '00f067aa0ba902b7f' is not a 8-byte id in hex \(at most 16 digits\) or base64" -- $F --otlp "$T/o-odd.json"
ospan f067aa0ba902b7 '"100"' '"200"' >"$T/o-short.json"
t "span-fetch --otlp: a span id of 14 digits is left-padded" 0 '' '*' '1 spans,' -- $F --otlp "$T/o-short.json"
ospan 00f067aa0ba902zz '"100"' '"200"' >"$T/o-nothex.json"
t "span-fetch --otlp: a span id that is not hex" 65 '' "$H" "spanId: '00f067aa0ba902zz' is not" -- $F --otlp "$T/o-nothex.json"
ospan 00f067aa0ba902b7 '"99999999999999999999"' '"1"' >"$T/o-range.json"
t "span-fetch --otlp: a time beyond uint64" 65 '' "$H" "startTimeUnixNano: '99999999999999999999' is out of range \(above 18446744073709551615\)" -- $F --otlp "$T/o-range.json"
ospan 00f067aa0ba902b7 '"9300000000000000000"' '"9300000000000000001"' >"$T/o-2262.json"
t "span-fetch --otlp: a time after 2262" 65 '' "$H" "is out of range \(after the year 2262\)" -- $F --otlp "$T/o-2262.json"
ospan 00f067aa0ba902b7 -5 '"1"' >"$T/o-neg.json"
t "span-fetch --otlp: a negative time" 65 '' "$H" "startTimeUnixNano: '-5' is negative" -- $F --otlp "$T/o-neg.json"
ospan 00f067aa0ba902b7 '"200"' '"100"' >"$T/o-back.json"
t "span-fetch --otlp: end before start" 65 '' "$H" "o-back.json:1:1: span 'op': end time 100 is before its start 200" -- $F --otlp "$T/o-back.json"
t "span-fetch --otlp -k: end before start skipped, counted" 65 '' "$H" '1 spans skipped as bad' -- $F -k --otlp "$T/o-back.json"
# deep nesting: 100 kvlist levels is JSON 400 deep, beyond the tokener's
# 200; 40 levels parse but pass the 32 attribute levels allowed
python3 -c '
import sys
n = int(sys.argv[1])
v = "{\"stringValue\":\"x\"}"
for i in range(n):
    v = "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":%s}]}}" % v
print("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"1\",\"spanId\":\"2\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[{\"key\":\"a\",\"value\":%s}]}]}]}]}" % v)' 100 >"$T/o-deep100.json"
t "span-fetch --otlp: JSON nested 400 deep" 65 '' "$H" 'o-deep100.json:1:[0-9]+: byte [0-9]+: JSON nested too deeply' -- $F --otlp "$T/o-deep100.json"
sed 's/kvlistValue/kvlistValue/' "$T/o-deep100.json" | python3 -c '
import sys
n = 40
v = "{\"stringValue\":\"x\"}"
for i in range(n):
    v = "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":%s}]}}" % v
print("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"1\",\"spanId\":\"2\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[{\"key\":\"a\",\"value\":%s}]}]}]}]}" % v)' >"$T/o-deep40.json"
t "span-fetch --otlp: attributes nested 40 deep" 65 '' "$H" 'attribute value nested more than 32 levels deep' -- $F --otlp "$T/o-deep40.json"
# a million spans with one id, overlapping: all kept, renamed, in bounded
# time; identical ones dropped as duplicates
python3 -c '
import sys
w = sys.stdout.write
for i in range(0, 1000000, 10000):
    w("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[")
    w(",".join("{\"traceId\":\"1\",\"spanId\":\"2\",\"name\":\"s\",\"startTimeUnixNano\":\"%d\",\"endTimeUnixNano\":\"%d\"}" % (1000 + j * 10, 1025 + j * 10) for j in range(i, i + 10000)))
    w("]}]}]}\n")' >"$T/o-oneid.json"
t "span-fetch --otlp: a million spans with one id" 0 '' '*' '999999 spans that share a span id' -- timeout 600 $F --otlp "$T/o-oneid.json"
$AM "$T/out" >/dev/null 2>"$T/am.err" && pass "span-fetch --otlp: a million spans with one id: async-match takes them" || fail "span-fetch --otlp: a million spans with one id: async-match takes them" "$(head -3 "$T/am.err")"
python3 -c '
import sys
line = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[" + ",".join(["{\"traceId\":\"1\",\"spanId\":\"2\",\"name\":\"s\",\"startTimeUnixNano\":\"5\",\"endTimeUnixNano\":\"9\"}"] * 10000) + "]}]}]}\n"
sys.stdout.write(line * 100)' >"$T/o-dup.json"
t "span-fetch --otlp: a million copies of one span: one kept" 0 '' '*' '999999 duplicate spans dropped' -- timeout 600 $F --otlp "$T/o-dup.json"
bi_rss "span-fetch --otlp: a million spans with one id in under 300 MB" 300000 $F --otlp "$T/o-oneid.json"
# one JSON value past the 64 MiB bound: refused, not held
python3 -c '
import sys
sys.stdout.write("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[")
sys.stdout.write(",".join(["{\"traceId\":\"1\",\"spanId\":\"2\",\"name\":\"%s\",\"startTimeUnixNano\":\"5\",\"endTimeUnixNano\":\"9\"}" % ("x" * 1000)] * 70000))
sys.stdout.write("]}]}]}\n")' >"$T/o-huge.json"
t "span-fetch --otlp: one JSON value over 64 MiB" 65 '' "$H" 'a JSON value of more than 64 MiB \(it starts at line 1\): write it as JSON lines' -- $F --otlp "$T/o-huge.json"
# gzip bombs: zeros are not JSON at the first byte; 1 GB of spaces is
# (100 MB here) is refused past 64 MiB by its ratio
head -c 10000000 /dev/zero | gzip -1 >"$T/oz10m.gz"
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$T/oz10m.gz" "$T/oz10m.gz" "$T/oz10m.gz" "$T/oz10m.gz" "$T/oz10m.gz" "$T/oz10m.gz" "$T/oz10m.gz" "$T/oz10m.gz" "$T/oz10m.gz" "$T/oz10m.gz"; done >"$T/obomb.gz"
t "span-fetch --otlp: gzip bomb of zeros" 65 '' "$H" 'obomb.gz:1:1: this is not OTLP/JSON or OTLP protobuf' -- timeout 60 $F --otlp "$T/obomb.gz"
head -c 100000000 /dev/zero | tr '\0' ' ' | gzip -9 >"$T/ospaces.gz"
t "span-fetch --otlp: gzip bomb of spaces" 65 '' "$H" 'ospaces.gz: gzip data inflates to more than 250 times its size' -- timeout 60 $F --otlp "$T/ospaces.gz"
bi_rss "span-fetch --otlp: gzip bomb of spaces in under 64 MB" 64000 $F --otlp "$T/ospaces.gz"
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$T/o-oneid.json"; done | head -c 20000000 | gzip -1 | head -c 300000 >"$T/ocut.gz"
t "span-fetch --otlp: gzip cut short" 65 '' '*' 'ocut.gz: byte [0-9]+: gzip data cut short' -- $F --otlp "$T/ocut.gz"
# protobuf: cut short, a frame longer than the file, a nesting bomb
printf '\012\200\001abc' >"$T/o-pbcut.pb"
t "span-fetch --otlp: protobuf cut short" 65 '' "$H" 'o-pbcut.pb:1:1: byte 0: the input ends inside a field: 3 of 128 bytes' -- $F --otlp "$T/o-pbcut.pb"
printf '\000\000\020\000\012\001x' >"$T/o-frame.pb"
t "span-fetch --otlp: proto frame longer than the file" 65 '' "$H" 'o-frame.pb:1:1: byte 0: message 1 is cut short: 3 of 4096 bytes' -- $F --otlp "$T/o-frame.pb"
python3 -c '
import sys
def ld(f, b):
    n, v = len(b), b""
    while True:
        if n < 128:
            v += bytes([n]); break
        v += bytes([n & 127 | 128]); n >>= 7
    return bytes([f << 3 | 2]) + v + b
v = ld(1, b"x")
for i in range(2000):
    v = ld(6, ld(1, ld(2, v)))
sys.stdout.buffer.write(ld(1, ld(2, ld(2, ld(9, ld(2, v))))))' >"$T/o-pbdeep.pb"
t "span-fetch --otlp: protobuf nested 6000 deep" 65 '' "$H" 'ResourceSpans nested more than 108 levels deep' -- $F --otlp "$T/o-pbdeep.pb"
printf '\012\003\012\001\377' >"$T/o-pbbad.pb"
t "span-fetch --otlp: protobuf that is not a ResourceSpans" 65 '' "$H" 'o-pbbad.pb:1:3: byte 2: 3 bytes that are not an OTLP ResourceSpans message' -- $F --otlp "$T/o-pbbad.pb"

# --- every input fuzzing found, through every tool that reads it ----------------

for f in tests/fuzz/regress/*; do
	case $f in
	*.pftrace) set -- perfetto-inspect --records ;;
	*.otlp | */otlp-*) set -- span-fetch "-k --otlp" ;;
	*/jzip-*) set -- span-fetch "-k --jaeger" span-fetch "-k --zipkin" ;;
	*) set -- async-match -k perfetto-encode -k ;;
	esac
	while [ $# -gt 0 ]; do
		"$BIN/$1" $2 "$f" >/dev/null 2>"$T/regress.err"
		st=$?
		[ $st = 0 ] || [ $st = 1 ] || [ $st = 65 ] &&
			pass "fuzz regression: $1 $(basename "$f")" ||
			fail "fuzz regression: $1 $(basename "$f")" "exit status $st" "$(head -c 400 "$T/regress.err")"
		shift 2
	done
	case $f in
	*.csv)
		$E -k "$f" 2>/dev/null >"$T/regress.pftrace"
		check "fuzz regression: perfetto-encode $(basename "$f") writes a valid trace" $PI -q "$T/regress.pftrace"
		tp_check "fuzz regression: perfetto-encode $(basename "$f")" "$T/regress.pftrace" ;;
	esac
done
