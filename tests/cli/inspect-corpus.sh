# perfetto-inspect against Perfetto's own importer on every trace of
# ../shared/corpus/perfetto and perfetto-upstream, and on every trace that
# tests/tracegen.py builds: the same verdict (exit 1
# exactly when trace_processor crashes or records an import error or data
# loss, or one of the error counters it keeps at info level) and the same
# counts of slices, counter values, flows and tracks. The importer's side
# is computed live when ../shared/bin/trace_processor_shell exists; without
# it (or with TRACE_PROCESSOR=/nonexistent), perfetto-upstream/EXPECTED.tsv
# stands in for it.
PI=$BIN/perfetto-inspect

# Counts that differ by design, with the importer's figure and ours:
# FILE COUNT IMPORTER OURS REASON. The test checks both figures, so the
# list cannot go stale. perfetto-inspect(1), CAVEATS, gives the reasons.
cat >"$T/known" <<'EOF'
sidky__nowinandroid__trace.perfetto-trace slices 6744 3123 frame_timeline_event slices are not read
sidky__nowinandroid__trace.perfetto-trace flows 1068 0 frame_timeline_event flows are not read
sidky__nowinandroid__trace.perfetto-trace tracks 30 5 frame_timeline_event tracks are not read
silence-do-good__lib.so_binary_example__trace.perfetto counters 6 0 gpu_counter_event values are not read
silence-do-good__lib.so_binary_example__trace.perfetto tracks 2 0 gpu_counter_event tracks are not read
flow_events_track_event.pftrace tracks 5 4 a process-scoped legacy instant also makes its process's descriptor track
track_event_counters.pftrace tracks 8 9 an event without track after a clear lands on a thread track, not the default one
track_event_tracks.pftrace tracks 12 11 a thread descriptor reusing a tid starts a new thread with its own tracks
top-field.pftrace verdict 0 1 bytes after the packets that are no packet: the importer stops there silently
truncated.pftrace verdict 0 1 a trace cut short: the importer drops the last packet silently
huge-length.pftrace verdict 0 1 a trace cut short: the importer drops the last packet silently
long-varint.pftrace verdict 0 1 bytes after the packets that are no packet: the importer stops there silently
undeclared-track.pftrace verdict 0 1 an event on a uuid no descriptor declares lands on a track of its own
undeclared-default.pftrace verdict 0 1 an event on a uuid no descriptor declares lands on a track of its own
slice-on-counter-track.pftrace verdict 0 1 the importer puts the slice on the counter track
EOF

# Error counters the importer keeps at info level (perfetto-upstream/README).
ERRCOUNTERS="'interned_data_tokenizer_errors','track_event_parser_errors','track_event_tokenizer_errors'"

# importer FILE: "crash" or "slices counters flows tracks findings" from
# trace_processor_shell, into $T/tp.
importer() {
	cat >"$T/q.sql" <<EOF
select (select count(*) from slice), (select count(*) from counter),
  (select count(*) from flow), (select count(*) from track),
  (select count(*) from stats where value > 0 and
   (severity in ('error', 'data_loss') or name in ($ERRCOUNTERS)));
EOF
	"$TP" -q "$T/q.sql" "$1" >"$T/tp.out" 2>"$T/tp.err"
	st=$?
	if [ $st != 0 ] || grep -q 'PERFETTO PRE-CRASH LOG' "$T/tp.out" "$T/tp.err"; then
		echo crash >"$T/tp"
	else
		tail -1 "$T/tp.out" | tr ',' ' ' >"$T/tp"
	fi
}

# expected FILE: the same line from EXPECTED.tsv.
expected() {
	awk -F'\t' -v f="$(basename "$1")" '$1 == f {
		print $2, $3, $4, $5, ($6 == "none" ? 0 : 1) }' \
	    "$SHARED/corpus/perfetto-upstream/EXPECTED.tsv" >"$T/tp"
}

# ours FILE: "status slices counters flows tracks" from perfetto-inspect.
ours() {
	"$PI" --csv "$1" >"$T/pi.csv" 2>"$T/pi.err"
	st=$?
	awk -F, -v st=$st '$2 == "imported" { v[$3] = $4 }
	    END { print st, v["slices"], v["counter_values"], v["flows"],
	    v["tracks"] }' "$T/pi.csv"
}

# compare FILE SOURCE: verdict and each count, known differences aside.
compare() {
	f=$1 b=$(basename "$1") name="inspect-corpus: $(basename "$1")"
	read -r i_sl i_co i_fl i_tr i_bad <"$T/tp"
	if [ "$i_sl" = crash ]; then
		i_bad=crash
	fi
	set -- $(ours "$f")
	o_st=$1 o_sl=$2 o_co=$3 o_fl=$4 o_tr=$5
	if [ "$i_bad" = crash ] || [ "$i_bad" -gt 0 ]; then want=1; else want=0; fi
	known=$(awk -v f="$b" '$1 == f && $2 == "verdict" { print $3, $4 }' "$T/known")
	if [ -n "$known" ]; then
		[ "$known" = "$want $o_st" ] && pass "$name: verdict differs by design ($want, $o_st)" ||
			fail "$name: verdict" "listed as importer/ours $known, now $want $o_st"
	elif [ "$o_st" = "$want" ]; then
		pass "$name: verdict $want"
	else
		fail "$name: verdict" "perfetto-inspect exits $o_st, the importer (${SRC}) finds ${i_bad} fault(s)" \
		    "$(grep -E ',(error|warning),' "$T/pi.csv" | sed 's|.*/||')"
	fi
	[ "$i_bad" = crash ] && return
	for c in slices:$i_sl:$o_sl counters:$i_co:$o_co flows:$i_fl:$o_fl tracks:$i_tr:$o_tr; do
		IFS=: read -r what imp our <<EOF
$c
EOF
		known=$(awk -v f="$b" -v w="$what" '$1 == f && $2 == w { print $3, $4 }' "$T/known")
		if [ -n "$known" ]; then
			[ "$known" = "$imp $our" ] && pass "$name: $what differ by design ($imp, $our)" ||
				fail "$name: $what" "listed as importer/ours $known, now $imp $our"
		elif [ "$imp" = "$our" ]; then
			pass "$name: $what $our"
		else
			fail "$name: $what" "importer ($SRC) $imp, perfetto-inspect $our"
		fi
	done
}

if need_shared "inspect-corpus"; then
	TP=${TRACE_PROCESSOR-$SHARED/bin/trace_processor_shell}
	[ -x "$TP" ] || TP=
	[ -n "$TP" ] || skip "inspect-corpus: ../shared/corpus/perfetto" \
	    "no trace_processor_shell; EXPECTED.tsv covers perfetto-upstream only"
	for f in "$SHARED"/corpus/perfetto-upstream/*.pftrace "$SHARED"/corpus/perfetto/*; do
		[ -f "$f" ] || continue
		if [ -n "$TP" ]; then
			SRC=trace_processor
			importer "$f"
		else
			case $f in */perfetto/*) continue ;; esac
			SRC=EXPECTED.tsv
			expected "$f"
		fi
		compare "$f"
	done
fi

# The hand-built traces of perfetto-inspect.sh, each one fault: the
# importer judges them too (mutations is a bundle, not a trace).
if [ -n "${SHARED:-}" ] && [ -x "${TRACE_PROCESSOR-$SHARED/bin/trace_processor_shell}" ]; then
	TP=${TRACE_PROCESSOR-$SHARED/bin/trace_processor_shell}
	SRC=trace_processor
	mkdir -p "$T/gen"
	python3 "$TESTS/tracegen.py" -o "$T/gen"
	for f in "$T"/gen/*.pftrace; do
		case $f in */mutations.pftrace) continue ;; esac
		importer "$f"
		compare "$f"
	done
else
	skip "inspect-corpus: tracegen traces" "no trace_processor_shell"
fi
