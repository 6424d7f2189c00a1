#!/bin/sh
# make demo: the whole pipeline on a generated telemetry store, then the
# example records shipped in tests/data (every record kind), each checked
# by perfetto-inspect.
set -eu
B=${1:-build}
PATH=$(cd "$B" && pwd):$PATH
export PATH

span-gen -f --db demo.db --processes 2 --threads 4 --spans 2000
pid=$(span-fetch --db demo.db --list-processes | awk -F, 'NR == 2 { print $4 }')
echo "span-fetch --db demo.db -p $pid | async-match | perfetto-encode -o demo.pftrace"
span-fetch --db demo.db -p "$pid" | async-match | perfetto-encode -o demo.pftrace
perfetto-inspect demo.pftrace | tail -n 1

echo "perfetto-encode -o example.pftrace tests/data/demo.csv"
perfetto-encode -o example.pftrace tests/data/demo.csv
perfetto-inspect example.pftrace | tail -n 1

# Perfetto's own importer, when ../shared has it: no crash, no error.
tp=${TP:-../shared/bin/trace_processor_shell}
if [ -x "$tp" ]; then
	for f in demo.pftrace example.pftrace; do
		"$tp" -q tests/tp.sql "$f" >"$f.tp" 2>"$f.tp.err" ||
			{ tail -5 "$f.tp.err"; exit 1; }
		python3 tests/tpcheck.py "$f.tp" $([ $f = example.pftrace ] && echo tests/data/demo.csv)
		rm -f "$f.tp" "$f.tp.err"
	done
fi

echo
echo "wrote demo.pftrace (process $pid from the generated store demo.db) and"
echo "example.pftrace (tests/data/demo.csv: every record kind)."
echo "Open them at https://ui.perfetto.dev (Open trace file) or with trace_processor."
