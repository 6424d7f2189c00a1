# span-gen: options, determinism, valid and ordered records with the
# awkward cases asked for, stores that span-fetch reads back as the same
# records.
G=$BIN/span-gen
F=$BIN/span-fetch

t "gen: bad --spans" 64 '' '' "--spans: '-1' is out of range" -- $G --spans -1
t "gen: bad --threads" 64 '' '' "--threads: 'four' is not an integer" -- $G --threads four
t "gen: bad --depth" 64 '' '' "--depth: '0' is out of range \\(1 to 64\\)" -- $G --depth 0
t "gen: bad --orphan-percent" 64 '' '' "--orphan-percent: '60' is out of range" -- $G --orphan-percent 60
t "gen: bad --start-time" 64 '' '' "--start-time: 'now' is neither" -- $G --start-time now
t "gen: too many threads" 64 '' '' 'above 100000' -- $G --processes 1000 --threads 1000
t "gen: an operand" 64 '' '' "unexpected argument 'x'" -- $G x

# The same seed gives the same bytes; another seed other ones.
$G --seed 7 --processes 2 --spans 3000 >"$T/a.csv"
$G --seed 7 --processes 2 --spans 3000 >"$T/b.csv"
same "gen: deterministic" "$T/a.csv" "$T/b.csv"
$G --seed 8 --processes 2 --spans 3000 >"$T/c.csv"
cmp -s "$T/a.csv" "$T/c.csv" && fail "gen: another seed, other output" || pass "gen: another seed, other output"
cksum <"$T/a.csv" >"$T/sum"
t "gen: output fixed for a seed (this machine and any other)" 0 '' '1419949392 650329' '' -- cat "$T/sum"

# Valid records in ts order, spans nested to the depth asked for, the
# open-span cap kept, orphans on both sides, spans crossing threads, names
# with commas, quotes and non-ASCII.
$G --spans 20000 --threads 6 --depth 6 --async 4000 --open 30 --orphan-percent 3 >"$T/g.csv"
python3 tests/storecheck.py "$T/g.csv" --open 30 --depth 6 >"$T/g.sum" 2>&1
t "gen: records valid, ordered and nested" 0 '' \
	'processes 1 threads 6 slices 20000 async_begin 3993 async_end 3993 unfinished 7 unstarted 7 crossing 854 maxopen 30 maxdepth 5 special_names 1' '' -- cat "$T/g.sum"
$G --spans 500 --depth 1 --async 0 >"$T/flat.csv"
check "gen: --depth 1 is flat" python3 tests/storecheck.py "$T/flat.csv" --depth 1
grep -q '^slice,.*,1,' "$T/flat.csv" && grep -c '^slice' "$T/flat.csv" | grep -qx 500 && pass "gen: --spans counts thread spans" || fail "gen: --spans counts thread spans"
$G --spans 0 --async 0 --threads 2 >"$T/empty.csv"
t "gen: nothing but the process and threads" 0 '' '3' '' -- sh -c "tail -n +2 '$T/empty.csv' | wc -l"
$G --spans 300 --unique-names --async 100 >"$T/u.csv"
t "gen: --unique-names" 0 '' '399' '' -- sh -c "grep -v '^async_end' '$T/u.csv' | grep -E '^(slice|async_begin)' | cut -d, -f10- | sort -u | wc -l"
grep -q '^async_begin,.*#0\.a\.' "$T/u.csv" && pass "gen: --unique-names names async spans" || fail "gen: --unique-names names async spans"
$G --spans 100 --start-time 2030-06-01T12:00:00Z >"$T/st.csv"
sed -n '2p' "$T/st.csv" | grep -q '^process,19065456000' && pass "gen: --start-time" || fail "gen: --start-time" "$(sed -n 2p "$T/st.csv")"

# A SQLite store: span-fetch reads back the records span-gen prints.
t "gen: SQLite store" 0 '' '' '' -- $G --db "$T/s.db" --spans 20000 --threads 6 --depth 6 --async 4000 --open 30 --orphan-percent 3
sg_pid=$($F --db "$T/s.db" -l | sed -n '2s/^process,[0-9]*,,\([^,]*\),.*/\1/p')
$F --db "$T/s.db" -p "$sg_pid" >"$T/f.csv"
same "gen: span-fetch of the store gives span-gen's records" "$T/f.csv" "$T/g.csv"
t "gen: store exists" 73 '' '' "span-gen: $T/s.db: the file exists" -- $G --db "$T/s.db"
t "gen: --force replaces it" 0 '' '' '' -- $G -f --db "$T/s.db" --processes 3 --spans 900
t "gen: replaced store has 3 processes" 0 '' 4 '' -- sh -c "'$F' --db '$T/s.db' -l | wc -l"
ls "$T"/s.db.tmp* >/dev/null 2>&1 && fail "gen: no temporary file left" || pass "gen: no temporary file left"
t "gen: unwritable place" 73 '' '' 'span-gen: .*/no/such/dir/x.db.tmp[0-9]*: unable to open' -- $G --db "$T/no/such/dir/x.db"
ls "$T/no" >/dev/null 2>&1 && fail "gen: nothing made on failure" || pass "gen: nothing made on failure"
t "gen: PostgreSQL refuses" 69 '' '' 'span-gen: postgresql://127.0.0.1:1/x: ' -- $G --db postgresql://127.0.0.1:1/x

# Several processes: each reads back valid and ordered; threads that share
# an OS thread id get their stream id as tid; one thread has no name.
$G --db "$T/m.db" --processes 3 --threads 4 --spans 6000 --async 900 --open 20
sg_ok=1
for sg_p in $($F --db "$T/m.db" -l | sed -n 's/^process,[0-9]*,,\([^,]*\),.*/\1/p'); do
	$F --db "$T/m.db" -p "$sg_p" >"$T/p.csv"
	python3 tests/storecheck.py "$T/p.csv" --open 20 --depth 4 >"$T/p.sum" || { sg_ok=0; cat "$T/p.sum"; }
done
[ $sg_ok = 1 ] && pass "gen: every process reads back valid" || fail "gen: every process reads back valid"
sqlite3 "$T/m.db" "SELECT count(*) FROM streams WHERE tags = 'log'" >"$T/n"
t "gen: a non-thread stream per process" 0 '' 3 '' -- cat "$T/n"
grep -c '^thread,,,[^,]*,[0-9a-f]\{8\}-' "$T/p.csv" >"$T/n"
t "gen: duplicate thread ids get stream ids as tid" 0 '' 2 '' -- cat "$T/n"
t "gen: a thread without a name" 0 '' '*' '' -- grep -E '^thread,,,[^,]*,[0-9]+,,,,,[0-9]+,' "$T/p.csv"

# What the demo runs is quick and readable by span-fetch.
t "gen: demo store" 0 '' '' '' -- $G --db "$T/demo.db" --processes 2 --threads 4 --spans 2000
t "gen: demo store lists 2 processes" 0 '' 3 '' -- sh -c "'$F' --db '$T/demo.db' -l | wc -l"
