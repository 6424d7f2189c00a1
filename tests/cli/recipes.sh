# The awk and sort recipes of spanpipe-records(5), EXAMPLES, each run on
# records with no quoted commas, checked, and encoded.
E=$BIN/perfetto-encode
# two threads of nested slices: an outer one of 2-3 ms and three inner ones
awk 'BEGIN {
	print "kind,ts,dur,pid,tid,name"
	print "process,,,42,,server"
	print "thread,,,42,7,main"
	print "thread,,,42,8,worker"
	t = 1700000000000000000
	for (i = 0; i < 200; i++) {
		tid = 7 + i % 2
		printf "slice,%s,%d,42,%d,outer\n", sprintf("1700000000%09d", i * 5000000), 2000000 + (i % 3) * 500000, tid
		for (k = 0; k < 3; k++)
			printf "slice,%s,%d,42,%d,inner-%d\n", sprintf("1700000000%09d", i * 5000000 + k * 600000 + 1), 300000 + k * 100000, tid, k
	}
}' >"$T/run.csv"

awk -F, 'NR == 1 || $1 == "process" || $5 == "7"' "$T/run.csv" >"$T/one.csv"
if [ "$(grep -c ',42,8,' "$T/one.csv")" = 0 ] && [ "$(grep -c '^slice,.*,42,7,' "$T/one.csv")" = 400 ] &&
    grep -q '^process,' "$T/one.csv" && $E "$T/one.csv" >"$T/one.pftrace"; then
	pass "recipe: keep one thread"
else
	fail "recipe: keep one thread" "$(head -5 "$T/one.csv")"
fi

awk -F, '$1 != "slice" || $3 >= 1000000' "$T/run.csv" >"$T/long.csv"
want=$(awk -F, '$1 == "slice" && $3 >= 1000000' "$T/run.csv" | wc -l)
got=$(grep -c '^slice,' "$T/long.csv")
short=$(awk -F, '$1 == "slice" && $3 < 1000000' "$T/long.csv" | wc -l)
[ "$got" = "$want" ] && [ "$short" = 0 ] && [ "$got" -gt 0 ] && $E "$T/long.csv" >"$T/long.pftrace" &&
	pass "recipe: drop spans shorter than 1 ms" || fail "recipe: drop spans shorter than 1 ms" "$got of $want, $short short"

awk -F, 'NR == 1 || $1 != "slice" || NR % 2' "$T/run.csv" >"$T/a.csv"
awk -F, 'NR == 1 || ($1 == "slice" && NR % 2 == 0)' "$T/run.csv" | sed 's/,42,/,43,/' >"$T/b.csv"
(cd "$T" && { head -n 1 a.csv; tail -n +2 b.csv > b.body
  tail -n +2 a.csv | sort -m -s -t, -k2,2n - b.body; } > ab.csv)
if [ "$(wc -l <"$T/ab.csv")" = $(($(wc -l <"$T/a.csv") + $(wc -l <"$T/b.csv") - 1)) ] &&
    tail -n +2 "$T/ab.csv" | sort -c -s -t, -k2,2n && $E "$T/ab.csv" >"$T/ab.pftrace"; then
	pass "recipe: merge two record files with sort -m"
else
	fail "recipe: merge two record files with sort -m" "$(head -5 "$T/ab.csv")"
fi

awk -F, -v OFS=, -v shift=1000000000 'NR > 1 && $2 != "" {
	n = length($2); s = substr($2, 1, n - 9) + 0
	ns = substr($2, n - 8) + shift
	s += int(ns / 1e9); ns %= 1e9
	$2 = sprintf("%d%09d", s, ns) } 1' "$T/run.csv" >"$T/shift.csv"
if python3 - "$T/run.csv" "$T/shift.csv" <<'PY'
import sys
a = [l.split(",") for l in open(sys.argv[1]).read().splitlines()]
b = [l.split(",") for l in open(sys.argv[2]).read().splitlines()]
assert len(a) == len(b)
for x, y in zip(a[1:], b[1:]):
    assert x[0] == y[0] and x[2:] == y[2:]
    assert (x[1] == "" and y[1] == "") or int(y[1]) == int(x[1]) + 10**9, (x, y)
PY
then pass "recipe: shift timestamps exactly"; else fail "recipe: shift timestamps exactly" "$(sed -n 5,6p "$T/shift.csv")"; fi

awk -F, '$1 != "slice" || ++n % 10 == 1' "$T/run.csv" >"$T/sample.csv"
[ "$(grep -c '^slice,' "$T/sample.csv")" = 80 ] && $E "$T/sample.csv" >"$T/sample.pftrace" &&
	"$BIN/perfetto-inspect" -q "$T/sample.pftrace" &&
	pass "recipe: keep every tenth slice" || fail "recipe: keep every tenth slice" "$(grep -c '^slice,' "$T/sample.csv") slices"

(head -n 1; sort -s -t, -k2,2n) <"$T/shift.csv" >"$T/sorted.csv"
[ "$(head -n 1 "$T/sorted.csv")" = "kind,ts,dur,pid,tid,name" ] && tail -n +2 "$T/sorted.csv" | sort -c -s -t, -k2,2n &&
	[ "$(wc -l <"$T/sorted.csv")" = "$(wc -l <"$T/shift.csv")" ] &&
	pass "recipe: sort by time, header first" || fail "recipe: sort by time, header first" "$(head -3 "$T/sorted.csv")"

# Every trace of a recipe's output, as the importer reads it.
for r in run one long ab sample sorted; do
	[ -f "$T/$r.pftrace" ] || $E "$T/$r.csv" >"$T/$r.pftrace"
	tp_check "recipe: $r.csv" "$T/$r.pftrace" "$T/$r.csv"
done
