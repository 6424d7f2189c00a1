/*
 * Support for the libFuzzer harnesses in tests/fuzz (see README there).
 * The code under test ends a run with exit(): the harnesses are linked
 * with -Wl,--wrap=exit, so an exit inside fz_run() comes back to it as a
 * return value instead of ending the fuzzer, and the harness frees what
 * the run held.
 */
#ifndef SPANPIPE_FUZZ_H
#define SPANPIPE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Output (out_*) goes to /dev/null, or to a memory file (fz_outpath). */
void fz_init(int capture_output);
/* The input as a file: a path naming a memory file that holds it. */
const char *fz_input(const uint8_t *data, size_t size);
/* Everything handed to out_* since fz_output_clear, as a path to read. */
const char *fz_output(void);
void fz_output_clear(void);
/* Runs fn(arg); returns -1 when it returned, else the status it exited
 * with. */
int fz_run(void (*fn)(void *), void *arg);
/*
 * Reads back the records at path (an importer's output) and aborts unless
 * every record reads, no async event has a negative or empty ts, every
 * async_begin has its async_end with the same pid and id, and, with
 * check_args, every args column is a JSON object within its depth.
 */
void fz_check_spans(const char *path, int check_args);

#endif
