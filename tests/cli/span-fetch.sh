# span-fetch: options, a fixture store read exactly, time ranges, bad
# stores and bad data, injection through -p, ordering of a generated store,
# and the same records from PostgreSQL as from SQLite.
F=$BIN/span-fetch
G=$BIN/span-gen
H=kind,ts,dur,pid,tid,track,id,parent,depth,name,category,file,line,value,flows,flows_end,args

sf_fixture() {	# sf_fixture FILE: the fixture store as a SQLite file
	rm -f "$1"
	sqlite3 "$1" <sql/store-sqlite.sql && sqlite3 "$1" <tests/data/fetch-fixture.sql
}

# Every line whole and of 17 fields: a valid record stream, maybe cut short.
sf_valid() {
	python3 -c '
import csv, sys
data = open(sys.argv[1], newline="", encoding="utf-8").read()
assert data == "" or data.endswith("\n"), "last line cut"
rows = list(csv.reader(data.splitlines(True)))
assert all(len(r) == 17 for r in rows), "a record without 17 fields"
assert not rows or rows[0][0] == "kind", "no header"
' "$1"
}

# Options and usage errors.
t "fetch: no process" 64 '' '' 'usage: span-fetch' -- $F --db x.db
t "fetch: -p and --list-processes" 64 '' '' 'exclude each other' -- $F -p a -l
t "fetch: bad --spans" 64 '' '' "--spans: 'all' is not thread, async or both" -- $F -p a --spans all
t "fetch: bad --start-time" 64 '' '' "--start-time: 'yesterday' is neither" -- $F -p a --start-time yesterday
t "fetch: bad --end-time date" 64 '' '' "--end-time: '2024-02-30T00:00:00Z' is not a valid date" -- $F -p a --end-time 2024-02-30T00:00:00Z
t "fetch: start after end" 64 '' '' 'start-time is after --end-time' -- $F -p a --start-time 10 --end-time 9
t "fetch: an operand" 64 '' '' "unexpected argument 'extra'" -- $F -p a extra

# Stores that are not there or not stores.
t "fetch: missing store" 66 '' '' "span-fetch: $T/none.db: No such file or directory" -- $F --db "$T/none.db" -p a
t "fetch: a directory" 66 '' '' 'is a directory' -- $F --db "$T" -p a
if [ "$(id -u)" != 0 ]; then
	: >"$T/unreadable.db"; chmod 000 "$T/unreadable.db"
	t "fetch: unreadable store" 66 '' '' 'Permission denied' -- $F --db "$T/unreadable.db" -p a
fi
printf 'kind,ts\nslice,1\n' >"$T/text.db"
t "fetch: not a database" 65 '' '' "span-fetch: $T/text.db: not a SQLite database" -- $F --db "$T/text.db" -p a
: >"$T/empty.db"
t "fetch: empty file" 65 '' '' 'not a spanpipe store: no such table: processes' -- $F --db "$T/empty.db" -p a
sqlite3 "$T/other.db" 'CREATE TABLE processes (x INTEGER)'
t "fetch: other tables" 65 '' '' 'not a spanpipe store: no such column' -- $F --db "$T/other.db" -l
t "fetch: default store ./telemetry.db" 66 '' '' 'telemetry.db: No such file' -- sh -c "cd '$T' && SPANPIPE_DB= '$F' -p a"

# The fixture, whole.
sf_fixture "$T/fx.db"
sf_head="$H
process,1000,,p1,,,,,,\"/bin/app, \"\"x\"\"\",,,,,,,\"{\"\"username\"\":\"\"alice\"\",\"\"computer\"\":\"\"host1\"\",\"\"tsc_frequency\"\":2500,\"\"version\"\":\"\"1.0\"\"}\"
thread,,,p1,100,,,,,main-100,,,,,,,
thread,,,p1,101,,,,,worker-101,,,,,,,
thread,,,p1,s4,,,,,dup-200,,,,,,,
thread,,,p1,s5,,,,,200,,,,,,,
thread,,,p1,s6,,,,,s6,,,,,,,"
sf_all="$sf_head
async_end,800,,p1,100,,9,,0,orphan end,,,,,,,
slice,1000,4000,p1,100,,1,,0,root,app,a.rs,10,,,,
slice,1000,1000,p1,100,,2,1,1,\"child, \"\"q\"\"\",app,a.rs,11,,,,
slice,1000,500,p1,100,,3,2,2,grandchild,,,,,,,
slice,1000,100,p1,101,,1,,0,w1,app,,,,,,
async_begin,1200,,p1,100,,7,,0,req,net,n.rs,3,,,,
async_begin,1200,,p1,100,,8,7,1,sub,net,n.rs,4,,,,
async_end,2200,,p1,100,,8,7,1,sub,net,n.rs,4,,,,
slice,2500,100,p1,s4,,1,,0,on dup,,,,,,,
slice,3000,1000,p1,100,,4,1,1,ünïcode,app,a.rs,12,,,,
async_begin,3000,,p1,100,,11,7,1,ends with parent,,,,,,,
async_begin,3500,,p1,s9,,12,,0,elsewhere,,,,,,,
async_end,3600,,p1,s9,,12,,0,elsewhere,,,,,,,
async_end,4500,,p1,100,,11,7,1,ends with parent,,,,,,,
async_end,4500,,p1,101,,7,,0,req,net,n.rs,3,,,,
slice,6000,1000,p1,101,,2,,0,late,app,,,,,,
async_begin,6500,,p1,101,,10,,0,unfinished,,,,,,,"
t "fetch: fixture, whole process in ts order" 0 '' "$sf_all" '' -- $F --db "$T/fx.db" -p p1
t "fetch: \$SPANPIPE_DB" 0 '' "$sf_all" '' -- env SPANPIPE_DB="$T/fx.db" $F -p p1
t "fetch: ./telemetry.db" 0 '' "$sf_all" '' -- sh -c "cp '$T/fx.db' '$T/telemetry.db' && cd '$T' && unset SPANPIPE_DB && '$F' --process-id p1"
t "fetch: --spans thread" 0 '' "$sf_head
slice,1000,4000,p1,100,,1,,0,root,app,a.rs,10,,,,
slice,1000,1000,p1,100,,2,1,1,\"child, \"\"q\"\"\",app,a.rs,11,,,,
slice,1000,500,p1,100,,3,2,2,grandchild,,,,,,,
slice,1000,100,p1,101,,1,,0,w1,app,,,,,,
slice,2500,100,p1,s4,,1,,0,on dup,,,,,,,
slice,3000,1000,p1,100,,4,1,1,ünïcode,app,a.rs,12,,,,
slice,6000,1000,p1,101,,2,,0,late,app,,,,,," '' -- $F --db "$T/fx.db" -p p1 --spans thread
$F --db "$T/fx.db" -p p1 --spans async >"$T/async.csv"
printf '%s\n' "$sf_all" | grep -v '^slice' >"$T/async.want"
same "fetch: --spans async" "$T/async.csv" "$T/async.want"
t "fetch: other process" 0 '' "$H
process,500,,p2,,,,,,other,,,,,,,\"{\"\"parent_process_id\"\":\"\"p1\"\"}\"
thread,,,p2,100,,,,,main-100,,,,,,,
slice,600,100,p2,100,,1,,0,other process,,,,,,,
async_begin,650,,p2,100,,1,,0,p2 async,,,,,,," '' -- $F --db "$T/fx.db" -p p2

# Ranges: thread spans that overlap are kept whole, async spans that
# overlap keep both events, open-ended ones count as open on that side.
t "fetch: range inside spans" 0 '' "$sf_head
slice,1000,4000,p1,100,,1,,0,root,app,a.rs,10,,,,
slice,1000,1000,p1,100,,2,1,1,\"child, \"\"q\"\"\",app,a.rs,11,,,,
async_begin,1200,,p1,100,,7,,0,req,net,n.rs,3,,,,
async_begin,1200,,p1,100,,8,7,1,sub,net,n.rs,4,,,,
async_end,2200,,p1,100,,8,7,1,sub,net,n.rs,4,,,,
async_end,4500,,p1,101,,7,,0,req,net,n.rs,3,,,," '' -- $F --db "$T/fx.db" -p p1 --start-time 1600 --end-time 2100
t "fetch: range from a time on" 0 '' "$sf_head
slice,1000,4000,p1,100,,1,,0,root,app,a.rs,10,,,,
slice,6000,1000,p1,101,,2,,0,late,app,,,,,,
async_begin,6500,,p1,101,,10,,0,unfinished,,,,,,," '' -- $F --db "$T/fx.db" -p p1 --start-time 4600
t "fetch: range up to a time" 0 '' "$sf_head
async_end,800,,p1,100,,9,,0,orphan end,,,,,,,
slice,1000,4000,p1,100,,1,,0,root,app,a.rs,10,,,,
slice,1000,1000,p1,100,,2,1,1,\"child, \"\"q\"\"\",app,a.rs,11,,,,
slice,1000,500,p1,100,,3,2,2,grandchild,,,,,,,
slice,1000,100,p1,101,,1,,0,w1,app,,,,,," '' -- $F --db "$T/fx.db" -p p1 --end-time 1000
$F --db "$T/fx.db" -p p1 --start-time 1600 --end-time 2100 >"$T/ns.csv"
$F --db "$T/fx.db" -p p1 --start-time 1970-01-01T00:00:00.0000016Z --end-time '1970-01-01 01:00:00.0000021+01:00' >"$T/rfc.csv"
same "fetch: RFC 3339 range equals the nanosecond one" "$T/ns.csv" "$T/rfc.csv"
t "fetch: range before everything but an end without begin" 0 '' "$sf_head
async_end,800,,p1,100,,9,,0,orphan end,,,,,,," '' -- $F --db "$T/fx.db" -p p1 --end-time 1969-12-31T23:00:00Z
t "fetch: range after everything but a begin without end" 0 '' "$sf_head
async_begin,6500,,p1,101,,10,,0,unfinished,,,,,,," '' -- $F --db "$T/fx.db" -p p1 --start-time 2024-01-01T00:00:00Z

t "fetch: --list-processes" 0 '' "$H
process,500,,p2,,,,,,other,,,,,,,\"{\"\"start_time\"\":\"\"1970-01-01T00:00:00.000000500Z\"\",\"\"end_time\"\":\"\"1970-01-01T00:00:00.000000700Z\"\",\"\"threads\"\":1,\"\"thread_spans\"\":1,\"\"async_events\"\":1,\"\"parent_process_id\"\":\"\"p1\"\"}\"
process,1000,,p1,,,,,,\"/bin/app, \"\"x\"\"\",,,,,,,\"{\"\"start_time\"\":\"\"1970-01-01T00:00:00.000001000Z\"\",\"\"end_time\"\":\"\"1970-01-01T00:00:00.000007000Z\"\",\"\"threads\"\":5,\"\"thread_spans\"\":7,\"\"async_events\"\":10,\"\"username\"\":\"\"alice\"\",\"\"computer\"\":\"\"host1\"\",\"\"tsc_frequency\"\":2500,\"\"version\"\":\"\"1.0\"\"}\"" '' -- $F --db "$T/fx.db" --list-processes
sqlite3 "$T/noproc.db" <sql/store-sqlite.sql
t "fetch: --list-processes of an empty store" 0 '' "$H" '' -- $F --db "$T/noproc.db" -l

# Process ids reach SQL only as bound values.
t "fetch: unknown process" 65 '' '' "span-fetch: $T/fx.db: no process 'p3' in the store" -- $F --db "$T/fx.db" -p p3
t "fetch: injection, always-true" 65 '' '' "no process 'p1' OR '1'='1' in the store" -- $F --db "$T/fx.db" -p "p1' OR '1'='1"
t "fetch: injection, second statement" 65 '' '' 'no process' -- $F --db "$T/fx.db" -p "p1'; DROP TABLE processes; --"
t "fetch: injection, quote in a thread query" 65 '' '' 'no process' -- $F --db "$T/fx.db" -p "x\" OR 1=1 --"
t "fetch: store untouched after injection attempts" 0 '' "$sf_all" '' -- $F --db "$T/fx.db" -p p1
t "fetch: empty process id" 65 '' '' "no process '' in the store" -- $F --db "$T/fx.db" -p ''

# Bad data in the store: a clear message, exit 65, and what was written
# before the bad row is a valid record stream.
sf_bad() {	# sf_bad NAME SQL ERRPAT: the fixture changed by SQL
	cp "$T/fx.db" "$T/bad.db"
	sqlite3 "$T/bad.db" "$2"
	t "fetch: bad data: $1" 65 '' '*' "$3" -- $F --db "$T/bad.db" -p p1
	check "fetch: bad data: $1: output so far is valid" sf_valid "$T/out"
}
sf_bad "text begin" "UPDATE thread_spans SET \"begin\" = 'abc' WHERE stream_id = 's1' AND id = 4" \
	"span-fetch: $T/bad.db: thread_spans \\(stream_id s1, id 4\\): begin: 'abc' is not an integer"
grep -q '^slice,1000,500,p1,100,,3,2,2,grandchild' "$T/out" && pass "fetch: bad data: rows before the bad one written" || fail "fetch: bad data: rows before the bad one written" "$(cat "$T/out")"
sf_bad "end before begin" "UPDATE thread_spans SET \"end\" = 900 WHERE stream_id = 's2' AND id = 2" \
	"thread_spans \\(stream_id s2, id 2\\): end: '900' is before begin"
sf_bad "real number" "UPDATE thread_spans SET \"end\" = 1500.5 WHERE stream_id = 's2' AND id = 2" \
	"end: '1500.5' is not an integer"
sf_bad "NULL time" "CREATE TABLE x AS SELECT * FROM async_events; DROP TABLE async_events;
	ALTER TABLE x RENAME TO async_events; UPDATE async_events SET time = NULL WHERE span_id = 10" \
	"async_events \\(process_id p1, span_id 10\\): time: NULL where a value is needed"
sf_bad "event type" "PRAGMA ignore_check_constraints = 1; UPDATE async_events SET event_type = 'middle' WHERE span_id = 12 AND time = 3600" \
	"event_type: 'middle' is neither 'begin' nor 'end'"
sf_bad "negative depth" "UPDATE thread_spans SET depth = -1 WHERE name = 'late'" "depth: '-1' is negative"
sf_bad "properties" "UPDATE processes SET properties = '{\"a\":' WHERE process_id = 'p1'" \
	"processes \\(p1\\): properties: "
sf_bad "start_time" "UPDATE processes SET start_time = 'soon' WHERE process_id = 'p1'" \
	"processes \\(p1\\): start_time: 'soon' is not an integer"

# Output errors.
t "fetch: write error" 74 '' '' 'span-fetch: <stdout>: write error' -- sh -c "'$F' --db '$T/fx.db' -p p1 >/dev/full"

# A generated store: every record valid, in ts order, spans nested.
$G --db "$T/gen.db" --processes 2 --threads 5 --spans 6000 --async 2000 --open 40 --orphan-percent 5
sf_pid=$($F --db "$T/gen.db" -l | sed -n '2s/^process,[0-9]*,,\([^,]*\),.*/\1/p')
$F --db "$T/gen.db" -p "$sf_pid" >"$T/gen.csv"
check "fetch: generated store, order and nesting" python3 tests/storecheck.py "$T/gen.csv" --open 40 --depth 4
sf_s=1704067200003000000 sf_e=1704067200005000000
$F --db "$T/gen.db" -p "$sf_pid" --start-time $sf_s --end-time $sf_e >"$T/genr.csv"
check "fetch: generated store, a range: order and nesting" python3 tests/storecheck.py "$T/genr.csv"
sf_n=$(grep -c '^slice' "$T/genr.csv")
[ "$sf_n" -gt 100 ] && [ "$sf_n" -lt 2000 ] && pass "fetch: a range keeps part of the spans" || fail "fetch: a range keeps part of the spans" "$sf_n slices"
python3 - "$T/gen.csv" "$T/genr.csv" $sf_s $sf_e >"$T/range.out" <<'EOF'
# The range output is exactly the records of the whole output that the
# overlap rule keeps, in the same order.
import csv, sys
whole, part, s, e = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rows = list(csv.reader(open(whole, newline="", encoding="utf-8")))
span = {}
for r in rows[1:]:
    if r[0] in ("async_begin", "async_end"):
        span.setdefault(r[6], {})[r[0]] = int(r[1])
def keep(r):
    if r[0] == "slice":
        return int(r[1]) <= e and int(r[1]) + int(r[2]) >= s
    if r[0] in ("async_begin", "async_end"):
        sp = span[r[6]]
        return sp.get("async_begin", -2**63) <= e and sp.get("async_end", 2**63) >= s
    return True
want = [r for r in rows if keep(r)]
got = list(csv.reader(open(part, newline="", encoding="utf-8")))
print("same" if want == got else f"differ: {len(want)} wanted, {len(got)} got")
EOF
grep -qx same "$T/range.out" && pass "fetch: a range keeps exactly the overlapping spans" || fail "fetch: a range keeps exactly the overlapping spans" "$(cat "$T/range.out")"

# PostgreSQL that is not there: refused at once, an error not a hang.
t "fetch: PostgreSQL refuses" 69 '' '' 'span-fetch: postgresql://127.0.0.1:1/x: .*(refused|failed)' -- $F --db postgresql://127.0.0.1:1/x -p a
t "fetch: bad PostgreSQL URI" 64 '' '' 'bad PostgreSQL URI: invalid URI query parameter' -- $F --db 'postgresql://h/x?colour=red' -p a
t "fetch: libpq string, unknown keyword" 64 '' '' 'bad libpq connection string' -- $F --db 'host=127.0.0.1 colour=red' -p a

. tests/pgserver.sh
if pg_start "fetch"; then
	sf_u="$PG_URI"
	t "fetch: PostgreSQL: span-gen loads a store" 0 '' '' '' -- $G --db "$sf_u" --processes 2 --threads 5 --spans 20000 --async 3000 --open 40 --orphan-percent 5
	$G --db "$T/pg.db" --processes 2 --threads 5 --spans 20000 --async 3000 --open 40 --orphan-percent 5
	t "fetch: PostgreSQL: store exists" 73 '' '' 'table .* exists' -- $G --db "$sf_u" --spans 10
	$F --db "$sf_u" -l >"$T/pg-list.csv"
	$F --db "$T/pg.db" -l >"$T/lite-list.csv"
	same "fetch: PostgreSQL: --list-processes as from SQLite" "$T/pg-list.csv" "$T/lite-list.csv"
	for sf_p in $(sed -n 's/^process,[0-9]*,,\([^,]*\),.*/\1/p' "$T/lite-list.csv"); do
		$F --db "$sf_u" -p "$sf_p" >"$T/pg.csv"
		$F --db "$T/pg.db" -p "$sf_p" >"$T/lite.csv"
		same "fetch: PostgreSQL: records as from SQLite ($sf_p)" "$T/pg.csv" "$T/lite.csv"
		for sf_r in "1704067200010000000 1704067200015000000" "2024-01-01T00:00:00.26Z 2024-01-01T00:00:00.265Z"; do
			set -- $sf_r
			$F --db "$sf_u" -p "$sf_p" --start-time $1 --end-time $2 >"$T/pg.csv"
			$F --db "$T/pg.db" -p "$sf_p" --start-time $1 --end-time $2 >"$T/lite.csv"
			same "fetch: PostgreSQL: range $1 as from SQLite ($sf_p)" "$T/pg.csv" "$T/lite.csv"
		done
	done
	check "fetch: PostgreSQL: records in order" python3 tests/storecheck.py "$T/pg.csv"
	# the fixture, loaded with the same SQL into both engines
	pg_psql -q -c 'DROP TABLE processes, streams, thread_spans, async_events' -f sql/store-postgresql.sql -f tests/data/fetch-fixture.sql >"$T/psql.out" 2>&1
	t "fetch: PostgreSQL: fixture" 0 '' "$sf_all" '' -- $F --db "$sf_u" -p p1
	$F --db "$sf_u" -p p1 --start-time 1600 --end-time 2100 >"$T/pg.csv"
	same "fetch: PostgreSQL: fixture range" "$T/pg.csv" "$T/ns.csv"
	t "fetch: PostgreSQL: injection" 65 '' '' "no process 'p1' OR '1'='1'" -- $F --db "$sf_u" -p "p1' OR '1'='1"
	t "fetch: PostgreSQL: key=value string" 0 '' "$sf_all" '' -- $F --db "host=127.0.0.1 port=$PG_PORT user=spanpipe dbname=postgres" -p p1
	pg_psql -q -c 'CREATE DATABASE empty' >/dev/null 2>&1
	t "fetch: PostgreSQL: not a spanpipe store" 65 '' '' 'not a spanpipe store: .*processes.* does not exist' -- $F --db "${sf_u%/*}/empty" -l
	t "fetch: PostgreSQL: no such database" 69 '' '' 'database "nodb" does not exist' -- $F --db "${sf_u%/*}/nodb" -l
	# the server goes away mid-stream: span-fetch blocks on a full pipe,
	# its backend is terminated, then the pipe drains
	$G --db "$sf_u" -f --spans 40000 --threads 4 --async 4000
	sf_p=$($F --db "$sf_u" -l | sed -n '2s/^process,[0-9]*,,\([^,]*\),.*/\1/p')
	$F --db "$sf_u" -p "$sf_p" >"$T/full.csv"
	{ $F --db "$sf_u" -p "$sf_p" 2>"$T/gone.err"; echo $? >"$T/gone.rc"; } | {
		i=0
		while [ $i -lt 100 ]; do
			[ "$(pg_psql -Atc "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'span-fetch'" 2>/dev/null)" = 1 ] && break
			sleep 0.1
			i=$((i + 1))
		done
		cat >"$T/gone.csv"
	}
	t "fetch: PostgreSQL: server goes away: exit status 69" 0 '' 69 '' -- cat "$T/gone.rc"
	grep -Eq 'connection to the server was lost|terminat' "$T/gone.err" && pass "fetch: PostgreSQL: server goes away: message" || fail "fetch: PostgreSQL: server goes away: message" "$(cat "$T/gone.err")"
	check "fetch: PostgreSQL: server goes away: output so far is valid" sf_valid "$T/gone.csv"
	head -n "$(wc -l <"$T/gone.csv")" "$T/full.csv" >"$T/prefix.csv"
	same "fetch: PostgreSQL: server goes away: output is a prefix of the whole" "$T/gone.csv" "$T/prefix.csv"
	[ "$(wc -l <"$T/gone.csv")" -lt "$(wc -l <"$T/full.csv")" ] && pass "fetch: PostgreSQL: server goes away: output cut short" || fail "fetch: PostgreSQL: server goes away: output cut short"
	pg_stop
	t "fetch: PostgreSQL: server stopped" 69 '' '' 'span-fetch: postgresql://spanpipe@127.0.0.1:[0-9]+/postgres: ' -- $F --db "$sf_u" -p p1
fi
