# The Makefile workflow of the README: several inputs with make -j2, then
# one broken input stops make with the tool's message and leaves no trace
# under that target's name.
if command -v make >/dev/null 2>&1; then
	mkdir -p "$T/wf/records"
	cp tests/data/traces.mk "$T/wf/Makefile"
	for k in 1 2 3 4; do
		awk -v k=$k 'BEGIN { print "kind,ts,dur,pid,tid,name"; for (i = 0; i < 500; i++) printf "slice,%d,5,%d,1,step-%d\n", 1000 + i * 10, k, i % 5 }' >"$T/wf/records/run$k.csv"
	done
	(cd "$T/wf" && PATH="$BIN:$PATH" make -s -j2) >"$T/wf.out" 2>&1
	st=$?
	n=$(ls "$T/wf/traces" 2>/dev/null | grep -c '\.pftrace$')
	[ $st = 0 ] && [ "$n" = 4 ] && pass "workflow: make -j2 builds every trace" ||
		fail "workflow: make -j2 builds every trace" "status $st, $n traces" "$(cat "$T/wf.out")"
	ok=1
	for f in "$T"/wf/traces/*.pftrace; do "$BIN/perfetto-inspect" -q "$f" || ok=0; done
	[ $ok = 1 ] && pass "workflow: every trace is valid" || fail "workflow: every trace is valid"
	for k in 1 2 3 4; do
		tp_check "workflow: run$k.pftrace" "$T/wf/traces/run$k.pftrace" "$T/wf/records/run$k.csv"
	done
	sed -i '3s/.*/slice,oops,5,2,1,x/' "$T/wf/records/run2.csv"
	rm -f "$T/wf/traces/run2.pftrace"
	sleep 1; touch "$T/wf/records/run2.csv"
	(cd "$T/wf" && PATH="$BIN:$PATH" make -s -j2) >"$T/wf2.out" 2>&1
	st=$?
	if [ $st != 0 ] && grep -q "perfetto-encode: records/run2.csv:3:7: ts: 'oops' is not an integer" "$T/wf2.out" &&
	    ! ls "$T/wf/traces" | grep -q 'run2'; then
		pass "workflow: a bad input stops make and leaves no trace behind"
	else
		fail "workflow: a bad input stops make and leaves no trace behind" "status $st" "$(cat "$T/wf2.out")" "$(ls -a "$T/wf/traces")"
	fi
else
	skip "workflow" "make is not here"
fi
