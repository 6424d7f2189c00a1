#!/bin/sh
# make bench: builds optimized, generates the workloads, runs each tool
# several times and prints one table, with the ratios the targets are set
# in (issue "Benchmarks"), measured in this one run. Not part of make check.
# Usage: tests/bench.sh [--big]   (--big: W1 at 10,000,000 slices too)
#
# Every command runs once a round, the rounds RUNS times over, and each
# gets the shortest of its times: on a shared machine a run is only ever
# slowed by others, and taking the commands in turn spreads a slow spell
# over all of them instead of over the runs of one.
set -eu
BIG=${1:-}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=build-bench
RUNS=${RUNS:-5}
W=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/spanpipe-bench.XXXXXX")}
trap 'rm -rf "$W"' EXIT
make -s BUILD=$B CFLAGS="-std=c11 -O2 -g -Wall -Wextra" all >/dev/null
cc -O2 -o $B/csvparse tests/bench/csvparse.c -lcsv

# ---- the workloads, and the inputs each command reads ----
N=1000000
awk -v n=$N -f tests/bench/w1.awk >"$W/w1.csv"
awk -v n=$N -v slices_only=1 -f tests/bench/w1.awk >"$W/w1s.csv"
awk -v n=$N -v distinct=1 -f tests/bench/w1.awk >"$W/w3.csv"
# W2: micromegas-like, from a SQLite store through the whole pipeline:
# 8 threads of 50,000 nested thread spans, async spans up to 1000 open.
$B/span-gen -f --db "$W/w2.db" --threads 8 --spans 400000 --async 100000 --open 1000
pid=$($B/span-fetch --db "$W/w2.db" --list-processes | awk -F, 'NR == 2 { print $4 }')
# the same queries span-fetch runs (common/store/fetch.c), printed by sqlite3 -csv
{
	for s in $(sqlite3 "$W/w2.db" "SELECT stream_id FROM streams WHERE process_id = '$pid' ORDER BY stream_id"); do
		echo "SELECT id, parent, depth, \"begin\", \"end\", name, target, filename, line FROM thread_spans WHERE stream_id = '$s' ORDER BY \"begin\", depth, \"end\" DESC, id;"
	done
	echo "SELECT stream_id, time, event_type, span_id, parent_span_id, depth, name, target, filename, line FROM async_events WHERE process_id = '$pid' ORDER BY time, event_type, CASE WHEN event_type = 'begin' THEN depth ELSE -depth END, span_id;"
} >"$W/w2.sql"
$B/span-fetch --db "$W/w2.db" -p "$pid" >"$W/w2.csv"
$B/async-match "$W/w2.csv" 2>/dev/null >"$W/w2m.csv"
$B/perfetto-encode -o "$W/w1.pftrace" "$W/w1.csv"
# W4: the same 1,000,000 thread spans of 4 services as OTLP/JSON lines and
# as Chrome JSON, for the two importers of span-fetch.
$B/span-gen --format otlp --processes 4 --threads 4 --spans $N >"$W/w4.jsonl"
$B/span-gen --format chrome --processes 4 --threads 4 --spans $N >"$W/w4.json"
if [ "$BIG" = --big ]; then
	awk -v n=10000000 -f tests/bench/w1.awk >"$W/w1big.csv"
fi

# ---- the commands: NAME|COMMAND, one a line ----
{
	echo "parse1|$B/csvparse <$W/w1.csv"
	echo "cat1|cat $W/w1.csv"
	echo "enc1|$B/perfetto-encode -o $W/o1.pftrace $W/w1.csv"
	echo "enc1s|$B/perfetto-encode -o $W/o1s.pftrace $W/w1s.csv"
	echo "parse3|$B/csvparse <$W/w3.csv"
	echo "enc3|$B/perfetto-encode -o $W/o3.pftrace $W/w3.csv"
	echo "insp1|$B/perfetto-inspect -q $W/w1.pftrace"
	echo "sql2|sqlite3 -csv $W/w2.db <$W/w2.sql"
	echo "fetch2|$B/span-fetch --db $W/w2.db -p $pid"
	echo "parse2|$B/csvparse <$W/w2.csv"
	echo "match2|$B/async-match $W/w2.csv 2>/dev/null"
	echo "enc2|$B/perfetto-encode -o $W/o2.pftrace $W/w2m.csv"
	echo "otlp4|$B/span-fetch --otlp $W/w4.jsonl 2>/dev/null"
	echo "chrome4|$B/span-fetch --chrome $W/w4.json"
	echo "pipe2|$B/span-fetch --db $W/w2.db -p $pid | $B/async-match 2>/dev/null | $B/perfetto-encode -o $W/o2p.pftrace"
	[ "$BIG" = --big ] && echo "enc10|$B/perfetto-encode -o $W/o10.pftrace $W/w1big.csv"
	true
} >"$W/commands"

: >"$W/times"
round=0
while [ $round -lt "$RUNS" ]; do
	while IFS='|' read -r name cmd; do
		# wall time in nanoseconds from date(1): time(1) gives hundredths
		t0=$(date +%s%N)
		/usr/bin/time -f "%M %U %S" -o "$W/t1" sh -c "$cmd" >"$W/out" </dev/null
		t1=$(date +%s%N)
		echo "$name $(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f", d / 1e9 }') $(cat "$W/t1")" >>"$W/times"
	done <"$W/commands"
	round=$((round + 1))
done

# get NAME: "seconds kilobytes user system" of NAME's shortest run, with
# the largest peak RSS of its runs.
get() {
	awk -v n="$1" '$1 == n { if (!seen || $2 < t) { t = $2; u = $4; s = $5 } if ($3 > m) m = $3; seen = 1 }
		END { printf "%s %s %s %s\n", t, m, u, s }' "$W/times"
}

# row TOOL WORKLOAD NAME RECORDS INBYTES OUTBYTES SLICES
row() {
	set -- "$@" $(get "$3")
	awk -v tool="$1" -v w="$2" -v r="$4" -v i="$5" -v o="$6" -v n="$7" -v s="$8" -v kb="$9" 'BEGIN {
		if (s <= 0) s = 0.005
		per = "-"
		if (n > 0) per = sprintf("%.1f", o / n)
		printf "%-17s %-5s %9.0f %8.1f %8.1f %8s %8.1f %6.3fs\n", tool, w, r / s, i / s / 1e6, o / s / 1e6, per, kb / 1024, s }'
}

secs() { get "$1" | cut -d' ' -f1; }
rss() { get "$1" | cut -d' ' -f2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
size() { wc -c <"$1" | tr -d ' '; }
lines() { wc -l <"$1" | tr -d ' '; }

echo "spanpipe benchmarks: $(uname -m), $(nproc) cores, $RUNS rounds (shortest time, largest peak RSS)"
echo
printf "%-17s %-5s %9s %8s %8s %8s %8s %7s\n" tool work records/s "MB/s in" "MB/s out" "B/slice" "RSS MB" time
row "libcsv parse" W1 parse1 "$(lines "$W/w1.csv")" "$(size "$W/w1.csv")" 0 0
row "cat" W1 cat1 "$(lines "$W/w1.csv")" "$(size "$W/w1.csv")" "$(size "$W/w1.csv")" 0
row "perfetto-encode" W1 enc1 "$(lines "$W/w1.csv")" "$(size "$W/w1.csv")" "$(size "$W/o1.pftrace")" $N
row "perfetto-encode" W1s enc1s "$(lines "$W/w1s.csv")" "$(size "$W/w1s.csv")" "$(size "$W/o1s.pftrace")" $N
row "perfetto-encode" W3 enc3 "$(lines "$W/w3.csv")" "$(size "$W/w3.csv")" "$(size "$W/o3.pftrace")" $N
row "perfetto-inspect" W1 insp1 "$(lines "$W/w1.csv")" "$(size "$W/w1.pftrace")" 0 0
row "sqlite3 -csv" W2 sql2 "$(lines "$W/w2.csv")" 0 "$(sqlite3 -csv "$W/w2.db" <"$W/w2.sql" | wc -c)" 0
row "span-fetch" W2 fetch2 "$(lines "$W/w2.csv")" 0 "$(size "$W/w2.csv")" 0
row "async-match" W2 match2 "$(lines "$W/w2.csv")" "$(size "$W/w2.csv")" "$(size "$W/w2m.csv")" 0
row "perfetto-encode" W2 enc2 "$(lines "$W/w2m.csv")" "$(size "$W/w2m.csv")" "$(size "$W/o2.pftrace")" 0
row "span-fetch --otlp" W4 otlp4 $N "$(size "$W/w4.jsonl")" "$($B/span-fetch --otlp "$W/w4.jsonl" 2>/dev/null | wc -c)" 0
row "span-fetch --chrome" W4 chrome4 $N "$(size "$W/w4.json")" "$($B/span-fetch --chrome "$W/w4.json" | wc -c)" 0
printf "%-17s %-5s %9s %8s %8s %8s %8s %6.3fs\n" "pipeline" W2 - - - - - "$(secs pipe2)"
[ "$BIG" = --big ] && row "perfetto-encode" W1x10 enc10 "$(lines "$W/w1big.csv")" "$(size "$W/w1big.csv")" "$(size "$W/o10.pftrace")" 10000000

set -- $(get pipe2)
pipe_wall=$1 pipe_user=$3 pipe_sys=$4
slowest=$(printf '%s\n%s\n%s\n' "$(secs fetch2)" "$(secs match2)" "$(secs enc2)" | sort -n | tail -n 1)
per() { awk -v o="$(size "$1")" -v n=$N 'BEGIN { printf "%.1f", o / n }'; }

echo
echo "targets (ratios within this run):"
echo "  perfetto-encode W1 time / bare parse: $(ratio "$(secs enc1)" "$(secs parse1)") (target <= 2.0)"
echo "  perfetto-encode W1 peak RSS: $(awk -v k="$(rss enc1)" 'BEGIN { printf "%.1f", k / 1024 }') MB (target <= 16)"
[ "$BIG" = --big ] && echo "  perfetto-encode peak RSS 10M / 1M: $(ratio "$(rss enc10)" "$(rss enc1)") (target: flat)"
echo "  perfetto-encode bytes per slice: $(per "$W/o1s.pftrace") with the slices alone (W1s; target <= 28), $(per "$W/o1.pftrace") with W1's instants, counters and flows"
echo "  perfetto-encode W3 / W1 time per record: $(ratio "$(secs enc3)" "$(secs enc1)") (target <= 3.0), W3 peak RSS $(awk -v k="$(rss enc3)" 'BEGIN { printf "%.1f", k / 1024 }') MB"
echo "  perfetto-inspect / perfetto-encode time on W1: $(ratio "$(secs insp1)" "$(secs enc1)") (target <= 1.0)"
echo "  async-match speed / bare parse speed, W2 records: $(ratio "$(secs parse2)" "$(secs match2)") (target >= 0.5)"
echo "  span-fetch speed / sqlite3 -csv speed, W2: $(ratio "$(secs sql2)" "$(secs fetch2)") (target >= 0.7)"
echo "  span-fetch --otlp MB/s / --chrome MB/s, W4 (same spans): $(ratio "$(awk -v a="$(size "$W/w4.jsonl")" -v t="$(secs otlp4)" 'BEGIN { print a / t }')" "$(awk -v a="$(size "$W/w4.json")" -v t="$(secs chrome4)" 'BEGIN { print a / t }')") (target >= 0.8); spans/s $(awk -v t="$(secs otlp4)" -v n=$N 'BEGIN { printf "%.0f", n / t }') and $(awk -v t="$(secs chrome4)" -v n=$N 'BEGIN { printf "%.0f", n / t }'); peak RSS $(awk -v k="$(rss otlp4)" 'BEGIN { printf "%.1f", k / 1024 }') MB and $(awk -v k="$(rss chrome4)" 'BEGIN { printf "%.1f", k / 1024 }') MB"
echo "  W2 pipeline wall / slowest stage alone: $(ratio "$pipe_wall" "$slowest") (target < 1.5);" \
    "CPU time / wall: $(awk -v u="$pipe_user" -v s="$pipe_sys" -v w="$pipe_wall" 'BEGIN { printf "%.2f", (u + s) / w }') (above 1: the stages overlap)"
echo
echo "commands (\$W is $W, removed at the end):"
sed "s|$W|\$W|g; s/^\([^|]*\)|/  \1: /" "$W/commands"
