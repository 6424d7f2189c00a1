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

# --- options in: span-gen (it reads nothing else) -----------------------------

t "span-gen: --spans beyond int64" 64 '' '' "span-gen: --spans: '9223372036854775808' is out of the int64 range" -- $G --spans 9223372036854775808
t "span-gen: --processes 0" 64 '' '' "span-gen: --processes: '0' is out of range" -- $G --processes 0
t "span-gen: --threads negative" 64 '' '' "span-gen: --threads: '-1' is out of range" -- $G --threads -1
t "span-gen: --seed not a number" 64 '' '' "span-gen: --seed: 'x' is not an integer" -- $G --seed x
t "span-gen: --start-time beyond int64" 64 '' '' "span-gen: --start-time: '99999999999999999999' is out of the int64" -- $G --start-time 99999999999999999999
t "span-gen: --db a directory" 73 '' '' "span-gen: $T: the file exists" -- $G --db "$T" --spans 1

# --- every input fuzzing found, through every tool that reads it ----------------

for f in tests/fuzz/regress/*; do
	case $f in
	*.pftrace) set -- perfetto-inspect --records ;;
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
