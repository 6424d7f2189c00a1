#!/bin/sh
# make bench: builds optimized, generates the workloads, runs each tool
# several times and prints one table, with the ratios the targets are set
# in (issue "Benchmarks"), measured in this one run. Not part of make check.
# Usage: tests/bench.sh [--big]   (--big: W1 at 10,000,000 slices too)
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

# measure NAME CMD: the shortest wall time of RUNS runs and the largest
# peak RSS, then the user and system seconds of the shortest run, as
# "seconds kilobytes user system"; stdout of the last run is kept in
# $W/out. The shortest, not the median: on a shared machine a run is only
# ever slowed by others, so the best of several is the least disturbed.
measure() {
	name=$1
	shift
	: >"$W/times"
	i=0
	while [ $i -lt "$RUNS" ]; do
		/usr/bin/time -f "%e %M %U %S" -o "$W/t1" sh -c "$*" >"$W/out"
		cat "$W/t1" >>"$W/times"
		i=$((i + 1))
	done
	sort -n "$W/times" | awk 'NR == 1 { t = $1; u = $3; s = $4 } { if ($2 > m) m = $2 } END { printf "%s %s %s %s\n", t, m, u, s }'
	echo "  $name: $*" >>"$W/commands"
}

# row TOOL WORKLOAD SECS KB RECORDS INBYTES OUTBYTES SLICES
row() {
	awk -v tool="$1" -v w="$2" -v s="$3" -v kb="$4" -v r="$5" -v i="$6" -v o="$7" -v n="$8" 'BEGIN {
		if (s <= 0) s = 0.005
		per = "-"
		if (n > 0) per = sprintf("%.1f", o / n)
		printf "%-17s %-5s %9.0f %8.1f %8.1f %8s %8.1f %6.2fs\n", tool, w, r / s, i / s / 1e6, o / s / 1e6, per, kb / 1024, s }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
size() { wc -c <"$1" | tr -d ' '; }
lines() { wc -l <"$1" | tr -d ' '; }

N=1000000
awk -v n=$N -f tests/bench/w1.awk >"$W/w1.csv"
awk -v n=$N -v distinct=1 -f tests/bench/w1.awk >"$W/w3.csv"
echo "spanpipe benchmarks: $(uname -m), $(nproc) cores, $RUNS runs each (shortest time, largest peak RSS)"
echo
printf "%-17s %-5s %9s %8s %8s %8s %8s %7s\n" tool work records/s "MB/s in" "MB/s out" "B/slice" "RSS MB" time
: >"$W/commands"

set -- $(measure "bare libcsv parse, W1" "$B/csvparse <$W/w1.csv 2>/dev/null")
base1=$1
row "libcsv parse" W1 "$1" "$2" "$(lines "$W/w1.csv")" "$(size "$W/w1.csv")" 0 0
set -- $(measure "cat, W1" "cat $W/w1.csv")
row "cat" W1 "$1" "$2" "$(lines "$W/w1.csv")" "$(size "$W/w1.csv")" "$(size "$W/w1.csv")" 0

set -- $(measure "perfetto-encode, W1" "$B/perfetto-encode -o $W/w1.pftrace $W/w1.csv")
enc1=$1 rss1=$2
row "perfetto-encode" W1 "$1" "$2" "$(lines "$W/w1.csv")" "$(size "$W/w1.csv")" "$(size "$W/w1.pftrace")" $N
bps=$(awk -v o="$(size "$W/w1.pftrace")" -v n=$N 'BEGIN { printf "%.1f", o / n }')
awk -v n=$N -v slices_only=1 -f tests/bench/w1.awk >"$W/w1s.csv"
set -- $(measure "perfetto-encode, W1 slices only" "$B/perfetto-encode -o $W/w1s.pftrace $W/w1s.csv")
row "perfetto-encode" W1s "$1" "$2" "$(lines "$W/w1s.csv")" "$(size "$W/w1s.csv")" "$(size "$W/w1s.pftrace")" $N
bps_s=$(awk -v o="$(size "$W/w1s.pftrace")" -v n=$N 'BEGIN { printf "%.1f", o / n }')
rm -f "$W/w1s.csv" "$W/w1s.pftrace"

set -- $(measure "bare libcsv parse, W3" "$B/csvparse <$W/w3.csv 2>/dev/null")
base3=$1
set -- $(measure "perfetto-encode, W3" "$B/perfetto-encode -o $W/w3.pftrace $W/w3.csv")
enc3=$1 rss3=$2
row "perfetto-encode" W3 "$1" "$2" "$(lines "$W/w3.csv")" "$(size "$W/w3.csv")" "$(size "$W/w3.pftrace")" $N

if [ -x $B/perfetto-inspect ]; then
	set -- $(measure "perfetto-inspect, W1 trace" "$B/perfetto-inspect -q $W/w1.pftrace")
	insp1=$1
	row "perfetto-inspect" W1 "$1" "$2" "$(lines "$W/w1.csv")" "$(size "$W/w1.pftrace")" 0 0
fi
# W2: micromegas-like, from a SQLite store through the whole pipeline:
# 8 threads of 50,000 nested thread spans, async spans up to 1000 open.
$B/span-gen -f --db "$W/w2.db" --threads 8 --spans 400000 --async 100000 --open 1000
pid=$($B/span-fetch --db "$W/w2.db" --list-processes | awk -F, 'NR == 2 { print $4 }')
# the same queries span-fetch runs (common/fetch.c), printed by sqlite3 -csv
{
	for s in $(sqlite3 "$W/w2.db" "SELECT stream_id FROM streams WHERE process_id = '$pid' ORDER BY stream_id"); do
		echo "SELECT id, parent, depth, \"begin\", \"end\", name, target, filename, line FROM thread_spans WHERE stream_id = '$s' ORDER BY \"begin\", depth, \"end\" DESC, id;"
	done
	echo "SELECT stream_id, time, event_type, span_id, parent_span_id, depth, name, target, filename, line FROM async_events WHERE process_id = '$pid' ORDER BY time, event_type, CASE WHEN event_type = 'begin' THEN depth ELSE -depth END, span_id;"
} >"$W/w2.sql"
set -- $(measure "sqlite3 -csv, W2 queries" "sqlite3 -csv $W/w2.db <$W/w2.sql")
sql2=$1
row "sqlite3 -csv" W2 "$1" "$2" "$(lines "$W/out")" 0 "$(size "$W/out")" 0
set -- $(measure "span-fetch, W2" "$B/span-fetch --db $W/w2.db -p $pid")
fetch2=$1
cp "$W/out" "$W/w2.csv"
row "span-fetch" W2 "$1" "$2" "$(lines "$W/w2.csv")" 0 "$(size "$W/w2.csv")" 0
set -- $(measure "bare libcsv parse, W2 records" "$B/csvparse <$W/w2.csv 2>/dev/null")
base2=$1
set -- $(measure "async-match, W2" "$B/async-match $W/w2.csv 2>/dev/null")
match2=$1
cp "$W/out" "$W/w2m.csv"
row "async-match" W2 "$1" "$2" "$(lines "$W/w2.csv")" "$(size "$W/w2.csv")" "$(size "$W/w2m.csv")" 0
set -- $(measure "perfetto-encode, W2" "$B/perfetto-encode -o $W/w2.pftrace $W/w2m.csv")
enc2=$1
row "perfetto-encode" W2 "$1" "$2" "$(lines "$W/w2m.csv")" "$(size "$W/w2m.csv")" "$(size "$W/w2.pftrace")" 0
set -- $(measure "whole pipeline, W2" "$B/span-fetch --db $W/w2.db -p $pid | $B/async-match 2>/dev/null | $B/perfetto-encode -o $W/w2p.pftrace")
pipe_wall=$1 pipe_user=$3 pipe_sys=$4
slowest=$(printf '%s\n%s\n%s\n' "$fetch2" "$match2" "$enc2" | sort -n | tail -n 1)
printf "%-17s %-5s %9s %8s %8s %8s %8s %6.2fs\n" "pipeline" W2 - - - - - "$pipe_wall"
rm -f "$W/w2.db" "$W/w2.csv" "$W/w2m.csv"

big=""
if [ "$BIG" = --big ]; then
	awk -v n=10000000 -f tests/bench/w1.awk >"$W/w1big.csv"
	set -- $(measure "perfetto-encode, W1 10M" "$B/perfetto-encode -o $W/w1big.pftrace $W/w1big.csv")
	rss10=$2
	row "perfetto-encode" W1x10 "$1" "$2" "$(lines "$W/w1big.csv")" "$(size "$W/w1big.csv")" "$(size "$W/w1big.pftrace")" 10000000
	rm -f "$W/w1big.csv" "$W/w1big.pftrace"
	big=1
fi

echo
echo "targets (ratios within this run):"
echo "  perfetto-encode W1 time / bare parse: $(ratio "$enc1" "$base1") (target <= 2.0)"
echo "  perfetto-encode W1 peak RSS: $(awk -v k="$rss1" 'BEGIN { printf "%.1f", k / 1024 }') MB (target <= 16)"
[ -n "$big" ] && echo "  perfetto-encode peak RSS 10M / 1M: $(ratio "$rss10" "$rss1") (target: flat)"
echo "  perfetto-encode bytes per slice: $bps_s with the slices alone (W1s; target <= 28), $bps with W1's instants, counters and flows"
echo "  perfetto-encode W3 / W1 time per record: $(ratio "$enc3" "$enc1") (target <= 3.0), W3 peak RSS $(awk -v k="$rss3" 'BEGIN { printf "%.1f", k / 1024 }') MB"
[ -n "${insp1:-}" ] && echo "  perfetto-inspect / perfetto-encode time on W1: $(ratio "$insp1" "$enc1") (target <= 1.0)"
echo "  async-match speed / bare parse speed, W2 records: $(ratio "$base2" "$match2") (target >= 0.5)"
echo "  span-fetch speed / sqlite3 -csv speed, W2: $(ratio "$sql2" "$fetch2") (target >= 0.7)"
echo "  W2 pipeline wall / slowest stage alone: $(ratio "$pipe_wall" "$slowest") (target < 1.5);" \
    "CPU time / wall: $(awk -v u="$pipe_user" -v s="$pipe_sys" -v w="$pipe_wall" 'BEGIN { printf "%.2f", (u + s) / w }') (above 1: the stages overlap)"
echo
echo "commands:"
cat "$W/commands"
