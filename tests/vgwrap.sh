#!/bin/sh
# make memcheck: runs PROGRAM ARGS... under valgrind's memcheck. An error
# (a bad read or write, a use of an uninitialised value, a definite leak)
# makes the exit status 99 and is written to a file in VG_LOG_DIR; a clean
# run leaves an empty file there. "Possibly lost" is not counted: a run
# that ends on an error ends with the record reader's thread alive, whose
# thread-local block valgrind sees only through an inner pointer.
exec valgrind -q --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite --errors-for-leak-kinds=definite \
	--log-file="${VG_LOG_DIR:-/tmp}/vg.%p" "$@"
