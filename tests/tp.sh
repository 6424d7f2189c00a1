# The importer's judgement, sourced by tests/lib.sh: every trace a test
# writes is also imported by Perfetto's own trace_processor_shell, $TP
# (by default ../shared/bin/trace_processor_shell); without it these checks
# are skipped. ntp counts the traces it judged.
TP=${TP:-${SHARED:+$SHARED/bin/trace_processor_shell}}
ntp=${ntp:-0}

tp_have() { [ -n "${TP:-}" ] && [ -x "$TP" ]; }

# tp_query TRACE SQL: the CSV trace_processor prints for SQL on TRACE.
# Fails (status 1, its stderr in $T/tp-query.err) when it crashes or
# refuses the trace.
tp_query() {
	printf '%s\n' "$2" >"$T/tp-query.sql"
	"$TP" -q "$T/tp-query.sql" "$1" 2>"$T/tp-query.err"
}

# tp_import NAME TRACE: runs tests/tp.sql on TRACE into $T/tp.out; fails
# NAME when trace_processor crashes or exits non-zero.
tp_import() {
	ntp=$((ntp + 1))
	if ! "$TP" -q "$TESTS/tp.sql" "$2" >"$T/tp.out" 2>"$T/tp.err"; then
		fail "$1" "trace_processor_shell failed on $2:" \
		    "$(grep -v '^Loading trace' "$T/tp.err" | tail -6)"
		return 1
	fi
}

# tp_check NAME TRACE [RECORDS.csv]: trace_processor imports TRACE with no
# stat of severity error or data_loss, and, given the records it was
# encoded from, finds exactly their slices (name, ts, dur, depth).
tp_check() {
	if ! tp_have; then
		skip "$1 (importer)" "no trace_processor_shell"
		return 0
	fi
	tp_import "$1 (importer)" "$2" || return 0
	check "$1 (importer)" python3 "$TESTS/tpcheck.py" "$T/tp.out" ${3:+"$3"}
}

# tp_same NAME JSON TRACE [BY_DESIGN]: trace_processor finds the same
# slices (name, ts, dur, process, thread) in the Chrome JSON file and in
# spanpipe's trace of it, but for the differences by design that
# tests/tpsame.py knows, which must be exactly BY_DESIGN ("none" unless
# given, else as "async 19, open 1"); the trace passes tp_check besides.
tp_same() {
	if ! tp_have; then
		skip "$1 (importer)" "no trace_processor_shell"
		return 0
	fi
	tp_import "$1 (importer, JSON)" "$2" || return 0
	mv "$T/tp.out" "$T/tp-json.out"
	tp_import "$1 (importer)" "$3" || return 0
	if python3 "$TESTS/tpcheck.py" "$T/tp.out" >"$T/tp-check.out" &&
	    python3 "$TESTS/tpsame.py" "$T/tp-json.out" "$T/tp.out" >>"$T/tp-check.out" &&
	    tail -n 1 "$T/tp-check.out" | grep -q "; by design: ${4:-none}\$"; then
		pass "$1 (importer)"
	else
		fail "$1 (importer)" "$(head -c 1500 "$T/tp-check.out")" \
		    "expected by design: ${4:-none}"
	fi
}
