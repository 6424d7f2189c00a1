#!/bin/sh
# make memcheck: the test suite with every tool and unit test run under
# valgrind's memcheck (tests/vgwrap.sh, through TOOL_WRAPPER in
# tests/run.sh). Fails on a failed test or on any valgrind report, which
# it prints. Usage: tests/memcheck.sh BUILD_DIR [test-file ...]
top=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v valgrind >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >&2 || exit 1
	else
		echo "memcheck: valgrind is missing; install it with:" >&2
		echo "  sudo apt-get install valgrind" >&2
		exit 1
	fi
fi
VG_LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/spanpipe-vg.XXXXXX") || exit 2
TOOL_WRAPPER=$top/tests/vgwrap.sh
export VG_LOG_DIR TOOL_WRAPPER
sh "$top/tests/run.sh" "$@"
status=$?
reports=$(find "$VG_LOG_DIR" -type f -size +0 | sort)
if [ -n "$reports" ]; then
	echo "memcheck: valgrind reports:"
	for f in $reports; do
		cat "$f"
	done | head -200
	status=1
else
	echo "memcheck: no valgrind report"
fi
rm -rf "$VG_LOG_DIR"
exit $status
