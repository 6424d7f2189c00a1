#!/bin/sh
# make memcheck: runs PROGRAM ARGS... under valgrind's memcheck. An error
# (a bad read or write, a use of an uninitialised value, a leak that is
# definite or possible) makes the exit status 99 and is written to a file
# in VG_LOG_DIR; a clean run leaves an empty file there.
exec valgrind -q --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,possible --errors-for-leak-kinds=definite,possible \
	--log-file="${VG_LOG_DIR:-/tmp}/vg.%p" "$@"
