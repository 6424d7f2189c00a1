/*
 * Synthetic telemetry for span-gen: processes with threads running nested
 * spans, and async spans that overlap, nest, cross threads and lack their
 * begin or end. Everything follows from the seed (splitmix64, integer
 * arithmetic only), so a seed gives the same rows on every machine, and
 * every thread and process has its own generator: a source can be replayed
 * alone, in any order, in constant memory.
 */
#ifndef SPANPIPE_GEN_H
#define SPANPIPE_GEN_H

#include <stddef.h>
#include <stdint.h>

#define GEN_UUID 37		/* a UUID string and its NUL */
#define GEN_NAMESZ 128		/* room for a name made by gev_name */
#define GEN_MAXDEPTH 64

struct gen_opts {
	uint64_t seed;
	int processes, threads;	/* threads per process */
	int depth;		/* thread span nesting, 1..GEN_MAXDEPTH */
	int64_t spans;		/* thread spans in all */
	int64_t async;		/* async spans in all */
	int open;		/* most async spans open at once, a process */
	int orphans;		/* percent of async spans without end (and
				   as many without begin) */
	int unique_names;	/* every span its own name */
	int64_t start;		/* first process's start, ns (epoch) */
};

struct gthread {
	char stream_id[GEN_UUID];
	const char *name;	/* NULL: the stream has no thread_name */
	char thread_id[16];
	const char *tid;	/* as span-fetch picks it */
	int64_t nspans;
};

struct gproc {
	char id[GEN_UUID], log_stream[GEN_UUID];
	const char *exe, *username, *realname, *computer, *distro, *cpu_brand;
	const char *properties;	/* JSON or NULL */
	const char *parent;	/* parent_process_id or NULL */
	int64_t tsc_frequency, start;
	int64_t nasync;
	struct gthread *th;	/* in stream_id order */
	int nth;
};

/* A thread span (async 0) or an async begin or end event (async 1). */
struct gev {
	int async, end;
	int64_t ts, endts;	/* endts: thread spans */
	int64_t id, parent;	/* parent < 0: none */
	int depth, name;
	const struct gproc *p;
	const struct gthread *th;	/* the stream it happened on */
	int unique, pidx, tidx;	/* for gev_name: tidx -1 for async */
};

struct gen;
struct gsrc;

struct gen *gen_new(const struct gen_opts *o);
void gen_free(struct gen *g);
int gen_nprocs(const struct gen *g);
const struct gproc *gen_proc(const struct gen *g, int p);

/* Thread t of process p (in stream_id order), or p's async events. */
struct gsrc *gsrc_thread(struct gen *g, int p, int t);
struct gsrc *gsrc_async(struct gen *g, int p);
/* The next event in the order span-fetch reads them: 1, or 0 at the end. */
int gsrc_next(struct gsrc *s, struct gev *ev);
void gsrc_free(struct gsrc *s);

/* The event's name, target, file and line. */
const char *gev_name(const struct gev *ev, char buf[GEN_NAMESZ]);
const char *gev_target(const struct gev *ev);
const char *gev_file(const struct gev *ev);
int gev_line(const struct gev *ev);

/* genfmt.c: the thread spans to standard output as OTLP/JSON lines (a
 * service per process) or as Chrome trace-event JSON. */
void gen_otlp(struct gen *g);
void gen_chrome(struct gen *g);

#endif
