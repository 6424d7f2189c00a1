/*
 * Progress on stderr for long runs: records and bytes done, rate, elapsed
 * time, and percent and time left when the input's size is known. Redrawn
 * in place at most 4 times a second and erased at the end when stderr is
 * a terminal; one line a second when forced into a file or pipe.
 * Automatic progress shows only when stderr is a terminal and stdout is
 * not a pipe, so that in a pipeline only the last stage draws its line.
 */
#ifndef SPANPIPE_PROGRESS_H
#define SPANPIPE_PROGRESS_H

#include <stdint.h>

enum progress_mode { PROGRESS_AUTO, PROGRESS_ON, PROGRESS_OFF };

/* total: the input's size in bytes, 0 when unknown; noun: what is
 * counted ("records", "packets"). */
void progress_start(enum progress_mode mode, uint64_t total, const char *noun);
/* A total count of what is counted instead, when that is what is known. */
void progress_total_count(uint64_t n);
/* The size of the named inputs when all are regular files, else 0 ("-"
 * or no name: standard input). */
uint64_t progress_input_size(int n, char *const names[]);
/* Cheap enough to call for every record. */
void progress_update(uint64_t bytes, uint64_t records);
void progress_end(void);
/* Erases a drawn line (every message does this first). */
void progress_clear(void);

#endif
