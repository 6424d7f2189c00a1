# span-fetch from a FlightSQL service (tests/flight/server.mjs serving a
# span-gen store): the same records as from the SQLite store, the listing,
# the service's own trace, and every failure: bad token, bad process id,
# refused connection, silence, and a service that drops the stream, stalls,
# fails, or sends a corrupt header or a buffer longer than its body.
. tests/flightserver.sh
F=$BIN/span-fetch
TP=${SHARED:+$SHARED/bin/trace_processor_shell}

# A valid record stream (maybe cut short): every line whole, 17 fields.
fl_valid() {
	python3 -c '
import csv, sys
data = open(sys.argv[1], newline="", encoding="utf-8").read()
assert data.endswith("\n"), "last line cut"
rows = list(csv.reader(data.splitlines(True)))
assert all(len(r) == 17 for r in rows), "a record without 17 fields"
assert rows[0][0] == "kind", "no header"
assert int(sys.argv[2]) <= sum(r[0] == "slice" for r in rows), "too few slices"
' "$1" "$2"
}

# Perfetto's importer on a trace, when it is here: no crash, no error stat.
fl_tp() {
	[ -x "${TP:-}" ] || return 0
	echo "select name, value from stats where value > 0 and severity in ('error', 'data_loss');" >"$T/tp.sql"
	if ! "$TP" -q "$T/tp.sql" "$2" >"$T/tp.out" 2>"$T/tp.err"; then
		fail "$1: trace_processor_shell" "$(tail -n 5 "$T/tp.err")"
		return
	fi
	if [ "$(grep -c . "$T/tp.out")" -gt 1 ]; then
		fail "$1: trace_processor_shell error stats" "$(cat "$T/tp.out")"
		return
	fi
	pass "$1: trace_processor_shell"
}

# fl_same NAME ARGS...: span-fetch ARGS from the service and from the
# SQLite store: both succeed, with records beyond the header, and are equal.
fl_same() {
	name=$1
	shift
	$F --db "$FL_URI" "$@" >"$T/fl.csv" 2>"$T/fl.err"
	st=$?
	$F --db "$FL_DB" "$@" >"$T/sq.csv" 2>"$T/sq.err"
	if [ "$st" != 0 ] || [ -s "$T/fl.err" ] || [ -s "$T/sq.err" ]; then
		fail "$name" "exit status $st" "$(head -c 300 "$T/fl.err" "$T/sq.err")"
	elif ! grep -Eq '^(slice|async_begin|async_end),' "$T/fl.csv"; then
		fail "$name" "no spans fetched"
	else
		same "$name" "$T/fl.csv" "$T/sq.csv"
	fi
}

# The fixture store of span-fetch.sh (threads sharing an id, nameless
# threads, orphan and unfinished async spans, ties), its process ids made
# UUIDs, over the whole process and ranges that cut it.
fl_fixture() {
	FL_DB=$T/fx.db
	rm -f "$FL_DB"
	sqlite3 "$FL_DB" <sql/store-sqlite.sql && sqlite3 "$FL_DB" <tests/data/fetch-fixture.sql || return
	u1=11111111-1111-4111-8111-111111111111 u2=22222222-2222-4222-8222-222222222222
	for tb in processes streams async_events; do
		sqlite3 "$FL_DB" "UPDATE $tb SET process_id = CASE process_id WHEN 'p1' THEN '$u1' ELSE '$u2' END"
	done
	sqlite3 "$FL_DB" "UPDATE processes SET parent_process_id = '$u1' WHERE parent_process_id = 'p1'"
	fl_start "flight: fixture" "$FL_DB" --batch-rows 2 || return
	for s in thread async both; do
		fl_same "flight: fixture, --spans $s" -p $u1 --spans $s
	done
	fl_same "flight: fixture, other process" -p $u2
	fl_same "flight: fixture, range inside spans" -p $u1 --start-time 1600 --end-time 2100
	fl_same "flight: fixture, range from a time on" -p $u1 --start-time 4600
	fl_same "flight: fixture, range up to a time" -p $u1 --end-time 1000
	fl_same "flight: fixture, range before everything" -p $u1 --end-time 1969-12-31T23:00:00Z
	fl_same "flight: fixture, range after everything" -p $u1 --start-time 2000-01-01T00:00:00Z
	$F --db "$FL_URI" -l >"$T/fl.csv" 2>&1
	$F --db "$FL_DB" -l | sed 's/""thread_spans"":[0-9]*,""async_events"":[0-9]*,//' >"$T/sq.csv"
	same "flight: fixture, --list-processes" "$T/fl.csv" "$T/sq.csv"
	fl_stop
}

fl_run() {
	FL_DB=$T/fl.db
	"$BIN/span-gen" --db "$T/fl.db" --seed 7 --processes 2 --threads 3 \
	    --spans 6000 --async 1500 --no-progress 2>"$T/gen.err" ||
		{ fail "flight: span-gen" "$(cat "$T/gen.err")"; return; }
	fl_start flight "$T/fl.db" --token s3cret --batch-rows 37 --bin "$BIN" || return
	export SPANPIPE_TOKEN=s3cret
	pids=$(sqlite3 "$T/fl.db" 'SELECT process_id FROM processes ORDER BY process_id')
	pid=$(echo "$pids" | head -n 1)

	# Whole processes, each --spans, with dictionaries (preserve_dictionary).
	for p in $pids; do
		for s in thread async both; do
			fl_same "flight: $p --spans $s equals SQLite" -p "$p" --spans "$s"
		done
	done

	# Ranges that cut thread and async spans at both edges.
	set -- $(sqlite3 -separator ' ' "$T/fl.db" "SELECT min(\"begin\"), max(\"end\") FROM thread_spans t JOIN streams s USING (stream_id) WHERE s.process_id = '$pid'")
	a=$(($1 + ($2 - $1) / 3)) b=$(($1 + 2 * ($2 - $1) / 3))
	for s in thread async both; do
		fl_same "flight: --spans $s, a range inside the process, equals SQLite" \
		    -p "$pid" --spans "$s" --start-time "$a" --end-time "$b"
	done
	check "flight: the range cuts thread spans at both edges" awk -F, -v a="$a" -v b="$b" '
	    $1 == "slice" && $2 < a && $2 + $3 > a { x = 1 }
	    $1 == "slice" && $2 < b && $2 + $3 > b { y = 1 }
	    $1 == "async_begin" && $2 < a { z = 1 }
	    END { exit !(x && y && z) }' "$T/fl.csv"
	fl_same "flight: an RFC 3339 start only equals SQLite" -p "$pid" \
	    --start-time "$(date -u -d @$((a / 1000000000)) +%Y-%m-%dT%H:%M:%S).$(printf %09d $((a % 1000000000)))Z"
	fl_same "flight: an end only equals SQLite" -p "$pid" --end-time "$b"

	# The listing: the SQLite one without the span counts.
	$F --db "$FL_URI" --list-processes >"$T/fl.csv" 2>&1
	$F --db "$T/fl.db" --list-processes | sed 's/""thread_spans"":[0-9]*,""async_events"":[0-9]*,//' >"$T/sq.csv"
	same "flight: --list-processes" "$T/fl.csv" "$T/sq.csv"
	t "flight: \$SPANPIPE_DB" 0 '' "$(cat "$T/fl.csv")" '' -- env SPANPIPE_DB="$FL_URI" $F -l

	# The token: from a file; missing or wrong.
	printf 's3cret\n' >"$T/token"
	t "flight: --token-file" 0 '' "$(cat "$T/fl.csv")" '' -- env -u SPANPIPE_TOKEN $F --db "$FL_URI" --token-file "$T/token" -l
	t "flight: no token" 77 '' '' 'authentication failed \(invalid token\?\)' -- env -u SPANPIPE_TOKEN $F --db "$FL_URI" -l
	t "flight: a wrong token" 77 '' '' 'authentication failed \(invalid token\?\): invalid token' -- env SPANPIPE_TOKEN=guess $F --db "$FL_URI" -p "$pid"
	t "flight: a missing token file" 66 '' '' "$T/none: No such file" -- $F --db "$FL_URI" --token-file "$T/none" -l
	printf 'a\tb\n' >"$T/badtoken"
	t "flight: a token that cannot go in a header" 65 '' '' 'cannot go in a header \(0x09 at byte 1\)' -- $F --db "$FL_URI" --token-file "$T/badtoken" -l

	# Process ids: a UUID only, checked before any call; one the service lacks.
	t "flight: a process id that is not a UUID" 64 '' '' "-p: 'x' OR 1=1' is not a UUID" -- $F --db grpc://127.0.0.1:1 -p "x' OR 1=1"
	t "flight: an unknown process" 65 '' '' "no process '00000000-0000-4000-8000-000000000000'" -- $F --db "$FL_URI" -p 00000000-0000-4000-8000-000000000000
	t "flight: bad URI" 64 '' '' 'expected grpc://HOST\[:PORT\]' -- $F --db grpc://:1 -l
	t "flight: a URI with a path" 64 '' '' 'has no path' -- $F --db grpc://127.0.0.1:1/x -l

	# The test service itself, as the real one: thread spans only with
	# the query range headers.
	sid=$(sqlite3 "$T/fl.db" "SELECT stream_id FROM streams WHERE process_id = '$pid' AND tags = 'cpu' LIMIT 1")
	q="SELECT \"begin\" FROM view_instance('thread_spans', '$sid') WHERE \"begin\" <= TIMESTAMP '2030-01-01T00:00:00Z' AND \"end\" >= TIMESTAMP '2000-01-01T00:00:00Z'"
	t "flight: the service refuses thread spans without a query range" 0 '' 'status 3: query range mandatory for thread spans view' '' -- \
	    node "$FL_DIR/client.mjs" "$FL_URI" "$q" authorization="Bearer s3cret"
	t "flight: the service answers them with one" 0 '' '*' '' -- sh -c "node '$FL_DIR/client.mjs' '$FL_URI' \"\$1\" authorization='Bearer s3cret' query_range_begin=2000-01-01T00:00:00Z query_range_end=2030-01-01T00:00:00Z | grep -Ex '[0-9]{2,} messages'" sh "$q"
	t "flight: a host that does not resolve" 69 '' '' "grpc://nowhere.invalid: cannot resolve 'nowhere.invalid'" -- $F --db grpc://nowhere.invalid -l

	# The service's own trace, judged by perfetto-inspect and Perfetto.
	$F --db "$FL_URI" -p "$pid" --server-trace >"$T/server.pftrace" 2>"$T/fl.err"
	t "flight: --server-trace" 0 '' '*' '' -- cat "$T/fl.err"
	check "flight: --server-trace passes perfetto-inspect" "$BIN/perfetto-inspect" "$T/server.pftrace"
	check "flight: --server-trace holds the thread spans" sh -c "'$BIN/perfetto-inspect' '$T/server.pftrace' | grep -q 'slices *[1-9]'"
	fl_tp "flight: --server-trace" "$T/server.pftrace"
	t "flight: --server-trace of an unknown process" 65 '' '' 'Process 00000000-0000-4000-8000-000000000000 not found' -- $F --db "$FL_URI" -p 00000000-0000-4000-8000-000000000000 --server-trace --start-time 0
	t "flight: --server-trace needs a service" 64 '' '' 'needs a FlightSQL service' -- $F --db "$T/fl.db" -p "$pid" --server-trace
	$F --db "$FL_URI" -p "$pid" | "$BIN/async-match" 2>/dev/null | "$BIN/perfetto-encode" -o "$T/records.pftrace"
	check "flight: records through async-match and perfetto-encode" "$BIN/perfetto-inspect" "$T/records.pftrace"
	fl_tp "flight: records through the pipeline" "$T/records.pftrace"

	# Hydrated strings (a service that ignores preserve_dictionary).
	fl_start "flight: hydrated" "$T/fl.db" --token s3cret --batch-rows 100 --no-dictionaries 1 || return
	fl_same "flight: hydrated strings equal SQLite" -p "$pid"
	port=${FL_URI##*:}
	fl_stop
	t "flight: connection refused" 69 '' '' "grpc://127.0.0.1:$port: cannot connect to 127.0.0.1 port $port: Connection refused" -- $F --db "$FL_URI" -l

	# Misbehaving services: an error, what came before a valid stream.
	for m in "drop 69 the server closed the connection" \
	    "stall 69 no answer for 1 s" \
	    "error 69 INTERNAL \(gRPC status 13\): injected failure after 2 batches" \
	    "corrupt-header 65 DoGet message [0-9]+ of 'SELECT id.*message header" \
	    "long-buffer 65 DoGet message [0-9]+ of 'SELECT id.*runs past the body"; do
		set -- $m
		mode=$1 want=$2
		shift 2
		fl_start "flight: $mode" "$T/fl.db" --token s3cret --batch-rows 20 --misbehave "$mode" --after 2 || return
		$F --db "$FL_URI" --timeout 1 -p "$pid" --spans thread >"$T/bad.csv" 2>"$T/bad.err"
		st=$?
		if [ "$st" != "$want" ] || ! grep -Eq "$*" "$T/bad.err"; then
			fail "flight: misbehaving service: $mode" "exit status $st, expected $want" "$(head -c 400 "$T/bad.err")"
		else
			pass "flight: misbehaving service: $mode"
		fi
		[ -n "${VERBOSE:-}" ] && cat "$T/bad.err"
		check "flight: $mode: what came before is a valid record stream" fl_valid "$T/bad.csv" 1
		fl_stop
	done
	fl_tls
	unset SPANPIPE_TOKEN
}
# TLS (grpc+tls://) with a certificate made here: trusted through
# SSL_CERT_FILE, checked against the host name or address; refused when
# untrusted; a TLS client at a plaintext service and the other way round.
fl_tls() {
	if ! openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" \
	    -days 2 -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >"$T/ssl.log" 2>&1; then
		skip "flight: TLS" "openssl cannot make a certificate: $(tail -n 1 "$T/ssl.log")"
		return
	fi
	fl_start "flight: TLS" "$FL_DB" --token s3cret --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" || return
	port=${FL_URI##*:}
	FL_URI=grpc+tls://localhost:$port
	export SSL_CERT_FILE="$T/cert.pem"
	fl_same "flight: grpc+tls://localhost equals SQLite" -p "$pid"
	FL_URI=https://127.0.0.1:$port
	fl_same "flight: https://127.0.0.1 equals SQLite" -p "$pid" --spans thread
	unset SSL_CERT_FILE
	t "flight: TLS, an untrusted certificate" 69 '' '' "grpc\+tls://localhost:$port: TLS handshake failed: certificate: self-signed certificate" -- $F --db "grpc+tls://localhost:$port" -l
	t "flight: plaintext to a TLS service" 69 '' '' "grpc://localhost:$port: (the server closed the connection|the connection broke)" -- $F --db "grpc://localhost:$port" --timeout 5 -l
	fl_start "flight: plaintext" "$FL_DB" --token s3cret || return
	t "flight: TLS to a plaintext service" 69 '' '' 'TLS handshake failed' -- $F --db "grpc+tls://${FL_URI#grpc://}" --timeout 5 -l
	fl_stop
}

fl_fixture
fl_run
fl_stop
