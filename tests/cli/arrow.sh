# The Arrow IPC reader (common/arrow) against a real implementation:
# tests/arrow/gen.mjs has apache-arrow write IPC streams of every type the
# reader takes (nulls, slices, dictionary deltas and replacements, many
# batches) and the values it was given; the reader's dump of each stream
# must equal them. Streams of types the reader refuses must give the error
# that names the column and the type. Skipped without node or without
# tests/flight/node_modules (npm ci in tests/flight).
AD=$BIN/tests/arrow_test
if ! command -v node >/dev/null 2>&1; then
	skip "arrow: streams from apache-arrow" "node is not installed"
elif [ ! -d tests/flight/node_modules/apache-arrow ]; then
	skip "arrow: streams from apache-arrow" "no tests/flight/node_modules (npm ci in tests/flight)"
elif ! node tests/arrow/gen.mjs "$T" 2>"$T/gen.err"; then
	fail "arrow: gen.mjs" "$(head -c 600 "$T/gen.err")"
else
	n=0
	for f in "$T"/*.txt; do
		c=$(basename "$f" .txt)
		t "arrow: $c" 0 '' "$(cat "$f")" '' -- "$AD" --dump "$T/$c.arrow"
		n=$((n + 1))
	done
	for f in "$T"/*.err; do
		c=$(basename "$f" .err)
		[ "$c" = gen ] && continue
		t "arrow: $c" 65 '' '*' "message [0-9]+: $(cat "$f")\$" -- "$AD" --dump "$T/$c.arrow"
	done
	if [ "$n" -ge 10 ]; then pass "arrow: gen.mjs wrote $n streams"
	else fail "arrow: gen.mjs wrote $n streams, expected 10 or more"; fi
	# A stream cut anywhere: whatever came before the cut decodes, then an
	# error, never a crash.
	s=$T/micromegas.arrow
	size=$(wc -c <"$s")
	bad=0
	for cut in 3 17 100 333 1000 2000 3000 $((size - 9)); do
		head -c "$cut" "$s" >"$T/cut.arrow"
		"$AD" --dump "$T/cut.arrow" >/dev/null 2>"$T/cut.err"
		st=$?
		[ "$st" = 65 ] && grep -q 'cut short' "$T/cut.err" || bad="$bad $cut:$st"
	done
	if [ "$bad" = 0 ]; then pass "arrow: cut streams are refused"
	else fail "arrow: cut streams are refused" "cuts (length:status):$bad"; fi
fi
