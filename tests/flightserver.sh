# The FlightSQL test service (tests/flight/server.mjs) for the CLI tests
# (sourced). fl_start NAME STORE [server options] starts it on a free
# loopback port and sets FL_URI; without node or its npm packages it skips
# and returns 1. fl_stop stops it; it also runs when the tests exit or are
# interrupted.
FL_PID=
FL_DIR=$(cd "$(dirname "${TESTS:-tests}/flight/server.mjs")" 2>/dev/null && pwd)

fl_stop() {
	[ -n "$FL_PID" ] || return 0
	kill "$FL_PID" 2>/dev/null
	wait "$FL_PID" 2>/dev/null
	FL_PID=
	trap - EXIT INT TERM
}

fl_start() {
	name=$1 store=$2
	shift 2
	if ! command -v node >/dev/null 2>&1; then
		skip "$name: FlightSQL" "no node (Node.js >= 20) on PATH"
		return 1
	fi
	if [ ! -d "$FL_DIR/node_modules/apache-arrow" ]; then
		skip "$name: FlightSQL" "no npm packages in $FL_DIR (tests/deps.sh runs npm ci)"
		return 1
	fi
	fl_stop
	: >"$T/fl.port"
	node "$FL_DIR/server.mjs" --store "$store" "$@" >"$T/fl.port" 2>"$T/fl.log" &
	FL_PID=$!
	trap fl_stop EXIT
	trap 'fl_stop; exit 130' INT TERM
	for i in $(seq 1 300); do
		[ -s "$T/fl.port" ] && break
		kill -0 "$FL_PID" 2>/dev/null || break
		sleep 0.1
	done
	if [ ! -s "$T/fl.port" ]; then
		fail "$name: FlightSQL: the test service starts" "$(tail -n 5 "$T/fl.log")"
		fl_stop
		return 1
	fi
	FL_URI=grpc://127.0.0.1:$(head -n 1 "$T/fl.port")
	return 0
}
