#!/bin/sh
# make demo: encodes the example records shipped in tests/data into
# demo.pftrace, checks it, and says where to open it.
set -eu
BUILD=${1:-build}
"$BUILD/perfetto-encode" -o demo.pftrace tests/data/demo.csv
echo "wrote demo.pftrace ($(wc -c <demo.pftrace) bytes) from tests/data/demo.csv"
if [ -x "$BUILD/perfetto-inspect" ]; then
	"$BUILD/perfetto-inspect" demo.pftrace
fi
echo "open it at https://ui.perfetto.dev (Open trace file), or with trace_processor"
