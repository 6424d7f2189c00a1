# perfetto-inspect: each check against a trace built to break it
# (tests/tracegen.py writes them byte by byte), the output modes and exit
# statuses, hostile bytes, the corpus, and round trips through
# perfetto-encode.
PI=$BIN/perfetto-inspect
PE=$BIN/perfetto-encode
GEN="python3 $TESTS/tracegen.py"

gen() {
	[ -f "$T/$1.pftrace" ] || $GEN "$1" >"$T/$1.pftrace"
}
$GEN -o "$T"

# expect TRACE STATUS ROW...: `--csv TRACE` exits STATUS and has every
# ROW (section,what,count).
expect() {
	trace=$1 want=$2
	shift 2
	gen "$trace"
	"$PI" --csv "$T/$trace.pftrace" >"$T/csv" 2>"$T/err"
	got=$?
	if [ "$got" != "$want" ]; then
		fail "inspect: $trace" "exit status $got, expected $want" \
		    "$(grep -E ',(error|warning),' "$T/csv")"
		return
	fi
	for row in "$@"; do
		if ! grep -Fqx "$T/$trace.pftrace,$row" "$T/csv"; then
			fail "inspect: $trace" "no row $row in:" \
			    "$(grep -Ev ',0$' "$T/csv" | sed "s|$T/||")"
			return
		fi
	done
	pass "inspect: $trace"
}

t "inspect: --help" 0 '' '*' '' -- "$PI" --help
t "inspect: --csv and --records together" 64 '' '' '^usage: perfetto-inspect' -- "$PI" --csv --records
t "inspect: missing file" 66 '' '' 'perfetto-inspect: nope.pftrace: No such file' -- "$PI" nope.pftrace

# A valid trace, every figure.
expect ok 0 summary,packets,10 summary,sequences,3 payload,track_event,7 \
    payload,track_descriptor,3 tracks,process,1 tracks,thread,1 \
    tracks,counter,1 track_events,slice_begin,2 track_events,slice_end,2 \
    track_events,instant,1 track_events,counter,2 track_events,flow_ids,2 \
    track_events,debug_annotations,1 interned,event_names,1 \
    interned,event_categories,1 imported,slices,3 imported,counter_values,2 \
    imported,flows,1 verdict,errors,0 verdict,warnings,0

# Framing.
expect top-field 1 error,top_level_field,1 summary,packets,10
expect truncated 1 error,truncated,1 summary,packets,10
expect huge-length 1 error,truncated,1 summary,packets,10
expect bad-wire 1 error,bad_framing,1
expect long-varint 1 error,bad_framing,1
expect bad-packet 1 error,packet_does_not_decode,1
expect wrong-wire-type 1 error,packet_does_not_decode,1
expect deep-annotation 0 warning,annotation_too_deep,1 imported,slices,1
gen truncated
t "inspect: truncation says where and after what" 1 '' '*' '' -- "$PI" "$T/truncated.pftrace"
grep -q '^error: packet 11 at byte 239: truncated: a field of 17 bytes has only 14 left, after 10 whole packets$' "$T/out" &&
	pass "inspect: truncation message" || fail "inspect: truncation message" "$(grep error "$T/out")"
gen huge-length
"$PI" "$T/huge-length.pftrace" | grep -q 'a field of 9223372036854775808 bytes has only 16 left' &&
	pass "inspect: a length of 2^63 is reported, not trusted" || fail "inspect: a length of 2^63 is reported, not trusted"

# Incremental state.
expect iid-unknown 1 error,iid_not_interned,1
expect iid-after-clear 1 error,iid_not_interned,1
expect iid-other-sequence 1 error,iid_not_interned,1
expect iid-annotation 1 error,iid_not_interned,1
expect needs-before-clear 0 warning,needs_state_before_clear,2 imported,slices,1
expect after-loss 0 warning,dropped_after_loss,1 imported,slices,2
expect no-sequence-id 1 error,no_sequence_id,1
expect clock-undefined 1 error,clock_undefined,1
expect overflow 1 error,negative_timestamp,2 imported,slices,2 verdict,warnings,0

# Tracks.
expect undeclared-track 1 error,track_undeclared,1
expect undeclared-default 1 error,track_undeclared,1
expect parent-undeclared 1 error,parent_undeclared,1
expect uuid-conflict 1 error,track_conflict,1
expect uuid-same-twice 0 verdict,errors,0 verdict,warnings,0
expect thread-dup 0 warning,thread_declared_twice,1
expect counter-early 1 error,counter_before_descriptor,1 warning,track_declared_late,1
expect declared-late 0 warning,track_declared_late,1

# Slices, counters, flows.
expect end-without-begin 0 warning,end_without_begin,1
expect open-at-end 0 warning,slice_open_at_end,1
expect counter-on-slice-track 1 error,counter_on_slice_track,1
expect slice-on-counter-track 1 error,slice_on_counter_track,2
expect misplaced-end 1 error,misplaced_end,1 warning,end_below_top,1 \
    warning,end_without_begin,1 imported,slices,3
expect too-deep 1 error,too_deep,3 imported,slices,512
expect file-order 0 imported,slices,1 verdict,errors,0 verdict,warnings,0
expect flow-once 0 warning,flow_seen_once,2
expect flow-old 0 imported,flows,1 track_events,flow_ids,2 verdict,warnings,0
expect unknown-type 0 warning,unknown_event_type,1

# As the importer takes them: ends, JSON nulls, atrace, tracks
# (inspect-corpus.sh also runs the importer itself on these).
expect end-below-top 0 warning,end_below_top,1 warning,slice_open_at_end,1 \
    imported,slices,2 verdict,errors,0
expect json-null-array 1 error,json_null_in_args,1
expect json-null-inside 0 verdict,errors,0 verdict,warnings,0
expect atrace-shared 1 error,misplaced_end,1 warning,atrace_and_track_events,1 \
    warning,end_below_top,1 imported,slices,2 imported,tracks,2
expect atrace-separate 0 imported,slices,2 imported,tracks,2 verdict,warnings,0
expect atrace-kinds 0 imported,slices,5 imported,counter_values,2 \
    imported,tracks,5 verdict,warnings,0
expect atrace-bad 1 error,atrace_unparsed,2 imported,slices,0
# Nested annotations: the importer interns every node's dotted key, and
# aborts when its string pool passes 2048 MB; with one-letter names that
# is between 44000 levels (trace_processor opens it) and 47000 (aborts).
for d in 44000 47000; do
	python3 -c "
import sys; sys.path.insert(0, '$TESTS'); from tracegen import *
leaf = anno('leaf', 1); heads = []; n = len(leaf)
for i in range($d):
    h = b'\x52\x01n' + tag(11, 2) + varint(n); heads.append(h); n += len(h)
sys.stdout.buffer.write(cat(decls(), packet(seq(2), ts(5), event(INSTANT, 2,
    name='x', annos=[b''.join(reversed(heads)) + leaf]))))" >"$T/nest$d.pftrace"
done
expect nest44000 0 warning,annotation_too_deep,1 verdict,errors,0
expect nest47000 1 error,annotation_keys_overflow,1
expect legacy-async 0 imported,slices,7 imported,flows,3 imported,tracks,4 \
    verdict,warnings,0
expect tracks-used 0 tracks,process,2 tracks,custom,2 imported,tracks,3 \
    imported,slices,3
gen atrace-shared
"$PI" "$T/atrace-shared.pftrace" >"$T/out"
grep -q '^error: packet 7 at byte [0-9]*: event at 40 on track uuid 2 comes after the end (30) of a slice that an end closed under 1 open one' "$T/out" &&
	pass "inspect: the cut names the packet of the event that makes it" ||
	fail "inspect: the cut names the packet of the event that makes it" "$(grep -E '^(error|warning)' "$T/out")"
gen atrace-kinds
t "inspect: --records, atrace slices on their threads" 0 '' "kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,line,value,flows,flows_end,args
thread,,,42,7,,,,,,,,,,,,
slice,10,5,42,7,,,,,outer,,,,,,,
instant,11,,42,7,,,,,mark,,,,,,,
thread,,,42,8,,,,,,,,,,,,
slice,12,1,42,8,,,,,other,,,,,,," '' -- "$PI" --records "$T/atrace-kinds.pftrace"

# Compressed input.
expect compressed 0 payload,compressed_packets,1 summary,packets,11 imported,slices,3 verdict,errors,0
expect compressed-bad 1 error,compressed_packets_bad,1
expect compressed-bomb 1 error,compressed_packets_bad,1
expect compressed-inner-fault 1 error,iid_not_interned,1
expect gzip-ok 0 summary,packets,10 imported,slices,3 verdict,errors,0
expect gzip-two-members 0 summary,packets,20
expect gzip-cut 1 error,gzip_bad,1
gen gzip-ok
"$PI" --csv <"$T/gzip-ok.pftrace" >"$T/stdin.csv"
grep -Fqx '<stdin>,summary,packets,10' "$T/stdin.csv" && pass "inspect: gzip on stdin" ||
	fail "inspect: gzip on stdin" "$(head -5 "$T/stdin.csv")"

# Records: what each kind of event becomes.
H=kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,line,value,flows,flows_end,args
gen ok
t "inspect: --records" 0 '' "$H
process,,,42,,,,,,proc,,,,,,,
thread,,,42,7,,,,,main,,,,,,,
slice,1000,400,42,7,,,,,outer,c,,,,5,,
slice,1100,200,42,7,,,,,inner,,,,,,,\"{\"\"k\"\":3}\"
instant,1200,,42,7,,,,,outer,,,,,,5,
track,,,42,,3,,,,mem,,,,,,,\"{\"\"counter\"\":true}\"
counter,1500,,,,3,,,,mem,,,,10,,,
counter,1600,,,,3,,,,mem,,,,2.5,,," '' -- "$PI" --records "$T/ok.pftrace"
gen clocks
t "inspect: --records, incremental clocks and packet defaults" 0 '' "$H
process,,,42,,,,,,proc,,,,,,,
thread,,,42,7,,,,,main,,,,,,,
slice,1000010,5,42,7,,,,,a,,,,,,,
instant,1000115,,42,7,,,,,c,,,,,,,
begin,2000000,,42,7,,,,,b,,,,,,,
instant,5003000,,42,7,,,,,d,,,,,,,
track,,,42,,3,,,,mem,,,,,,,\"{\"\"counter\"\":true}\"" 'warning: slice begun at 2000000' -- "$PI" --records "$T/clocks.pftrace"
gen annotations
"$PI" --records "$T/annotations.pftrace" >"$T/anno.csv" 2>"$T/anno.err"
grep -Fq '"{""s"":""q\""uote\n"",""b"":true,""d"":0.1,""i"":-5,""size"":{""w"":640,""big"":1e+300},""tags"":[""a"",2],""u"":9223372036854775808,""n"":null}"' "$T/anno.csv" &&
	pass "inspect: --records, debug annotations as JSON" || fail "inspect: --records, debug annotations as JSON" "$(cat "$T/anno.csv")"
gen misplaced-end
t "inspect: --records, misplaced end cuts the child, unmatched end" 1 '' "$H
process,,,42,,,,,,proc,,,,,,,
thread,,,42,7,,,,,main,,,,,,,
slice,1,2,42,7,,,,,a,,,,,,,
slice,2,1,42,7,,,,,b,,,,,,,
end,4,,42,7,,,,,,,,,,,,
instant,5,,42,7,,,,,after,,,,,,,
track,,,42,,3,,,,mem,,,,,,,\"{\"\"counter\"\":true}\"" 'packet 7 at byte [0-9]+: error: event at 4 on track uuid 2 comes after the end \(3\) of a slice' -- "$PI" --records "$T/misplaced-end.pftrace"

# Output modes and exit statuses.
gen ok
t "inspect: -q, valid" 0 '' '' '' -- "$PI" -q "$T/ok.pftrace"
t "inspect: -q, invalid" 1 '' '' '' -- "$PI" -q "$T/truncated.pftrace"
t "inspect: report verdict" 0 '' '*' '' -- "$PI" "$T/ok.pftrace"
tail -1 "$T/out" | grep -q 'ok.pftrace: valid, no warnings$' && pass "inspect: report ends with the verdict" ||
	fail "inspect: report ends with the verdict" "$(tail -3 "$T/out")"
t "inspect: several files, worst wins" 1 '' '*' '' -- "$PI" "$T/ok.pftrace" "$T/truncated.pftrace" "$T/ok.pftrace"
t "inspect: several files, a missing one" 66 '' '*' 'nope: No such file' -- "$PI" "$T/truncated.pftrace" nope "$T/ok.pftrace"
[ "$(grep -c 'valid\|INVALID' "$T/out")" = 2 ] && pass "inspect: every file still read" || fail "inspect: every file still read" "$(cat "$T/out")"
t "inspect: write error" 74 '' '' 'write error' -- sh -c "'$PI' '$T/ok.pftrace' >/dev/full"
: >"$T/empty.pftrace"
t "inspect: empty input is a valid empty trace" 0 '' '*' '' -- "$PI" --csv "$T/empty.pftrace"
t "inspect: a text file is no trace" 1 'hello, world
' '*' '' -- "$PI" -q

# Hostile bytes: mutated traces never crash and never hang.
mkdir -p "$T/mut"
python3 - "$T/mutations.pftrace" "$T/mut" <<'EOF'
import struct, sys
b = open(sys.argv[1], "rb").read()
i = n = 0
while i < len(b):
    (k,) = struct.unpack_from("<I", b, i)
    open("%s/%03d.pftrace" % (sys.argv[2], n), "wb").write(b[i + 4:i + 4 + k])
    i += 4 + k
    n += 1
EOF
bad=
for f in "$T"/mut/*.pftrace; do
	"$PI" --records "$f" >/dev/null 2>&1
	st=$?
	[ $st -le 1 ] || bad="$bad $(basename "$f"):$st"
done
[ -z "$bad" ] && pass "inspect: 150 mutated traces, exit 0 or 1" || fail "inspect: mutated traces" "$bad"

# The corpus: every file read, counts as in the manifest.
if need_shared "inspect: corpus"; then
	awk -F'\t' '$1 ~ /^perfetto\// { print $1 "\t" $7 }' "$SHARED/corpus/MANIFEST.tsv" >"$T/manifest"
	while IFS='	' read -r file contents; do
		"$PI" --csv "$SHARED/corpus/$file" >"$T/c.csv" 2>"$T/c.err"
		st=$?
		name="inspect: corpus $(basename "$file")"
		if [ $st -gt 1 ]; then
			fail "$name" "exit status $st" "$(head -3 "$T/c.err")"
			continue
		fi
		# packets=N seqs=N a:1,b:2 TYPE_X:3 -> section,what,count rows
		echo "$contents" | tr ' ,' '\n\n' | awk -F'[=:]' '
			$1 == "packets" { print "summary,packets," $2 }
			$1 == "seqs" { print "summary,sequences," $2 }
			$1 ~ /^TYPE_/ { sub(/^TYPE_/, "", $1); print "track_events," tolower($1) "," $2; next }
			NF == 2 && $1 !~ /^(packets|seqs|first|frame|pb)$/ { print "payload," $1 "," $2 }' >"$T/want"
		missing=$(while read -r row; do grep -Fqx "$SHARED/corpus/$file,$row" "$T/c.csv" || echo "$row"; done <"$T/want")
		[ -z "$missing" ] && [ -s "$T/want" ] && pass "$name: $(wc -l <"$T/want") counts" || fail "$name" "missing: $missing"
		"$PI" --records "$SHARED/corpus/$file" >/dev/null 2>&1
		[ $? -le 1 ] && pass "$name: --records" || fail "$name: --records"
	done <"$T/manifest"
fi

# Perfetto's own test traces: what the importer reports, reported too.
if need_shared "inspect: upstream traces"; then
	U=$SHARED/corpus/perfetto-upstream
	# trace: the importer's finding -> ours; figures we model
	while read -r trace rows; do
		"$PI" --csv "$U/$trace.pftrace" >"$T/u.csv" 2>/dev/null
		missing=
		for row in $rows; do
			grep -Fqx "$U/$trace.pftrace,$row" "$T/u.csv" || missing="$missing $row"
		done
		[ -z "$missing" ] && pass "inspect: upstream $trace" ||
			fail "inspect: upstream $trace" "missing:$missing"
	done <<'EOF'
legacy_async_event error,track_conflict,1
range_of_interest error,misplaced_end,1 imported,slices,4
track_event_chrome_histogram_sample error,iid_not_interned,7 imported,slices,6
flow_events_track_event imported,slices,11 imported,flows,8 verdict,errors,0
incremental_counter_sequences imported,counter_values,4 verdict,errors,0
stdlib_dynamic_tables_slice_stacks imported,slices,6 verdict,errors,0
stdlib_viz_track_event_tracks_ordering imported,slices,14 verdict,errors,0
track_event_callstacks imported,slices,3 verdict,errors,0
track_event_counters imported,slices,7 imported,counter_values,18 verdict,errors,0
track_event_name_resolution imported,slices,3 verdict,errors,0
track_event_name_resolution_extended imported,slices,4 verdict,errors,0
track_event_name_resolution_null_override imported,slices,1 verdict,errors,0
track_event_tracks imported,slices,15 verdict,errors,0
track_event_tracks_ordering imported,slices,8 verdict,errors,0
track_event_with_atrace_separate_tracks verdict,errors,0
flow_events_proto_v1 imported,slices,4 verdict,errors,0
flow_events_proto_v2 imported,slices,4 verdict,errors,0
stdlib_dynamic_tables_relationship_tables imported,slices,12 verdict,errors,0
track_event_state verdict,errors,0
EOF
fi

# Round trips through perfetto-encode, once it is built.
if [ -x "$PE" ]; then
	"$PE" tests/data/demo.csv >"$T/demo.pftrace"
	t "inspect: perfetto-encode output has no fault" 0 '' '*' '' -- "$PI" --csv "$T/demo.pftrace"
	grep -Fq ',verdict,warnings,0' "$T/out" && pass "inspect: perfetto-encode output has no warning" ||
		fail "inspect: perfetto-encode output has no warning" "$(grep -E ',(error|warning),' "$T/out")"
	"$PI" --records "$T/demo.pftrace" >"$T/a.csv"
	"$PE" "$T/a.csv" >"$T/b.pftrace"
	"$PI" --records "$T/b.pftrace" >"$T/b.csv"
	same "inspect: demo round trip, records equal after re-encoding" "$T/a.csv" "$T/b.csv"
	"$PE" --absolute-ts tests/data/demo.csv >"$T/abs.pftrace"
	"$PI" --records "$T/abs.pftrace" >"$T/abs.csv"
	same "inspect: absolute and incremental timestamps, same records" "$T/a.csv" "$T/abs.csv"
	awk -v n=4000 -f tests/bench/w1.awk >"$T/w1.csv"
	"$PE" "$T/w1.csv" >"$T/w1.pftrace"
	t "inspect: W1 trace has no error" 0 '' '*' '' -- "$PI" --csv "$T/w1.pftrace"
	# flows: an end whose start came is a link; any other token is alone
	awk -F, 'NR > 1 && $15 != "" { s[$15] = 1 } NR > 1 && $16 != "" { e[$16] = 1 }
		END { for (k in e) if (k in s) l++; else o++; for (k in s) if (!(k in e)) o++
		      printf "imported,flows,%d\nwarning,flow_seen_once,%d\n", l, o }' "$T/w1.csv" |
		sed 's/,flow_seen_once,0$/,flow_seen_once,/' >"$T/w1.want"
	ok=1
	for row in imported,slices,4400 imported,counter_values,400 verdict,errors,0 $(cat "$T/w1.want"); do
		case $row in *,) grep -q ",${row}" "$T/out" && ok=0 ;; *) grep -Fq ",$row" "$T/out" || ok=0 ;; esac
	done
	[ $ok = 1 ] && pass "inspect: W1 counts" || fail "inspect: W1 counts" "$(cat "$T/w1.want")" "$(grep -E 'imported|error|warning' "$T/out")"
	"$PI" --records "$T/w1.pftrace" >"$T/w1a.csv" 2>/dev/null
	"$PE" "$T/w1a.csv" >"$T/w1b.pftrace"
	"$PI" --records "$T/w1b.pftrace" >"$T/w1b.csv" 2>/dev/null
	same "inspect: W1 round trip" "$T/w1a.csv" "$T/w1b.csv"
	# every slice of the input comes back with its ts and dur
	grep -c '^slice,' "$T/w1a.csv" >"$T/n1"
	echo 4000 >"$T/n2"
	same "inspect: W1, every slice paired" "$T/n1" "$T/n2"
	awk -F, 'NR > 1 && $1 == "slice" { print $2, $3, $10 }' "$T/w1.csv" | sort >"$T/in.txt"
	awk -F, 'NR > 1 && $1 == "slice" { print $2, $3, $10 }' "$T/w1a.csv" | sort >"$T/outs.txt"
	same "inspect: W1, every slice with its input ts, dur and name" "$T/in.txt" "$T/outs.txt"
	# a slice open behind more records than are kept waiting: written as
	# begin and end, and so again after a round trip
	awk 'BEGIN { print "kind,ts,dur,pid,tid,name"; print "slice,1000,10000000,1,1,root"
		for (i = 0; i < 70000; i++) printf "instant,%d,,1,1,tick\n", 2000 + i * 100
		print "slice,9000000,5,1,1,after" }' >"$T/long.csv"
	"$PE" "$T/long.csv" >"$T/long.pftrace"
	"$PI" --records "$T/long.pftrace" >"$T/la.csv"
	grep -v '^instant' "$T/la.csv" | grep -v '^kind' >"$T/la.rest"
	printf '%s\n' 'process,,,1,,,,,,1,,,,,,,' 'thread,,,1,1,,,,,1,,,,,,,' 'begin,1000,,1,1,,,,,root,,,,,,,' \
		'slice,9000000,5,1,1,,,,,after,,,,,,,' 'end,10001000,,1,1,,,,,,,,,,,,' >"$T/la.want"
	same "inspect: a long slice gives way as begin and end" "$T/la.want" "$T/la.rest"
	"$PE" "$T/la.csv" >"$T/lb.pftrace"
	"$PI" --records "$T/lb.pftrace" >"$T/lb.csv"
	same "inspect: a long slice, round trip" "$T/la.csv" "$T/lb.csv"
else
	skip "inspect: round trips" "no $PE"
fi
