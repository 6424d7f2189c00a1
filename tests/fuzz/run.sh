#!/bin/sh
# make fuzz: builds the libFuzzer harnesses of tests/fuzz with clang and
# runs each in turn for a set time. Usage:
#   tests/fuzz/run.sh BUILD_DIR SECONDS [harness ...]
# SECONDS 0 only builds. The corpus of each harness grows in
# BUILD_DIR/corpus/NAME across runs; it is seeded from the tests, from
# tests/data and, when it is there, from ../shared/corpus. A crash is
# written to BUILD_DIR/crashes/NAME-*; the run then fails. The figures of
# each run (executions, coverage) are at the end of BUILD_DIR/logs/NAME.log.
# Environment: CLANG (clang), FUZZ_CPPFLAGS and FUZZ_LIBS (from the
# Makefile), FUZZ_FLAGS (more libFuzzer flags).
set -e
B=${1:-build-fuzz}
SECS=${2:-60}
shift 2 2>/dev/null || shift $#
HARNESSES=${*:-records inspect asyncmatch encode arrow}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
CLANG=${CLANG:-clang}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-std=c11 -O1 -g -fno-omit-frame-pointer $SAN"
CPPFLAGS="${FUZZ_CPPFLAGS:--D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I/usr/include/postgresql} -Icommon -I$B/proto"
LIBS=${FUZZ_LIBS:--lcsv -lprotobuf-c -lxxhash -ljson-c -lz -lsqlite3 -lpq -llz4 -lzstd -lm -pthread}
SHARED=${SHARED:-$top/../shared}

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "fuzz: $CLANG is not installed (apt-get install clang)" >&2
	exit 1
fi
rt=$("$CLANG" -print-resource-dir)/lib/linux/libclang_rt.fuzzer-x86_64.a
if [ ! -f "$rt" ] && ! ls "$("$CLANG" -print-resource-dir)"/lib/*/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
	v=$("$CLANG" --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p')
	echo "fuzz: libFuzzer is missing (apt-get install libclang-rt-$v-dev)" >&2
	exit 1
fi

# The library, instrumented; then each harness.
make -s BUILD="$B" CC="$CLANG" CFLAGS="$CFLAGS -fsanitize=fuzzer-no-link" \
	LDFLAGS="$SAN" "$B/libcommon.a" "$B/perfetto-encode" "$B/tests/arrow_test"
mkdir -p "$B/fuzz" "$B/corpus" "$B/seeds" "$B/crashes" "$B/logs"
for h in $HARNESSES; do
	extra=
	[ "$h" = encode ] && extra="tests/fuzz/reset_encode.c tests/fuzz/reset_tracks.c tests/fuzz/reset_trace.c"
	if [ ! -x "$B/fuzz/$h" ] || [ -n "$(find tests/fuzz common tools -newer "$B/fuzz/$h" -name '*.[ch]' | head -1)" ] ||
	    [ "$B/libcommon.a" -nt "$B/fuzz/$h" ]; then
		echo "fuzz: building $h"
		# shellcheck disable=SC2086
		"$CLANG" $CFLAGS -fsanitize=fuzzer $CPPFLAGS -Itests/fuzz \
			-Wl,--wrap=exit -o "$B/fuzz/$h" "tests/fuzz/$h.c" \
			tests/fuzz/fuzz.c $extra "$B/libcommon.a" $LIBS
	fi
done
[ "$SECS" -gt 0 ] || exit 0

# Seeds: small inputs from the tests, each up to 64 KiB.
seed() {	# seed HARNESS NAME: stdin becomes a seed
	head -c 65536 >"$B/seeds/$1/$2"
}
records_seeds() {
	d=$B/seeds/$1
	for f in tests/data/*.csv; do seed "$1" "$(basename "$f")" <"$f"; done
	python3 tests/gen_nested.py 7 60 | seed "$1" nested.csv
	python3 tests/asyncgen.py 3 40 --noise | seed "$1" async-noise.csv
	python3 tests/asyncgen.py 4 40 --grid 50 --window --reuse | seed "$1" async-window.csv
	python3 tests/asyncgen.py 5 30 --micromegas | seed "$1" async-micromegas.csv
	awk -v n=200 -f tests/bench/w1.awk | seed "$1" w1.csv
	printf 'kind,ts,dur,pid,tid,name,args\nslice,5,1,1,1,"a ""q"", b","{""k"":[1,2.5,{""d"":null}],""s"":""\\u00e9""}"\r\nbegin,6,,1,1,x,\nend,7,,1,1,,\n' | seed "$1" quoted.csv
	printf 'slice,1,2,p,t,,,,,n\n\ncounter,3,,p,,,,,,c,,,,1.5\ninstant,4,,,,,,,,g\n' | seed "$1" noheader.csv
	: >"$d/empty"
}
mkdir -p "$B/seeds"
for h in $HARNESSES; do
	rm -rf "$B/seeds/$h"
	mkdir -p "$B/seeds/$h" "$B/corpus/$h"
	for f in tests/fuzz/regress/"$h"-*; do
		[ -f "$f" ] && cp "$f" "$B/seeds/$h/"
	done
	case $h in
	records | encode | asyncmatch)
		records_seeds "$h" ;;
	inspect)
		python3 tests/tracegen.py -o "$B/seeds/$h"
		for f in tests/data/*.csv; do
			"$B/perfetto-encode" -k "$f" 2>/dev/null | seed "$h" "$(basename "$f" .csv).pftrace"
			"$B/perfetto-encode" -k --absolute-ts "$f" 2>/dev/null | gzip | seed "$h" "$(basename "$f" .csv)-abs.pftrace.gz"
		done
		if [ -d "$SHARED/corpus" ]; then
			for f in "$SHARED"/corpus/perfetto/* "$SHARED"/corpus/perfetto-upstream/*.pftrace; do
				seed "$h" "$(basename "$f")" <"$f"
			done
		fi ;;
	arrow)
		# The hand-built messages of the unit test, and the streams
		# apache-arrow writes for tests/cli/arrow.sh when node is here.
		"$B/tests/arrow_test" --seeds "$B/seeds/$h" 2>/dev/null
		if command -v node >/dev/null 2>&1 && [ -d tests/flight/node_modules/apache-arrow ]; then
			node tests/arrow/gen.mjs "$B/seeds/$h" && rm -f "$B/seeds/$h"/*.txt "$B/seeds/$h"/*.err
		fi ;;
	esac
done

# Runs, one at a time.
status=0
for h in $HARNESSES; do
	echo "fuzz: $h for ${SECS}s"
	# shellcheck disable=SC2086
	if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    "$B/fuzz/$h" -max_total_time="$SECS" -max_len=65536 -timeout=20 \
	    -rss_limit_mb=2048 -close_fd_mask=2 -print_final_stats=1 \
	    -artifact_prefix="$B/crashes/$h-" ${FUZZ_FLAGS:-} \
	    "$B/corpus/$h" "$B/seeds/$h" >"$B/logs/$h.log" 2>&1; then
		status=1
		echo "fuzz: $h FAILED; see $B/logs/$h.log and $B/crashes" >&2
	fi
	grep -E '^#[0-9]+[[:space:]]+DONE' "$B/logs/$h.log" | tail -1 | sed "s/^/fuzz: $h: /"
	sed -n 's/^stat::number_of_executed_units: */fuzz: '"$h"': executions: /p' "$B/logs/$h.log"
done
exit $status
