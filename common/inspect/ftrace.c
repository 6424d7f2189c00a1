/*
 * Atrace: the slices, instants and counters that Android and other
 * writers put in ftrace print events ("B|pid|name", "E|pid", ...), as the
 * importer reads them (systrace_parser.h, ParseSystraceTracePoint). B, E
 * and I go on the thread's track, the one its track events use too
 * unless the thread's descriptor disallows merging with system tracks, so
 * they share one slice stack and pass through the same sort window and
 * slice checks. Async slices (S/F, G/H, N) and counters (C) are counted
 * per process and name, not checked. A print that is no atrace line
 * counts as the importer's systrace_parse_failure, an error.
 * Cost: one pass over each print; memory one entry per async or counter
 * name.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "base/util.h"
#include "inspect/insp.h"

struct apoint {			/* one parsed atrace line */
	char phase;
	int has_tgid;
	uint32_t tgid;
	const char *name, *track;
	size_t namelen, tracklen;
	int64_t cookie;
};

struct aname {			/* an async or counter name of a process */
	uint64_t *open;		/* cookies of the slices open on it */
	size_t nopen, cap;
	size_t ntracks;
};

/* The next '|'-separated field of s[*off..n). */
static const char *
next_field(const char *s, size_t n, size_t *off, size_t *len)
{
	const char *f = s + (*off < n ? *off : n);
	size_t i = *off;

	while (i < n && s[i] != '|' && s[i] != '\0')
		i++;
	*len = *off < n ? i - *off : 0;
	*off = i + 1;
	return f;
}

/* A number as base::StringToUInt32 / StringToInt64 take it: all digits,
 * an optional sign for the signed one, in range. */
static int
number(const char *s, size_t n, int sign, int64_t lo, int64_t hi,
    int64_t *out)
{
	char buf[32];
	char *end;
	long long v;

	if (n == 0 || n >= sizeof(buf) || (!sign && (s[0] == '-' ||
	    s[0] == '+')))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (buf[0] == ' ' || buf[0] == '\t' || buf[0] == '\n')
		return 0;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (*end != '\0' || errno || v < lo || v > hi)
		return 0;
	*out = v;
	return 1;
}

/* Fields 2 and on of phases S, F, I, N, C, G and H; 0: a parse failure. */
static int
fields(struct apoint *a, const char *s, size_t n, size_t off)
{
	const char *f2, *f3, *f4;
	size_t l2, l3, l4;

	f2 = next_field(s, n, &off, &l2);
	f3 = next_field(s, n, &off, &l3);
	f4 = next_field(s, n, &off, &l4);
	if (!a->has_tgid || l2 == 0)
		return 0;
	switch (a->phase) {
	case 'I':
		a->name = f2, a->namelen = l2;
		return 1;
	case 'S': case 'F': case 'C':
		a->name = f2, a->namelen = l2;
		return number(f3, l3, 1, INT64_MIN, INT64_MAX, &a->cookie);
	case 'N':
		a->track = f2, a->tracklen = l2, a->name = f3, a->namelen = l3;
		return l3 > 0;
	case 'G':
		a->track = f2, a->tracklen = l2, a->name = f3, a->namelen = l3;
		return l3 > 0 && number(f4, l4, 1, INT64_MIN, INT64_MAX,
		    &a->cookie);
	default:		/* 'H': the cookie is the 4th field, or the 3rd */
		a->track = f2, a->tracklen = l2;
		return l4 ? number(f4, l4, 1, INT64_MIN, INT64_MAX, &a->cookie) :
		    number(f3, l3, 1, INT64_MIN, INT64_MAX, &a->cookie);
	}
}

/* 1: parsed; 0: no atrace line; -1: a line the importer passes over. */
static int
parse(struct apoint *a, const char *s, size_t n)
{
	size_t off = 0, l0, l1;
	const char *f1;
	int64_t v;

	zero(a, sizeof(*a));
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\0'))
		n--;
	next_field(s, n, &off, &l0);
	if (l0 == 0)
		return 0;
	a->phase = s[0];
	f1 = next_field(s, n, &off, &l1);
	if ((a->has_tgid = number(f1, l1, 0, 0, UINT32_MAX, &v)))
		a->tgid = (uint32_t)v;
	switch (a->phase) {
	case 'B':
		if (!a->has_tgid)
			return 0;
		a->name = off < n ? s + off : "[empty slice name]";
		a->namelen = off < n ? n - off : strlen(a->name);
		return 1;
	case 'E':
		return 1;
	case 'S': case 'F': case 'I': case 'N': case 'C': case 'G': case 'H':
		return fields(a, s, n, off);
	default:
		if (n >= 23 && memcmp(s, "trace_event_clock_sync:", 23) == 0)
			return -1;
		return 0;
	}
}

/* The process's entry for an async track or counter name. */
static struct aname *
aname_get(struct insp *in, char kind, uint32_t tgid, const char *name,
    size_t len, int *created)
{
	void **slot;

	in->tmp.n = 0;
	sb_putc(&in->tmp, kind);
	sb_put(&in->tmp, &tgid, sizeof(tgid));
	sb_put(&in->tmp, name, len);
	slot = sm_slot(in->anames, in->tmp.p, in->tmp.n, 1, created);
	if (*created)
		*slot = xcalloc(1, sizeof(struct aname));
	return *slot;
}

/* Async slices: one track per name of a process, and another for each
 * slice open at once on it (the importer's track compressor). S begins
 * nothing when its cookie is open already (legacy unnestable slices). */
static void
async(struct insp *in, const struct apoint *a)
{
	int created;
	int slot = a->phase == 'S' || a->phase == 'F';
	struct aname *n = aname_get(in, slot ? 'S' : 'G', a->tgid, slot ?
	    a->name : a->track, slot ? a->namelen : a->tracklen, &created);
	size_t i;

	for (i = 0; i < n->nopen && n->open[i] != (uint64_t)a->cookie; i++)
		;
	if (a->phase == 'F' || a->phase == 'H') {
		if (i < n->nopen)
			n->open[i] = n->open[--n->nopen];
		return;
	}
	in->slices++;
	if (a->phase == 'N') {
		if (n->ntracks == 0)
			n->ntracks = 1, in->atrace_tracks++;
		return;
	}
	if (i < n->nopen) {
		if (a->phase == 'S')
			in->slices--;
		return;
	}
	if (n->nopen == n->cap) {
		n->cap = n->cap ? n->cap * 2 : 4;
		n->open = xreallocarray(n->open, n->cap, sizeof(*n->open));
	}
	n->open[n->nopen++] = (uint64_t)a->cookie;
	if (n->nopen > n->ntracks)
		n->ntracks++, in->atrace_tracks++;
}

static void
counter(struct insp *in, const struct apoint *a)
{
	int created;

	aname_get(in, 'C', a->tgid, a->name, a->namelen, &created);
	if (created)
		in->atrace_tracks++;
	in->counter_values++;
}

/* B, E and I: an event on the thread's track, into the sort window. */
static void
thread_event(struct insp *in, struct irun *run, const struct apoint *a,
    uint32_t tid, int64_t ts)
{
	struct itrack *t;
	struct iev *e;

	if (a->tgid != 0)
		t = itrack_thread(in, (int32_t)a->tgid, tid);
	else if (!(t = um_get(in->tids, tid)) && a->phase != 'E')
		t = itrack_thread(in, 0, tid);
	if (!t)
		return;		/* an E on a thread never seen: ignored */
	itrack_source(in, t, 1);
	e = iev_new(in);
	e->ord = in->pkt * 2;
	e->off = in->off;
	e->t = t;
	e->ts = ts;
	e->type = a->phase == 'B' ? EV_BEGIN : a->phase == 'E' ? EV_END :
	    EV_INSTANT;
	if (in->mode == IM_RECORDS)
		e->rec = xcalloc(1, sizeof(*e->rec));
	if (a->phase != 'E') {
		e->has_name = 1;
		e->name_h = XXH3_64bits(a->name, a->namelen);
		if (e->rec)
			e->rec->name = rcs_new(a->name, a->namelen);
	}
	iev_enqueue(in, run, e);
}

static void
print(struct insp *in, struct irun *run, const uint8_t *p, size_t n,
    uint32_t tid, int64_t ts)
{
	struct pbuf b;
	struct pbfield f;
	const char *why;
	struct apoint a;
	const char *buf = "";
	size_t len = 0;
	int r;

	pb_init(&b, p, n);
	while (pb_next(&b, &f, &why) > 0)
		if (f.num == 2 && f.wt == PB_LEN)
			buf = (const char *)f.data, len = f.len;
	in->atrace++;
	if ((r = parse(&a, buf, len)) < 0)
		return;
	if (r == 0) {
		FIND(in, F_ATRACE_BAD, "ftrace print \"%.*s\" is no atrace line: "
		    "the importer counts a systrace_parse_failure", len > 40 ?
		    40 : (int)len, buf);
		return;
	}
	if (a.phase == 'B' || a.phase == 'E' || a.phase == 'I')
		thread_event(in, run, &a, tid, ts);
	else if (a.phase == 'C')
		counter(in, &a);
	else
		async(in, &a);
}

/* One FtraceEvent: timestamp 1, pid 2 (the thread), print 3. */
static void
event(struct insp *in, struct irun *run, const uint8_t *p, size_t n)
{
	struct pbuf b;
	struct pbfield f, pr = { 0 };
	const char *why;
	uint64_t ts = 0, tid = 0;
	int r;

	pb_init(&b, p, n);
	while ((r = pb_next(&b, &f, &why)) > 0) {
		if (f.num == 1 && f.wt == PB_VARINT)
			ts = f.v;
		else if (f.num == 2 && f.wt == PB_VARINT)
			tid = f.v;
		else if (f.num == 3 && f.wt == PB_LEN)
			pr = f;
	}
	if (r < 0) {
		FIND(in, F_DECODE, "ftrace event does not decode: %s", why);
		return;
	}
	if (!pr.data)
		return;
	if (ts > INT64_MAX) {
		FIND(in, F_NEGTS, "negative timestamp %" PRId64 ": the importer "
		    "drops the event", (int64_t)ts);
		return;
	}
	print(in, run, pr.data, pr.len, (uint32_t)tid, (int64_t)ts);
}

/* The run of a CPU's events: each bundle holds one CPU's, in time order. */
static struct irun *
cpu_run(struct insp *in, uint64_t cpu)
{
	void **slot = um_slot(in->cpus, cpu, 1, NULL);

	if (!*slot)
		*slot = xcalloc(1, sizeof(struct irun));
	return *slot;
}

/* FtraceEventBundle: cpu 1, event 2. */
void
iftrace_bundle(struct insp *in, const uint8_t *p, size_t n)
{
	struct pbuf b;
	struct pbfield f;
	const char *why;
	uint64_t cpu = 0;
	struct irun *run;
	int r;

	pb_init(&b, p, n);
	while ((r = pb_next(&b, &f, &why)) > 0)
		if (f.num == 1 && f.wt == PB_VARINT)
			cpu = f.v;
	if (r < 0) {
		FIND(in, F_DECODE, "ftrace_events do not decode: %s", why);
		return;
	}
	run = cpu_run(in, cpu);
	pb_init(&b, p, n);
	while (pb_next(&b, &f, &why) > 0)
		if (f.num == 2 && f.wt == PB_LEN)
			event(in, run, f.data, f.len);
}

static void
free_aname(const char *k, size_t n, void *v, void *arg)
{
	struct aname *a = v;

	(void)k;
	(void)n;
	(void)arg;
	free(a->open);
	free(a);
}

static void
free_run(uint64_t k, void *v, void *arg)
{
	(void)k;
	(void)arg;
	free(v);
}

/* After the sort window is empty. */
void
iftrace_free(struct insp *in)
{
	sm_each(in->anames, free_aname, NULL);
	um_each(in->cpus, free_run, NULL);
}
