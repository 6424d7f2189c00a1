# Faults around the tools: a full disk, a reader that goes away, a signal
# mid-run, a PostgreSQL server that goes away, refuses or never answers,
# a locked SQLite store, SQL injection through what reaches a query. What
# perfetto-encode.sh, perfetto-inspect.sh and span-fetch.sh check already
# is not repeated.
AM=$BIN/async-match
E=$BIN/perfetto-encode
PI=$BIN/perfetto-inspect
F=$BIN/span-fetch
G=$BIN/span-gen
H=kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,line,value,flows,flows_end,args
INT="python3 $TESTS/interrupt.py"

# Every line whole and of 17 fields, the header first: a valid record
# stream, maybe cut short.
fa_records() {
	python3 -c '
import csv, sys
data = open(sys.argv[1], newline="", encoding="utf-8").read()
assert data.endswith("\n"), "last line cut"
rows = list(csv.reader(data.splitlines(True)))
assert all(len(r) == 17 for r in rows), "a record without 17 fields"
assert rows[0][0] == "kind", "no header"
' "$1"
}

# Inputs big enough to outlast a pipe's buffer and a signal's delivery.
awk 'BEGIN { print "kind,ts,dur,pid,tid,id,name,args"
	for (i = 0; i < 200000; i++) {
		printf "slice,%d,5,1,%d,,n%d,\"{\"\"i\"\":%d}\"\n", 1000 + i * 10, i % 4, i % 7, i
		if (i % 50 == 0) printf "async_begin,%d,,1,1,a%d,op,\n", 1000 + i * 10, i
		if (i % 50 == 2) printf "async_end,%d,,1,1,a%d,,\n", 1000 + i * 10, i - 2
	} }' >"$T/big.csv"
grep -v '^async' "$T/big.csv" >"$T/slices.csv"
$E "$T/slices.csv" >"$T/big.pftrace"
tp_check "faults: the big trace" "$T/big.pftrace" "$T/slices.csv"
$G --db "$T/big.db" --spans 60000 --async 10000
fa_pid=$($F --db "$T/big.db" -l | sed -n '2s/^process,[0-9]*,,\([^,]*\),.*/\1/p')
$E --format=json "$T/slices.csv" >"$T/big.json"

# --- a full disk ------------------------------------------------------------
fa_full() {	# NAME CMD: exit 74, the output named
	t "$1: /dev/full" 74 '' '' "^$2: <stdout>: write error: No space left on device" -- sh -c "$3 >/dev/full"
}
fa_full async-match async-match "$AM '$T/big.csv'"
fa_full "perfetto-encode --format=json" perfetto-encode "$E --format=json '$T/slices.csv'"
fa_full "perfetto-inspect --records" perfetto-inspect "$PI --records '$T/big.pftrace'"
fa_full "perfetto-inspect --csv" perfetto-inspect "$PI --csv '$T/big.pftrace'"
fa_full "span-fetch --chrome" span-fetch "$F --chrome '$T/big.json'"
fa_full span-gen span-gen "$G --spans 1000"

# --- a reader that goes away ------------------------------------------------
fa_pipe() {	# NAME CMD...: exit 141 (128 + SIGPIPE) in silence, soon
	name=$1
	shift
	( "$@"; echo "status $?" >"$T/pipe.status" ) 2>"$T/pipe.err" | head -c 100 >/dev/null
	if grep -q 'status 141' "$T/pipe.status" && [ ! -s "$T/pipe.err" ]; then
		pass "$name: a reader that goes away"
	else
		fail "$name: a reader that goes away" "$(cat "$T/pipe.status" "$T/pipe.err" | head -c 400)"
	fi
}
fa_pipe async-match $AM "$T/big.csv"
fa_pipe "perfetto-encode --format=json" $E --format=json "$T/slices.csv"
fa_pipe perfetto-encode $E "$T/slices.csv"
fa_pipe "perfetto-inspect --records" $PI --records "$T/big.pftrace"
fa_pipe span-fetch $F --db "$T/big.db" -p "$fa_pid"
fa_pipe "span-fetch --chrome" $F --chrome "$T/big.json"
fa_pipe span-gen $G --spans 100000

# --- a signal mid-run -------------------------------------------------------
# The tool stops at a whole record or packet, flushes what it wrote and
# exits 128 + the signal; it does not wait for more input to notice.
# Under valgrind (make memcheck) tools start and run far slower.
fa_wait=t0.5 fa_slow=5
[ -n "${TOOL_WRAPPER:-}" ] && fa_wait=t5 fa_slow=60
fa_signal() {	# NAME SIGNAL STATUS CHECK INTERRUPT-ARGS...
	name=$1 sig=$2 want=$3 chk=$4
	shift 4
	$INT "$sig" "$@" >"$T/int.txt" 2>"$T/int.err"
	if ! grep -qx "status $want" "$T/int.txt"; then
		fail "$name" "$(cat "$T/int.txt" "$T/int.err" | head -c 400)"
		return
	fi
	if [ "$(sed -n 's/^seconds \([0-9]*\).*/\1/p' "$T/int.txt")" -ge $fa_slow ]; then
		fail "$name" "slow to stop: $(cat "$T/int.txt")"
		return
	fi
	case $chk in
	records) check "$name: records whole" fa_records "$T/int.out" ;;
	trace) check "$name: a valid trace" "$PI" -q "$T/int.out"
		tp_check "$name: a trace cut at a packet" "$T/int.out" ;;
	none) ;;
	esac
	pass "$name"
}
fa_signal "perfetto-encode: SIGINT" INT 130 trace 100000 "$T/int.out" $E "$T/slices.csv"
fa_signal "perfetto-encode: SIGINT waiting for input" INT 130 trace --stdin "$T/slices.csv" --hold $fa_wait "$T/int.out" $E
fa_signal "perfetto-encode: SIGTERM" TERM 143 trace 100000 "$T/int.out" $E "$T/slices.csv"
mkdir -p "$T/o"
cp "$T/big.pftrace" "$T/o/old.pftrace"
fa_signal "perfetto-encode -o: SIGINT" INT 130 none --stdin "$T/slices.csv" --hold $fa_wait "$T/int.out" $E -o "$T/o/old.pftrace"
same "perfetto-encode -o: SIGINT keeps the old file" "$T/big.pftrace" "$T/o/old.pftrace"
[ "$(ls "$T/o")" = old.pftrace ] && pass "perfetto-encode -o: SIGINT leaves no temporary file" ||
	fail "perfetto-encode -o: SIGINT leaves no temporary file" "$(ls "$T/o")"
fa_signal "async-match: SIGINT" INT 130 records 100000 "$T/int.out" $AM "$T/big.csv"
fa_signal "async-match: SIGHUP waiting for input" HUP 129 records --stdin "$T/big.csv" --hold $fa_wait "$T/int.out" $AM
fa_signal "perfetto-inspect --records: SIGINT" INT 130 records 100000 "$T/int.out" $PI --records "$T/big.pftrace"
fa_signal "perfetto-inspect: SIGINT waiting for input" INT 130 none --stdin "$T/big.pftrace" --hold $fa_wait "$T/int.out" $PI
fa_signal "span-fetch: SIGINT" INT 130 records 100000 "$T/int.out" $F --db "$T/big.db" -p "$fa_pid"
fa_signal "span-fetch --chrome: SIGINT" INT 130 records 100000 "$T/int.out" $F --chrome "$T/big.json"
fa_signal "span-gen: SIGINT" INT 130 records 100000 "$T/int.out" $G --spans 1000000
# (once it writes the store: the handlers are in place by then)
fa_signal "span-gen --db: SIGINT" INT 130 none "g$T/o/new.db.*" "$T/int.out" $G --db "$T/o/new.db" --spans 3000000
[ "$(ls "$T/o")" = old.pftrace ] && pass "span-gen --db: SIGINT leaves no store and no temporary file" ||
	fail "span-gen --db: SIGINT leaves no store and no temporary file" "$(ls "$T/o")"
# a signal ignored at the start (nohup, a background job) stays ignored
head -n 1000 "$T/slices.csv" >"$T/small.csv"
$INT --ignore --stdin "$T/small.csv" --hold INT $fa_wait "$T/int.out" $E >"$T/int.txt" 2>&1
grep -qx 'status 0' "$T/int.txt" && $PI -q "$T/int.out" && pass "perfetto-encode: an ignored SIGINT stays ignored" ||
	fail "perfetto-encode: an ignored SIGINT stays ignored" "$(cat "$T/int.txt")"

# --- SQLite: a store another program holds locked ---------------------------
rm -f "$T/fx.db"
sqlite3 "$T/fx.db" <sql/store-sqlite.sql && sqlite3 "$T/fx.db" <tests/data/fetch-fixture.sql
$F --db "$T/fx.db" -p p1 >"$T/fx.csv"
fa_lock() {	# SECONDS: holds an exclusive lock on fx.db that long
	python3 -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
c.execute("ROLLBACK")' "$T/fx.db" "$1"
}
# locked past the 5 s span-fetch waits: started now, looked at later
fa_lock 8 >"$T/lock8" &
fa_lock8=$!
while [ ! -s "$T/lock8" ]; do sleep 0.05; done
$F --db "$T/fx.db" -p p1 >"$T/locked.out" 2>"$T/locked.err" &
fa_locked=$!

# --- injection: values reach SQL only bound ---------------------------------
t "span-fetch: --start-time with SQL" 64 '' '' "--start-time: '1; DROP TABLE processes' is neither" -- $F --db "$T/big.db" -p "$fa_pid" --start-time '1; DROP TABLE processes'
t "span-fetch: --end-time with SQL" 64 '' '' "--end-time: '9 OR 1=1' is neither" -- $F --db "$T/big.db" -p "$fa_pid" --end-time '9 OR 1=1'
t "span-fetch: --spans with SQL" 64 '' '' "--spans: 'thread; --' is not thread" -- $F --db "$T/big.db" -p "$fa_pid" --spans 'thread; --'
t "span-fetch: LIKE wildcards are no pattern" 65 '' '' "no process '%' in the store" -- $F --db "$T/big.db" -p '%'
t "span-fetch: an underscore is no pattern" 65 '' '' "no process 'p_' in the store" -- $F --db "$T/big.db" -p 'p_'
# ids that are SQL themselves, stored and read back: bound again when used
fa_evil="p'); DROP TABLE processes; --"
fa_evils="s' OR '1'='1"
cat >"$T/evil.sql" <<EOF
INSERT INTO processes (process_id, exe, start_time) VALUES ('p''); DROP TABLE processes; --', 'x', 1);
INSERT INTO streams (stream_id, process_id, tags, thread_name, thread_id) VALUES ('s'' OR ''1''=''1', 'p''); DROP TABLE processes; --', 'cpu', 'evil', '9');
INSERT INTO thread_spans (stream_id, id, depth, "begin", "end", name) VALUES ('s'' OR ''1''=''1', 1, 0, 10, 20, 'only');
EOF
cp "$T/fx.db" "$T/evil.db"
sqlite3 "$T/evil.db" <"$T/evil.sql"
t "span-fetch: ids that are SQL, read back and bound again" 0 '' "$H
process,1,,$fa_evil,,,,,,x,,,,,,,
thread,,,$fa_evil,9,,,,,evil-9,,,,,,,
slice,10,10,$fa_evil,9,,1,,0,only,,,,,,," '' -- $F --db "$T/evil.db" -p "$fa_evil"
t "span-fetch: the store stays whole" 0 '' '*' '' -- $F --db "$T/evil.db" -p p1
same "span-fetch: the other process untouched" "$T/fx.csv" "$T/out"

# --- PostgreSQL ---------------------------------------------------------------
# A server that never answers (a socket that listens and is never read):
# an error once connect_timeout has passed, never a hang. The default
# timeout (10 s) is checked beside the other tests.
fa_listen() {	# PORTFILE MODE: listens on 127.0.0.1; MODE silent, close or junk
	python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
end = time.time() + 60
while time.time() < end:
    s.settimeout(end - time.time())
    try:
        c, _ = s.accept()
    except OSError:
        break
    if sys.argv[2] == "close":
        c.close()
    elif sys.argv[2] == "junk":
        c.sendall(b"HTTP/1.0 200 OK\r\n\r\nhello\n")
        c.close()
    else:
        conns.append(c)' "$1" "$2" &
}
fa_port() {	# PORTFILE: waits for the listener's port
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	cat "$1"
}
fa_listen "$T/silent.port" silent
fa_silent=$!
fa_sp=$(fa_port "$T/silent.port")
( start=$(date +%s); $F --db "postgresql://x@127.0.0.1:$fa_sp/db" -l >/dev/null 2>"$T/default.err"
  echo "$? $(($(date +%s) - start))" >"$T/default.st" ) &
fa_default=$!
t "span-fetch: PostgreSQL that never answers, connect_timeout" 69 '' '' \
	"span-fetch: postgresql://x@127.0.0.1:$fa_sp/db: .*timeout" -- timeout 30 $F --db "postgresql://x@127.0.0.1:$fa_sp/db?connect_timeout=1" -l
fa_listen "$T/close.port" close
fa_close=$!
t "span-fetch: PostgreSQL that hangs up at once" 69 '' '' "span-fetch: postgresql://x@127.0.0.1:$(fa_port "$T/close.port")/db: .*(closed|lost|EOF)" -- timeout 30 $F --db "postgresql://x@127.0.0.1:$(fa_port "$T/close.port")/db" -l
fa_listen "$T/junk.port" junk
fa_junk=$!
t "span-fetch: a server that is not PostgreSQL" 69 '' '' "span-fetch: postgresql://x@127.0.0.1:$(fa_port "$T/junk.port")/db: " -- timeout 30 $F --db "postgresql://x@127.0.0.1:$(fa_port "$T/junk.port")/db" -l

. tests/pgserver.sh
if pg_start "faults"; then
	fa_u=$PG_URI
	# a user with a password, checked for TCP connections
	pg_psql -q -c "CREATE ROLE pw LOGIN PASSWORD 'right-secret'; GRANT ALL ON SCHEMA public TO pw" >/dev/null
	pg_as sh -c "{ echo 'host all pw 127.0.0.1/32 scram-sha-256'; cat '$PG_DIR/data/pg_hba.conf'; } >'$PG_DIR/data/hba.new' && mv '$PG_DIR/data/hba.new' '$PG_DIR/data/pg_hba.conf'"
	pg_psql -q -c 'SELECT pg_reload_conf()' >/dev/null
	fa_pw="postgresql://pw:wrong-secret@127.0.0.1:$PG_PORT/postgres"
	t "span-fetch: PostgreSQL, wrong password" 69 '' '' "span-fetch: postgresql://pw@127.0.0.1:$PG_PORT/postgres: .*password authentication failed" -- $F --db "$fa_pw" -l
	grep -q 'secret' "$T/err" && fail "span-fetch: PostgreSQL, the password is never shown" "$(cat "$T/err")" ||
		pass "span-fetch: PostgreSQL, the password is never shown"
	t "span-fetch: PostgreSQL, right password" 0 '' '*' '' -- $G --db "postgresql://pw:right-secret@127.0.0.1:$PG_PORT/postgres" --spans 100
	t "span-fetch: PostgreSQL, no password" 69 '' '' 'password' -- env PGPASSWORD= $F --db "postgresql://pw@127.0.0.1:$PG_PORT/postgres?connect_timeout=5" -l

	# ids that are SQL, in PostgreSQL too
	pg_psql -q -c 'DROP TABLE processes, streams, thread_spans, async_events' -f sql/store-postgresql.sql \
		-f tests/data/fetch-fixture.sql -f "$T/evil.sql" >/dev/null 2>&1
	t "span-fetch: PostgreSQL, ids that are SQL" 0 '' "$H
process,1,,$fa_evil,,,,,,x,,,,,,,
thread,,,$fa_evil,9,,,,,evil-9,,,,,,,
slice,10,10,$fa_evil,9,,1,,0,only,,,,,,," '' -- $F --db "$fa_u" -p "$fa_evil"
	t "span-fetch: PostgreSQL, LIKE wildcards are no pattern" 65 '' '' "no process 'p%' in the store" -- $F --db "$fa_u" -p 'p%'
	t "span-fetch: PostgreSQL, a backslash and a quote" 65 '' '' "no process" -- $F --db "$fa_u" -p "p1\\' OR 1=1 --"
	t "span-fetch: PostgreSQL, the store stays whole" 0 '' '*' '' -- $F --db "$fa_u" -p p1
	same "span-fetch: PostgreSQL, records as from SQLite" "$T/fx.csv" "$T/out"

	# the whole server stops mid-fetch: span-fetch blocks on a full pipe,
	# the server is stopped, then the pipe drains
	$G --db "$fa_u" -f --spans 40000 --threads 4 --async 4000
	fa_p=$($F --db "$fa_u" -l | sed -n '2s/^process,[0-9]*,,\([^,]*\),.*/\1/p')
	{ $F --db "$fa_u" -p "$fa_p" 2>"$T/stop.err"; echo $? >"$T/stop.rc"; } | {
		dd bs=1 count=1 of="$T/stop.csv" 2>/dev/null	# it is fetching
		pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
		cat >>"$T/stop.csv"
	}
	t "span-fetch: PostgreSQL stopped mid-fetch: exit status 69" 0 '' 69 '' -- cat "$T/stop.rc"
	grep -Eq 'terminat|lost|closed' "$T/stop.err" && pass "span-fetch: PostgreSQL stopped mid-fetch: message" ||
		fail "span-fetch: PostgreSQL stopped mid-fetch: message" "$(cat "$T/stop.err")"
	check "span-fetch: PostgreSQL stopped mid-fetch: output so far is valid" fa_records "$T/stop.csv"
	pg_stop
fi

wait $fa_default
set -- $(cat "$T/default.st")
[ "$1" = 69 ] && [ "$2" -ge 8 ] && [ "$2" -le 20 ] && grep -q timeout "$T/default.err" &&
	pass "span-fetch: PostgreSQL that never answers: the default timeout" ||
	fail "span-fetch: PostgreSQL that never answers: the default timeout" "status and seconds: $*" "$(cat "$T/default.err")"
kill $fa_silent $fa_close $fa_junk 2>/dev/null
wait $fa_locked
fa_st=$?
[ $fa_st = 69 ] && grep -q "span-fetch: $T/fx.db: locked by another program" "$T/locked.err" &&
	pass "span-fetch: a store locked past 5 s" || fail "span-fetch: a store locked past 5 s" "exit status $fa_st" "$(cat "$T/locked.err")"
wait $fa_lock8
fa_lock 1 >"$T/lock1" &
fa_lock1=$!
while [ ! -s "$T/lock1" ]; do sleep 0.05; done
t "span-fetch: a store locked for a second is waited for" 0 '' '*' '' -- $F --db "$T/fx.db" -p p1
same "span-fetch: a store locked for a second, then read whole" "$T/fx.csv" "$T/out"
wait $fa_lock1
