# perfetto-encode: options, the demo, nesting, bad input, output faults.
E=$BIN/perfetto-encode
H=kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,line,value,flows,flows_end,args
S=kind,ts,dur,pid,tid,name,args

t "encode: --help" 0 '' '*' '' -- $E --help
grep -q '^usage: perfetto-encode' "$T/out" && pass "encode: --help shows usage" || fail "encode: --help shows usage"
t "encode: --version" 0 '' "perfetto-encode (spanpipe) $(sed -n 's/^VERSION = //p' config.mk)" '' -- $E --version
t "encode: unknown option" 64 '' '' 'usage: perfetto-encode' -- $E --bogus
t "encode: missing file" 66 '' '' 'perfetto-encode: nope.csv: No such file' -- $E nope.csv

# The demo records: field numbers and every slice, read independently.
t "encode: demo" 0 '' '*' '' -- $E -o "$T/demo.pftrace" tests/data/demo.csv
if need_shared "encode: demo field numbers match perfetto-fields.md"; then
	check "encode: demo field numbers match perfetto-fields.md" \
		python3 tests/fieldcheck.py "$SHARED/perfetto-fields.md" "$T/demo.pftrace"
fi
check "encode: demo slices decode exactly" python3 tests/replay.py tests/data/demo.csv "$T/demo.pftrace"
tp_check "encode: demo slices decode exactly" "$T/demo.pftrace" tests/data/demo.csv
$E --absolute-ts tests/data/demo.csv >"$T/abs.pftrace"
check "encode: demo slices decode exactly, absolute ts" python3 tests/replay.py tests/data/demo.csv "$T/abs.pftrace"
tp_check "encode: demo slices decode exactly, absolute ts" "$T/abs.pftrace" tests/data/demo.csv
$E tests/data/demo.csv >"$T/again.pftrace"
same "encode: same input, byte-identical output" "$T/demo.pftrace" "$T/again.pftrace"
if protoc --decode_raw <"$T/demo.pftrace" >"$T/raw.txt" 2>&1; then
	for want in '"render-server"' '"host=build-07"' '"heap bytes"' '"queue depth"' '"deploy finished"' '"w"' '47: 0x'; do
		grep -q -- "$want" "$T/raw.txt" && pass "encode: demo holds $want" || fail "encode: demo holds $want"
	done
else
	fail "encode: protoc --decode_raw reads the demo" "$(head -3 "$T/raw.txt")"
fi

# Every record file of tests/data, as the importer reads its trace.
for f in tests/data/*.csv; do
	"$BIN/async-match" "$f" >"$T/data.csv"
	$E "$T/data.csv" >"$T/data.pftrace"
	tp_check "encode: $f" "$T/data.pftrace" "$T/data.csv"
done

# Nesting: random trees with equal timestamps in random input order.
for seed in 1 2 3 4 5 6; do
	python3 tests/gen_nested.py $seed 400 >"$T/n.csv"
	$E "$T/n.csv" >"$T/n.pftrace"
	check "encode: random nesting, seed $seed" python3 tests/replay.py "$T/n.csv" "$T/n.pftrace"
	tp_check "encode: random nesting, seed $seed" "$T/n.pftrace" "$T/n.csv"
done
printf '%s\n' $S 'slice,10,5,1,1,child,' 'slice,10,20,1,1,parent,' 'slice,10,0,1,1,zero,' \
	'instant,30,,1,1,at-parent-end,' 'slice,30,0,1,1,zero-at-end,' >"$T/eq.csv"
$E "$T/eq.csv" >"$T/eq.pftrace"
check "encode: children listed before parents at equal ts" python3 tests/replay.py "$T/eq.csv" "$T/eq.pftrace"
tp_check "encode: children listed before parents at equal ts" "$T/eq.pftrace" "$T/eq.csv"
printf '%s\n' $S 'begin,10,,1,1,outer,' 'slice,10,5,1,1,inner,' 'end,15,,1,1,,' 'begin,15,,1,1,next,' 'end,15,,1,1,,' >"$T/be.csv"
$E "$T/be.csv" >"$T/be.pftrace"
check "encode: begin/end records with slices at equal ts" python3 tests/replay.py "$T/be.csv" "$T/be.pftrace"
tp_check "encode: begin/end records with slices at equal ts" "$T/be.pftrace" "$T/be.csv"
printf '%s\n' $S 'slice,100,10,1,1,a,' 'slice,50,10,1,1,b,' 'slice,70,5,1,1,c,' >"$T/uns.csv"
t "encode: unsorted input warns" 0 '' '*' 'not sorted by ts' -- $E -o "$T/uns.pftrace" "$T/uns.csv"
check "encode: unsorted input loses no record" python3 tests/replay.py "$T/uns.csv" "$T/uns.pftrace"
printf 'slice,5,3,1,1,,,,,nohdr\n' >"$T/nohdr.csv"
$E "$T/nohdr.csv" >"$T/nohdr.pftrace"
check "encode: records without a header, canonical columns" python3 tests/replay.py "$T/nohdr.csv" "$T/nohdr.pftrace"
tp_check "encode: records without a header, canonical columns" "$T/nohdr.pftrace" "$T/nohdr.csv"
printf '%s\n' $S 'slice,1,1,1,1,a,' >"$T/m1.csv"
printf '%s\n' $S 'slice,5,1,1,1,b,' >"$T/m2.csv"
$E "$T/m1.csv" "$T/m2.csv" >"$T/m.pftrace"
cat "$T/m1.csv" "$T/m2.csv" | grep -v ^kind | sed "1i $S" >"$T/m.csv"
check "encode: several files in turn" python3 tests/replay.py "$T/m.csv" "$T/m.pftrace"
tp_check "encode: several files in turn" "$T/m.pftrace" "$T/m.csv"

# JSON null in args, at any depth, is left out as Perfetto's importer
# leaves it out of JSON args (a null annotation value makes it abort).
printf '%s\n' $S 'slice,1000,500,1,1,x,"{""a"":null}"' \
	'slice,2000,500,1,1,y,"{""a"":[1,null,{""b"":null,""c"":2}],""d"":{""e"":null},""f"":[null]}"' >"$T/null.csv"
$E "$T/null.csv" >"$T/null.pftrace"
tp_check "encode: null args" "$T/null.pftrace" "$T/null.csv"
if tp_have; then
	tp_query "$T/null.pftrace" "select key, display_value from args
	    where arg_set_id in (select arg_set_id from slice) order by key;" >"$T/null.args"
	[ "$(tr -d '"' <"$T/null.args" | tr '\n' ' ')" = 'key,display_value debug.a[0],1 debug.a[1].c,2 ' ] &&
		pass "encode: null args left out, array indices as the importer's" ||
		fail "encode: null args left out, array indices as the importer's" "$(cat "$T/null.args")"
fi

# Interning stays bounded: more distinct names than the tables hold (16384).
awk 'BEGIN { print "kind,ts,dur,pid,tid,name"; for (i = 0; i < 70000; i++) printf "slice,%d,5,1,1,name-%d\n", 1000 + i * 10, i }' >"$T/w3.csv"
$E "$T/w3.csv" >"$T/w3.pftrace"
check "encode: 70000 distinct names across an interning reset" python3 tests/replay.py "$T/w3.csv" "$T/w3.pftrace"
tp_check "encode: 70000 distinct names across an interning reset" "$T/w3.pftrace" "$T/w3.csv"

# Bad input: one test per fault; message names file, line, column, field.
bad() { # NAME STDIN ERRPAT
	t "encode: $1" 65 "$2" '*' "$3" -- $E
}
bad "unknown kind" "$S
slise,1,1,1,1,x," '^perfetto-encode: <stdin>:2:1: kind: .slise. is not a record kind'
bad "non-numeric ts" "$S
slice,abc,1,1,1,x," '^perfetto-encode: <stdin>:2:7: ts: .abc. is not an integer'
bad "ts beyond int64" "$S
slice,9223372036854775808,1,1,1,x," '<stdin>:2:7: ts: .* out of the int64 range'
bad "negative ts" "$S
slice,-5,1,1,1,x," '<stdin>:2:7: ts: -5 is negative'
bad "missing dur" "$S
slice,5,,1,1,x," '<stdin>:2:9: dur: missing'
bad "negative dur" "$S
slice,5,-1,1,1,x," '<stdin>:2:9: dur: -1 is negative'
bad "dur past int64" "$S
slice,5,9223372036854775807,1,1,x," 'dur: ts \+ dur is past the int64 range'
bad "bad JSON in args" "$S
slice,5,1,1,1,x,\"{\"\"a\"\":}\"" '<stdin>:2:17: args: unexpected character \(at byte 6 of the JSON\)'
bad "args not an object" "$S
slice,5,1,1,1,x,[1]" 'args: not a JSON object'
bad "deeply nested args" "$S
slice,5,1,1,1,x,\"$(awk 'BEGIN{for(i=0;i<100000;i++)printf "[";}')\"" 'args: JSON nested too deeply'
bad "end with nothing open" "$S
end,5,,1,1,," '<stdin>:2:5: ts: an end with no slice open'
bad "unterminated quote" "$S
slice,5,1,1,1,\"x," '<stdin>:2: unterminated quoted field'
bad "text after a closing quote" "$S
slice,5,1,1,1,\"x\"y," '<stdin>:2: malformed quoting'
bad "too many fields" "$S
slice,5,1,1,1,x,,extra" '<stdin>:2: 8 fields, but the header has 7 columns'
bad "duplicate header column" "kind,ts,ts
slice,1,1" '<stdin>:1: header names column .ts. twice'
bad "tid without pid" "$S
slice,5,1,,1,x," '<stdin>:2:11: pid: missing \(a tid needs its pid\)'
bad "slice without a place" "$S
slice,5,1,,,x," 'track: missing \(an event needs a track, a tid or a pid\)'
bad "raw async events" "$S
async_begin,5,,1,1,x," 'pair async events into async spans with async-match'
bad "crossing slices" "$S
slice,10,10,1,1,a,
slice,15,10,1,1,b," '<stdin>:3: dur: the slice \[15, 25\) crosses the end \(20\) of the slice from line 2'
bad "counter value not a number" "kind,ts,pid,name,value
counter,5,1,c,lots" 'value: .lots. is not a number'
bad "bad flow list field" "kind,ts,dur,pid,tid,name,line
slice,5,1,1,1,x,-3" 'line: .-3. is not an unsigned integer'
printf '%s\nslice,5,1,1,1,"%s",\n' $S "$(head -c 17000000 /dev/zero | tr '\0' a)" >"$T/long.csv"
t "encode: over-long field" 65 '' '*' 'field longer than 16 MiB' -- $E "$T/long.csv"
printf '%s\nslice,5,1,1,1,a\000b,\n' $S >"$T/nul.csv"
t "encode: NUL byte" 65 '' '*' 'nul.csv:2:15: name: a NUL byte \(byte 2 of the field\)' -- $E "$T/nul.csv"

# A strict stop leaves a valid trace of every record before the bad one.
printf '%s\n' $S 'slice,10,30,1,1,outer,' 'slice,12,3,1,1,inner,' 'slice,20,zz,1,1,bad,' 'slice,50,1,1,1,after,' >"$T/stop.csv"
t "encode: strict stop" 65 '' '*' ':4:10: dur:' -- sh -c "$E '$T/stop.csv' >'$T/stop.pftrace'"
head -3 "$T/stop.csv" >"$T/stop-good.csv"
check "encode: strict stop leaves the records before it" python3 tests/replay.py "$T/stop-good.csv" "$T/stop.pftrace"
tp_check "encode: strict stop leaves the records before it" "$T/stop.pftrace" "$T/stop-good.csv"
t "encode: -k skips and counts" 65 '' '*' '1 bad record skipped' -- sh -c "$E -k '$T/stop.csv' >'$T/k.pftrace'"
t "encode: -o on a bad input" 65 '' '' 'perfetto-encode: .*stop.csv:4:10: dur:' -- $E -o "$T/never.pftrace" "$T/stop.csv"
ls "$T" | grep -q never && fail "encode: -o leaves no file behind a failed run" "$(ls "$T")" || pass "encode: -o leaves no file behind a failed run"
cp tests/data/demo.csv "$T/old.pftrace"
$E -o "$T/old.pftrace" "$T/stop.csv" 2>/dev/null
same "encode: -o keeps the old file when a run fails" tests/data/demo.csv "$T/old.pftrace"
grep -v ',bad,' "$T/stop.csv" >"$T/k-good.csv"
check "encode: -k keeps every good record" python3 tests/replay.py "$T/k-good.csv" "$T/k.pftrace"
tp_check "encode: -k keeps every good record" "$T/k.pftrace" "$T/k-good.csv"
awk -v h=$S 'BEGIN { print h; for (i = 0; i < 15; i++) printf "slice,x%d,1,1,1,n,\n", i }' >"$T/many.csv"
$E -k "$T/many.csv" >/dev/null 2>"$T/many.err"
[ "$(grep -c 'ts: ' "$T/many.err")" = 10 ] && grep -q 'further errors in column ts are not shown' "$T/many.err" &&
	grep -q '15 bad records skipped' "$T/many.err" && pass "encode: -k caps repeated messages" ||
	fail "encode: -k caps repeated messages" "$(cat "$T/many.err")"

# Output faults: a full disk, a reader that goes away.
t "encode: /dev/full" 74 '' '' 'perfetto-encode: <stdout>: write error: No space left on device' \
	-- sh -c "$E tests/data/demo.csv >/dev/full"
awk 'BEGIN { print "kind,ts,dur,pid,tid,name"; for (i = 0; i < 200000; i++) printf "slice,%d,5,1,1,n%d\n", 1000 + i * 10, i % 7 }' >"$T/big.csv"
( $E "$T/big.csv"; echo "status $?" >"$T/pipe.status" ) 2>"$T/pipe.err" | head -c 100 >/dev/null
grep -q 'status 141' "$T/pipe.status" && [ ! -s "$T/pipe.err" ] &&
	pass "encode: closed pipe ends the run quietly, status 141" || fail "encode: closed pipe" "$(cat "$T/pipe.status" "$T/pipe.err")"
if command -v script >/dev/null 2>&1; then
	script -qec "$E tests/data/demo.csv" /dev/null >"$T/tty.out" 2>&1
	grep -q 'refusing to write a binary trace to a terminal' "$T/tty.out" &&
		pass "encode: refuses a terminal" || fail "encode: refuses a terminal" "$(cat "$T/tty.out")"
else
	skip "encode: refuses a terminal" "script(1) is not here"
fi
printf '%s\nslice,5,1,1,1,caf\351,\n' $S >"$T/latin1.csv"
t "encode: invalid UTF-8" 65 '' '*' 'latin1.csv:2:15: name: not valid UTF-8 \(byte 4 of the field\)' -- $E "$T/latin1.csv"
printf '%s\nslice,5,1,1,1,caf\303\251 \342\234\223,\n' $S >"$T/utf8.csv"
$E "$T/utf8.csv" >"$T/utf8.pftrace"
check "encode: UTF-8 names kept" python3 tests/replay.py "$T/utf8.csv" "$T/utf8.pftrace"
tp_check "encode: UTF-8 names kept" "$T/utf8.pftrace" "$T/utf8.csv"

# Progress: silent by default off a terminal, forced with --progress,
# drawn in place and erased on a terminal (under script(1)'s pty).
awk 'BEGIN { print "kind,ts,dur,pid,tid,name"; for (i = 0; i < 20000; i++) printf "slice,%d,5,1,1,n\n", 1000 + i * 10 }' >"$T/prog.csv"
t "encode: no progress off a terminal" 0 '' '*' '' -- sh -c "$E '$T/prog.csv' >/dev/null"
SPANPIPE_PROGRESS_INTERVAL=0 $E --progress "$T/prog.csv" 2>"$T/prog.err" >/dev/null
grep -Eq '^perfetto-encode: [0-9.]+k? records, [0-9.]+ [kM]?B, .*%, .* left$' "$T/prog.err" &&
	pass "encode: --progress writes lines" || fail "encode: --progress writes lines" "$(head -3 "$T/prog.err")"
t "encode: --no-progress" 0 '' '*' '' -- sh -c "SPANPIPE_PROGRESS_INTERVAL=0 $E --no-progress '$T/prog.csv' >/dev/null"
if command -v script >/dev/null 2>&1; then
	SPANPIPE_PROGRESS_INTERVAL=0 script -qec "$E -o '$T/prog.pftrace' '$T/prog.csv'" /dev/null >"$T/tty.txt" 2>&1
	if grep -q "$(printf '\r')perfetto-encode: .* records" "$T/tty.txt" &&
	    tail -c 8 "$T/tty.txt" | grep -q "$(printf '\r\033')\[K"; then
		pass "encode: progress drawn in place and erased on a terminal"
	else
		fail "encode: progress drawn in place and erased on a terminal" "$(cat -v "$T/tty.txt" | head -c 300)"
	fi
	SPANPIPE_PROGRESS_INTERVAL=0 script -qec "$E '$T/prog.csv' | cat >/dev/null" /dev/null >"$T/tty2.txt" 2>&1
	grep -q records "$T/tty2.txt" && fail "encode: no progress with stdout a pipe" "$(cat -v "$T/tty2.txt" | head -c 200)" ||
		pass "encode: no progress with stdout a pipe"
fi

# -o onto a FIFO or a device writes into it: a file renamed over it
# would replace it (as it once replaced /dev/null).
mkfifo "$T/out.fifo"
timeout 20 cat "$T/out.fifo" >"$T/fifo.pftrace" &
$E -o "$T/out.fifo" "$T/utf8.csv"
st=$?
wait
$E "$T/utf8.csv" >"$T/direct.pftrace"
if [ "$st" = 0 ] && [ -p "$T/out.fifo" ] && cmp -s "$T/fifo.pftrace" "$T/direct.pftrace"; then
	pass "encode: -o FIFO written in place"
else
	fail "encode: -o FIFO written in place" "exit $st; $(ls -l "$T/out.fifo")"
fi
if mknod "$T/null" c 1 3 2>/dev/null; then
	t "encode: -o a device" 0 '' '' '' -- $E -o "$T/null" "$T/utf8.csv"
	[ -c "$T/null" ] && pass "encode: the device is still one" ||
		fail "encode: the device is still one" "$(ls -l "$T/null")"
else
	skip "encode: -o a device" "mknod needs root"
fi
t "encode: -o a directory" 73 '' '' "perfetto-encode: $T: Is a directory" -- $E -o "$T" "$T/utf8.csv"
