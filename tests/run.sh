#!/bin/sh
# The test runner: unit test programs, then every tests/cli/*.sh, then the
# man page lint. Usage: tests/run.sh BUILD_DIR [test-file ...]
# Ends with "N passed, N failed" (and ", N skipped").
BUILD=${1:-build}
shift 2>/dev/null
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(cd "$top/$BUILD" 2>/dev/null && pwd) || { echo "no build in $BUILD" >&2; exit 2; }
SHARED=${SHARED:-$(cd "$top/../shared" 2>/dev/null && pwd)}
# make memcheck: with TOOL_WRAPPER set, every program of BIN (the tools
# and the unit tests) runs as "TOOL_WRAPPER PROGRAM ARGS...", through
# scripts in a directory that stands in for BIN.
if [ -n "${TOOL_WRAPPER:-}" ]; then
	wrapped=$(mktemp -d "${TMPDIR:-/tmp}/spanpipe-wrap.XXXXXX") || exit 2
	mkdir "$wrapped/tests"
	for p in "$BIN"/* "$BIN"/tests/*; do
		[ -f "$p" ] && [ -x "$p" ] || continue
		w=$wrapped/${p#"$BIN"/}
		printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$TOOL_WRAPPER" "$p" >"$w"
		chmod +x "$w"
	done
	BIN=$wrapped
	SCRATCH_DIRS=$wrapped
fi
TESTS=$top/tests
export BIN SHARED TESTS BUILD
cd "$top" || exit 2
. tests/lib.sh

for u in "$BIN"/tests/*; do
	[ -x "$u" ] || continue
	"$u" >"${TMPDIR:-/tmp}/spanpipe-unit.$$" 2>&1
	st=$?
	p=$(grep -c '^ok ' "${TMPDIR:-/tmp}/spanpipe-unit.$$")
	grep '^FAIL ' "${TMPDIR:-/tmp}/spanpipe-unit.$$"
	f=$(grep -c '^FAIL ' "${TMPDIR:-/tmp}/spanpipe-unit.$$")
	npass=$((npass + p))
	nfail=$((nfail + f))
	if [ "$st" != 0 ] && [ "$f" = 0 ]; then
		fail "$(basename "$u")" "exited $st" "$(tail -5 "${TMPDIR:-/tmp}/spanpipe-unit.$$")"
	fi
	rm -f "${TMPDIR:-/tmp}/spanpipe-unit.$$"
done

if [ $# -gt 0 ]; then files=$*; else files=$(ls tests/cli/*.sh); fi
for f in $files; do
	scratch
	. "./$f"
done
for d in ${SCRATCH_DIRS:-}; do rm -rf "$d"; done

# Under sanitizers (see .ci/run) reports go to files: any file is a failure,
# whatever the exit status of the run that wrote it.
if [ -n "${SAN_LOG_DIR:-}" ]; then
	if [ -n "$(ls "$SAN_LOG_DIR" 2>/dev/null)" ]; then
		fail "sanitizer reports" "$(cat "$SAN_LOG_DIR"/* | head -40)"
	else
		pass "no sanitizer reports"
	fi
fi

[ "$ntp" -gt 0 ] && echo "trace_processor_shell judged $ntp traces"
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" = 0 ]
