#!/bin/sh
# Checks that the Debian packages spanpipe builds and tests with are here;
# installs the missing ones when run as root, else prints the apt-get line.
# Each entry: package, then a file or command that shows it is installed.
set -u
missing=
need() {
	case $2 in
	/*) [ -e "$2" ] ;;
	*) command -v "$2" >/dev/null 2>&1 ;;
	esac || missing="$missing $1"
}
need build-essential cc
need libcsv-dev /usr/include/csv.h
need libprotobuf-c-dev /usr/include/protobuf-c/protobuf-c.h
need protobuf-c-compiler protoc-c
need protobuf-compiler protoc
need libxxhash-dev /usr/include/xxhash.h
need libjson-c-dev /usr/include/json-c/json.h
need zlib1g-dev /usr/include/zlib.h
need liblz4-dev /usr/include/lz4frame.h
need libzstd-dev /usr/include/zstd.h
need libsqlite3-dev /usr/include/sqlite3.h
need libpq-dev /usr/include/postgresql/libpq-fe.h
need sqlite3 sqlite3
need postgresql /usr/lib/postgresql
need mandoc mandoc
need python3 python3
need time /usr/bin/time
# The FlightSQL test service (tests/flight/server.mjs) runs on Node.js
# (>= 20, not Debian 12's): its npm packages come from the lock file, and
# its tests skip when node or npm is not here.
flight_npm() {
	d=$(dirname "$0")/flight
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || return 0
	[ -d "$d/node_modules" ] && [ ! "$d/package-lock.json" -nt "$d/node_modules" ] && return 0
	(cd "$d" && npm ci --no-audit --no-fund --silent >&2) || echo "npm ci in $d failed: the FlightSQL tests will skip" >&2
}
flight_npm
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 && apt-get install -y -qq $missing >&2 && exit 0
	echo "apt-get failed" >&2
	exit 1
fi
echo "missing Debian packages; install them with:" >&2
echo "  sudo apt-get install$missing" >&2
exit 1
