/*
 * The tracks of a trace being written: one table keyed by the canonical
 * key of each track, and the order tracks were made in, so descriptors are
 * written parents first and in the same order on every run.
 */
#ifndef SPANPIPE_TRACKS_H
#define SPANPIPE_TRACKS_H

#include <stddef.h>
#include <stdint.h>

enum tkind { TK_PROCESS, TK_THREAD, TK_CUSTOM, TK_COUNTER };

struct nest;
struct seq;

struct track {
	enum tkind kind;
	uint64_t uuid;
	struct track *parent;
	char *name;
	char *id;			/* the identifier it was made from */
	int32_t pid, tid;
	int has_start;
	int64_t start;
	char **labels;			/* process labels, "key=value" */
	size_t nlabels;
	int unit;			/* counter: CounterDescriptor.Unit */
	char *unit_name, *description;
	int64_t multiplier;
	int incremental;
	int declared;			/* by a record, not implied by a use */
	int written;			/* its descriptor is out */
	struct seq *seq;		/* its event sequence, once it has events */
	struct nest *nest;		/* open slices, for encode.c */
};

/*
 * Lookups that make the track when it is missing (named after its id).
 * Identifiers are NUL-terminated strings.
 */
struct track *tk_process(const char *pid);
struct track *tk_thread(const char *pid, const char *tid);
struct track *tk_custom(const char *id);
struct track *tk_counter(const char *pid, const char *group, const char *name);
struct track *tk_global(void);
/* The custom track id if it exists, else NULL. */
struct track *tk_find_custom(const char *id);

/* Writes t's descriptor, and its parents' first, unless already out. */
void tk_write(struct track *t);
/* Calls fn on every track, in the order they were made. */
void tk_each(void (*fn)(struct track *t));
size_t tk_count(void);

#endif
