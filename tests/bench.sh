#!/bin/sh
# make bench: builds optimized, generates the workloads, runs each tool
# several times and prints one table, with the ratios the targets are set
# in (issue "Benchmarks"), measured in this one run. Not part of make check.
# Usage: tests/bench.sh [--big]   (--big: W1 at 10,000,000 slices too)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=build-bench
RUNS=${RUNS:-3}
W=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/spanpipe-bench.XXXXXX")}
trap 'rm -rf "$W"' EXIT
make -s BUILD=$B CFLAGS="-std=c11 -O2 -g -Wall -Wextra" all >/dev/null
cc -O2 -o $B/csvparse tests/bench/csvparse.c -lcsv

# measure NAME CMD: the median wall time of RUNS runs and the largest peak
# RSS, as "seconds kilobytes"; stdout of the last run is kept in $W/out.
measure() {
	name=$1
	shift
	: >"$W/times"
	i=0
	while [ $i -lt "$RUNS" ]; do
		/usr/bin/time -f "%e %M" -o "$W/t1" sh -c "$*" >"$W/out"
		cat "$W/t1" >>"$W/times"
		i=$((i + 1))
	done
	sort -n "$W/times" | awk -v n="$RUNS" 'NR == int((n + 1) / 2) { t = $1 } { if ($2 > m) m = $2 } END { printf "%s %s\n", t, m }'
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
echo "spanpipe benchmarks: $(uname -m), $(nproc) cores, $RUNS runs each (median time, largest peak RSS)"
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
big=""
if [ "${1:-}" = --big ] || [ "${BENCH_BIG:-}" = 1 ]; then
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
echo
echo "commands:"
cat "$W/commands"
