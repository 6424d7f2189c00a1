# Progress on stderr: forced with --progress in every tool, and in a
# pipeline on a terminal only the last stage draws its line.
export SPANPIPE_PROGRESS_INTERVAL=0
"$BIN/span-gen" -f --db "$T/p.db" --spans 3000 --async 500 --open 20 2>/dev/null
pid=$("$BIN/span-fetch" --db "$T/p.db" --list-processes | awk -F, 'NR == 2 { print $4 }')
"$BIN/span-fetch" --db "$T/p.db" -p "$pid" >"$T/p.csv"
"$BIN/async-match" "$T/p.csv" 2>/dev/null >"$T/pm.csv"
"$BIN/perfetto-encode" -o "$T/p.pftrace" "$T/pm.csv"
tp_check "progress: the trace" "$T/p.pftrace" "$T/pm.csv"
for run in "span-gen --progress --spans 3000" \
    "span-fetch --progress --db $T/p.db -p $pid" \
    "async-match --progress $T/p.csv" \
    "perfetto-encode --progress $T/pm.csv" \
    "perfetto-inspect --progress -q $T/p.pftrace"; do
	tool=${run%% *}
	$BIN/$run 2>"$T/prog.err" >/dev/null
	if grep -Eq "^$tool: [0-9.]+k? (records|rows|packets), [0-9.]+ k?B, " "$T/prog.err"; then
		pass "$tool: --progress writes lines"
	else
		fail "$tool: --progress writes lines" "$(head -3 "$T/prog.err")"
	fi
	$BIN/$run --no-progress 2>"$T/prog.err" >/dev/null
	grep -q "^$tool: .* [0-9] B/s" "$T/prog.err" && fail "$tool: --no-progress is silent" "$(head -3 "$T/prog.err")" ||
		pass "$tool: --no-progress is silent"
done
if command -v script >/dev/null 2>&1; then
	script -qec "$BIN/span-fetch --db '$T/p.db' -p '$pid' | $BIN/async-match 2>/dev/null | $BIN/perfetto-encode -o '$T/pp.pftrace'" /dev/null >"$T/tty.txt" 2>&1
	if grep -q 'perfetto-encode: .* records' "$T/tty.txt" && ! grep -Eq '(span-fetch|async-match): .* records' "$T/tty.txt"; then
		pass "progress: in a pipeline only the last stage draws"
	else
		fail "progress: in a pipeline only the last stage draws" "$(cat -v "$T/tty.txt" | head -c 400)"
	fi
fi
unset SPANPIPE_PROGRESS_INTERVAL
