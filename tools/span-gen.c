/*
 * span-gen: deterministic synthetic telemetry (common/store/gen.c) written to a
 * store (SQLite file or PostgreSQL) or as records to standard output, the
 * same records span-fetch would print for each process of that store.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/merge.h"
#include "base/num.h"
#include "base/progress.h"
#include "base/timearg.h"
#include "base/util.h"
#include "records/record.h"
#include "records/spanrec.h"
#include "store/gen.h"
#include "store/store.h"

static void
usage(FILE *f, int status)
{
	fputs("usage: span-gen [-f] [--db PATH|URI] [--seed N] "
	    "[--processes N]\n"
	    "                [--threads N] [--spans N] [--depth N] "
	    "[--async N]\n"
	    "                [--open N] [--orphan-percent N] "
	    "[--start-time T]\n"
	    "                [--unique-names] [--progress | --no-progress]\n"
	    "                [--format records|otlp|chrome]\n", f);
	if (f == stdout)
		fputs("\n"
		    "  --async N          async spans in all (default: spans "
		    "/ 4)\n"
		    "  --no-progress      never show progress\n"
		    "  --progress         show progress on stderr even off a "
		    "terminal\n"
		    "  --db PATH|URI      write a store: SQLite file or "
		    "postgresql:// URI\n"
		    "                     (default: records to standard "
		    "output)\n"
		    "  --depth N          thread span nesting depth (default "
		    "4)\n"
		    "  -f, --force        replace an existing store\n"
		    "  --format FMT       records (default), or the thread spans "
		    "as otlp\n"
		    "                     (OTLP/JSON lines) or chrome (Chrome "
		    "JSON)\n"
		    "  -h, --help         this help\n"
		    "  --open N           most async spans open at once "
		    "(default 64)\n"
		    "  --orphan-percent N async spans lacking their end, and "
		    "as many\n"
		    "                     lacking their begin, in percent "
		    "(default 1)\n"
		    "  --processes N      processes (default 1)\n"
		    "  --seed N           the seed: same seed, same output "
		    "(default 1)\n"
		    "  --spans N          thread spans in all (default 10000)\n"
		    "  --start-time T     first process's start (default "
		    "2024-01-01)\n"
		    "  --threads N        threads per process (default 4)\n"
		    "  --unique-names     every span its own name\n"
		    "  --version          print the version\n", f);
	exit(status);
}

static int64_t
numopt(const char *opt, const char *s, int64_t min, int64_t max)
{
	int64_t v;
	const char *why = num_i64(s, &v);

	if (!why && (v < min || v > max))
		why = "is out of range";
	if (why) {
		warnmsg("--%s: '%s' %s (%" PRId64 " to %" PRId64 ")", opt, s,
		    why, min, max);
		usage(stderr, EX_USAGE);
	}
	return v;
}

static struct procrow
procrow_of(const struct gproc *p)
{
	return (struct procrow){ STR(p->id), STR(p->exe), STR(p->username),
	    STR(p->realname), STR(p->computer), STR(p->distro),
	    STR(p->cpu_brand), STR(p->parent), STR(p->properties),
	    p->tsc_frequency >= 0, p->tsc_frequency, p->start };
}

static void
write_row(const struct gev *ev)
{
	char buf[GEN_NAMESZ];
	struct spanrow r = {
		ev->async ? ev->end ? K_ASYNC_END : K_ASYNC_BEGIN : K_SLICE,
		ev->ts, ev->endts - ev->ts, STR(ev->p->id), STR(ev->th->tid),
		HAS_ID | HAS_DEPTH | HAS_LINE | (ev->parent >= 0 ? HAS_PARENT
		: 0), ev->id, ev->parent, ev->depth, gev_line(ev),
		STR(gev_name(ev, buf)), STR(gev_target(ev)), STR(gev_file(ev)),
	};

	spanrow_write(&r);
}

/* Records: every process and its threads, then all events merged on ts
 * in span-fetch's order (threads in stream_id order, then async). */
static void
gen_records(struct gen *g)
{
	size_t n = 0, i;
	uint64_t rows = 0;
	struct gsrc **src;
	struct merge *m;
	struct gev *ev;

	out_open(NULL, 0);
	rec_write_header();
	for (int p = 0; p < gen_nprocs(g); p++) {
		const struct gproc *gp = gen_proc(g, p);
		struct procrow pr = procrow_of(gp);

		procrow_write(&pr, NULL);
		for (int t = 0; t < gp->nth; t++)
			thread_write(STR(gp->id), STR(gp->th[t].tid),
			    STR(gp->th[t].name), STR(gp->th[t].thread_id),
			    STR(gp->th[t].stream_id));
		n += (size_t)gp->nth + 1;
	}
	src = xcalloc(n, sizeof(*src));
	ev = xcalloc(n, sizeof(*ev));
	m = merge_new(n);
	n = 0;
	for (int p = 0; p < gen_nprocs(g); p++) {
		for (int t = 0; t < gen_proc(g, p)->nth; t++)
			src[n++] = gsrc_thread(g, p, t);
		src[n++] = gsrc_async(g, p);
	}
	for (i = 0; i < n; i++)
		if (gsrc_next(src[i], &ev[i]))
			merge_push(m, ev[i].ts, i);
	while (merge_pop(m, &i, NULL)) {
		write_row(&ev[i]);
		progress_update(out_bytes(), ++rows);
		if (gsrc_next(src[i], &ev[i]))
			merge_push(m, ev[i].ts, i);
	}
	for (i = 0; i < n; i++)
		gsrc_free(src[i]);
	merge_free(m);
	free(src);
	free(ev);
	out_close();
}

static void
put_process(struct store *st, const struct gproc *p)
{
	struct sval v[] = { SV_S(p->id), SV_S(p->exe), SV_S(p->username),
	    SV_S(p->realname), SV_S(p->computer), SV_S(p->distro),
	    SV_S(p->cpu_brand), p->tsc_frequency >= 0 ? SV_I(p->tsc_frequency)
	    : SV_N(), SV_I(p->start), SV_S(p->parent), SV_S(p->properties) };

	store_insert(st, ST_PROCESSES, v);
}

static void
put_streams(struct store *st, const struct gproc *p)
{
	struct sval v[] = { SV_S(p->log_stream), SV_S(p->id), SV_S("log"),
	    SV_N(), SV_N(), SV_N() };

	store_insert(st, ST_STREAMS, v);
	for (int t = 0; t < p->nth; t++) {
		const struct gthread *th = &p->th[t];
		struct sval w[] = { SV_S(th->stream_id), SV_S(p->id),
		    SV_S("cpu"), SV_S(th->name), SV_S(th->thread_id), SV_N() };

		store_insert(st, ST_STREAMS, w);
	}
}

static void
put_event(struct store *st, const struct gev *ev)
{
	char buf[GEN_NAMESZ];
	struct sval par = ev->parent >= 0 ? SV_I(ev->parent) : SV_N();
	const char *name = gev_name(ev, buf);

	if (!ev->async) {
		struct sval v[] = { SV_S(ev->th->stream_id), SV_I(ev->id), par,
		    SV_I(ev->depth), SV_I(ev->ts), SV_I(ev->endts),
		    SV_S(name), SV_S(gev_target(ev)), SV_S(gev_file(ev)),
		    SV_I(gev_line(ev)) };

		store_insert(st, ST_THREAD_SPANS, v);
	} else {
		struct sval v[] = { SV_S(ev->p->id), SV_S(ev->th->stream_id),
		    SV_I(ev->ts), SV_S(ev->end ? "end" : "begin"),
		    SV_I(ev->id), par, SV_I(ev->depth), SV_S(name),
		    SV_S(gev_target(ev)), SV_S(gev_file(ev)),
		    SV_I(gev_line(ev)) };

		store_insert(st, ST_ASYNC_EVENTS, v);
	}
}

static void
put_source(struct store *st, struct gsrc *s)
{
	static uint64_t rows;
	struct gev ev;

	while (gsrc_next(s, &ev)) {
		put_event(st, &ev);
		progress_update(0, ++rows);
	}
	gsrc_free(s);
}

/* A store: each table in one run (PostgreSQL loads each with one COPY). */
static void
gen_store(struct gen *g, const char *db, int force)
{
	struct store *st = store_create(db, force);
	int np = gen_nprocs(g);

	for (int p = 0; p < np; p++)
		put_process(st, gen_proc(g, p));
	for (int p = 0; p < np; p++)
		put_streams(st, gen_proc(g, p));
	for (int p = 0; p < np; p++)
		for (int t = 0; t < gen_proc(g, p)->nth; t++)
			put_source(st, gsrc_thread(g, p, t));
	for (int p = 0; p < np; p++)
		put_source(st, gsrc_async(g, p));
	store_close(st);
}

static const struct option longopts[] = {
	{ "async", required_argument, NULL, 'a' },
	{ "db", required_argument, NULL, 'd' },
	{ "depth", required_argument, NULL, 'D' },
	{ "force", no_argument, NULL, 'f' },
	{ "format", required_argument, NULL, 'F' },
	{ "help", no_argument, NULL, 'h' },
	{ "no-progress", no_argument, NULL, 1001 },
	{ "open", required_argument, NULL, 'o' },
	{ "orphan-percent", required_argument, NULL, 'O' },
	{ "processes", required_argument, NULL, 'P' },
	{ "progress", no_argument, NULL, 1000 },
	{ "seed", required_argument, NULL, 'S' },
	{ "spans", required_argument, NULL, 's' },
	{ "start-time", required_argument, NULL, 'T' },
	{ "threads", required_argument, NULL, 't' },
	{ "unique-names", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static enum progress_mode progress = PROGRESS_AUTO;

enum { FMT_RECORDS, FMT_OTLP, FMT_CHROME };
static int format = FMT_RECORDS;

static int
formatopt(const char *s)
{
	if (strcmp(s, "records") == 0)
		return FMT_RECORDS;
	if (strcmp(s, "otlp") == 0)
		return FMT_OTLP;
	if (strcmp(s, "chrome") == 0)
		return FMT_CHROME;
	warnmsg("--format: '%s' is not records, otlp or chrome", s);
	usage(stderr, EX_USAGE);
	return 0;
}

static void
options(int argc, char *argv[], struct gen_opts *o, const char **db,
    int *force)
{
	const char *why;
	int c;

	while ((c = getopt_long(argc, argv, "fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': o->async = numopt("async", optarg, 0, INT64_MAX / 4);
			break;
		case 'd': *db = optarg; break;
		case 'D': o->depth = (int)numopt("depth", optarg, 1,
			    GEN_MAXDEPTH); break;
		case 'f': *force = 1; break;
		case 'F': format = formatopt(optarg); break;
		case 'h': usage(stdout, 0); break;
		case 'o': o->open = (int)numopt("open", optarg, 1, 1000000);
			break;
		case 'O': o->orphans = (int)numopt("orphan-percent", optarg, 0,
			    50); break;
		case 'P': o->processes = (int)numopt("processes", optarg, 1,
			    10000); break;
		case 'S': o->seed = (uint64_t)numopt("seed", optarg, 0,
			    INT64_MAX); break;
		case 's': o->spans = numopt("spans", optarg, 0, INT64_MAX / 4);
			break;
		case 'T':
			if ((why = time_parse(optarg, &o->start))) {
				warnmsg("--start-time: '%s' %s", optarg, why);
				usage(stderr, EX_USAGE);
			}
			break;
		case 't': o->threads = (int)numopt("threads", optarg, 1, 4096);
			break;
		case 'u': o->unique_names = 1; break;
		case 'V': print_version(); exit(0);
		case 1000: progress = PROGRESS_ON; break;
		case 1001: progress = PROGRESS_OFF; break;
		default: usage(stderr, EX_USAGE);
		}
	}
	if (optind < argc) {
		warnmsg("unexpected argument '%s'", argv[optind]);
		usage(stderr, EX_USAGE);
	}
	if (*db != NULL && format != FMT_RECORDS) {
		warnmsg("--format %s excludes --db", format == FMT_OTLP ?
		    "otlp" : "chrome");
		usage(stderr, EX_USAGE);
	}
}

int
main(int argc, char *argv[])
{
	struct gen_opts o = { .seed = 1, .processes = 1, .threads = 4,
	    .depth = 4, .spans = 10000, .async = -1, .open = 64, .orphans = 1,
	    .start = 1704067200000000000LL };
	const char *db = NULL;
	int force = 0;
	struct gen *g;

	setprogname(argv[0]);
	options(argc, argv, &o, &db, &force);
	if ((int64_t)o.processes * o.threads > 100000)
		die(EX_USAGE, "--processes times --threads is above 100000");
	if (o.async < 0)
		o.async = o.spans / 4;
	g = gen_new(&o);
	progress_start(progress, 0, "rows");
	progress_total_count((uint64_t)o.spans + 2 * (uint64_t)o.async);
	if (db)
		gen_store(g, db, force);
	else if (format == FMT_OTLP)
		gen_otlp(g);
	else if (format == FMT_CHROME)
		gen_chrome(g);
	else
		gen_records(g);
	progress_end();
	gen_free(g);
	return 0;
}
