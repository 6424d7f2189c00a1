# Test helpers, sourced by tests/run.sh and by every tests/cli/*.sh.
# BIN is the directory holding the tools under test; SHARED is ../shared
# when it exists (tests that need it call need_shared first).

npass=${npass:-0}
nfail=${nfail:-0}
nskip=${nskip:-0}

pass() { npass=$((npass + 1)); [ -n "${VERBOSE:-}" ] && echo "ok   $1"; return 0; }
fail() {
	nfail=$((nfail + 1))
	echo "FAIL $1"
	shift
	[ $# -gt 0 ] && printf '     %s\n' "$@"
	return 0
}
skip() { nskip=$((nskip + 1)); echo "skip $1: $2"; }

# A scratch directory for the current test file.
scratch() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/spanpipe-test.XXXXXX")
	SCRATCH_DIRS="${SCRATCH_DIRS:-} $T"
}

# t NAME STATUS STDIN STDOUT ERRPAT -- CMD ARGS...
#   Runs CMD with STDIN (a string; '' for none) and checks its exit status,
#   that stdout equals STDOUT ('*' for any) and that stderr matches the
#   extended regex ERRPAT ('' for empty stderr, '*' for any).
t() {
	name=$1 want=$2 input=$3 wantout=$4 errpat=$5
	shift 5
	[ "$1" = -- ] && shift
	printf '%s' "$input" | "$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" != "$want" ]; then
		fail "$name" "exit status $got, expected $want" "stderr: $(head -c 400 "$T/err")"
		return
	fi
	if [ "$wantout" != '*' ] && [ "$(cat "$T/out")" != "$wantout" ]; then
		fail "$name" "stdout differs:" "$(head -c 600 "$T/out")" "expected:" "$wantout"
		return
	fi
	case $errpat in
	'*') ;;
	'') if [ -s "$T/err" ]; then fail "$name" "unexpected stderr: $(head -c 400 "$T/err")"; return; fi ;;
	*) if ! grep -Eq -- "$errpat" "$T/err"; then fail "$name" "stderr does not match /$errpat/:" "$(head -c 400 "$T/err")"; return; fi ;;
	esac
	pass "$name"
}

# same NAME FILE1 FILE2: the files are equal.
same() {
	if cmp -s "$2" "$3"; then pass "$1"; else fail "$1" "$2 and $3 differ" "$(diff "$2" "$3" | head -20)"; fi
}

# check NAME CMD...: passes when CMD exits 0.
check() {
	name=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then pass "$name"; else fail "$name" "$(head -c 600 "$T/check.out")"; fi
}

need_shared() {
	if [ -z "${SHARED:-}" ] || [ ! -d "$SHARED" ]; then
		skip "$1" "../shared is not here"
		return 1
	fi
	return 0
}

. "${TESTS:-tests}/tp.sh"
