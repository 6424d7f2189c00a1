# A throwaway PostgreSQL server for the CLI tests (sourced). pg_start NAME
# runs initdb in a new directory under /tmp (as nobody when run as root:
# the server refuses to run as root), starts the server on 127.0.0.1 at a
# free high port and on a socket in that directory, and sets PG_URI and
# PG_PORT; without the server binaries it skips and returns 1. pg_stop
# stops the server and removes the directory; it also runs when the tests
# exit or are interrupted. pg_psql runs psql against the server.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_DIR=

pg_as() {
	if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

pg_psql() {
	"$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -d "$PG_URI" "$@"
}

pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_DIR=
	trap - EXIT INT TERM
}

pg_start() {
	if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
		skip "$1: PostgreSQL" "no PostgreSQL server in /usr/lib/postgresql/*/bin (Debian package postgresql)"
		return 1
	fi
	if [ "$(id -u)" = 0 ] && ! command -v runuser >/dev/null 2>&1; then
		skip "$1: PostgreSQL" "running as root without runuser to start the server as nobody"
		return 1
	fi
	PG_DIR=$(mktemp -d /tmp/spanpipe-pg.XXXXXX) || { fail "$1: PostgreSQL: mktemp"; return 1; }
	trap pg_stop EXIT
	trap 'pg_stop; exit 130' INT TERM
	chmod 755 "$PG_DIR"
	[ "$(id -u)" != 0 ] || chown nobody "$PG_DIR"
	if ! pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U spanpipe -A trust -E UTF8 \
		--locale=C --no-sync >"$PG_DIR/initdb.log" 2>&1; then
		fail "$1: PostgreSQL: initdb" "$(tail -n 5 "$PG_DIR/initdb.log")"
		pg_stop
		return 1
	fi
	for try in 1 2 3 4 5; do
		PG_PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		if pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 30 \
			-o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" \
			start >/dev/null 2>&1; then
			PG_URI=postgresql://spanpipe@127.0.0.1:$PG_PORT/postgres
			return 0
		fi
	done
	fail "$1: PostgreSQL: the server starts" "$(tail -n 5 "$PG_DIR/log" 2>/dev/null)"
	pg_stop
	return 1
}
