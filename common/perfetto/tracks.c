/*
 * Track table. The canonical key of a track is its kind and identifiers
 * joined by NUL bytes ("process" NUL pid, "thread" NUL pid NUL tid, "track"
 * NUL id, "counter" NUL pid NUL group NUL name, "global"); NUL cannot occur
 * in a record field, so keys never run together. A uuid is xxh64 (seed 0)
 * of the key, or a custom track's id itself when that is a decimal uint64.
 */
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "base/util.h"
#include "perfetto/ids.h"
#include "perfetto/trace.h"
#include "perfetto/tracks.h"

static struct strmap *bykey;
static struct track **order;
static size_t ntracks, cap;

/* The key in a buffer of the file's, valid until the next call. */
static const char *
key(size_t *len, const char *kind, const char *a, const char *b,
    const char *c)
{
	static char *buf;
	static size_t kcap;
	const char *parts[4] = { kind, a, b, c };
	size_t n = 0;

	for (int i = 0; i < 4 && parts[i]; i++) {
		size_t plen = strlen(parts[i]);

		if (n + plen + 1 > kcap) {
			kcap = (n + plen + 1) * 2;
			buf = xrealloc(buf, kcap);
		}
		if (i > 0)
			buf[n++] = '\0';
		memcpy(buf + n, parts[i], plen);
		n += plen;
	}
	*len = n;
	return buf;
}

/* The track under key k, made by init() when missing. */
static struct track *
lookup(const char *k, size_t n, enum tkind kind, const char *id, int literal)
{
	int created;
	void **slot;
	struct track *t;

	if (!bykey)
		bykey = sm_new();
	slot = sm_slot(bykey, k, n, 1, &created);
	if (!created)
		return *slot;
	t = xcalloc(1, sizeof(*t));
	t->kind = kind;
	t->uuid = id_uuid(literal ? id : k, literal ? strlen(id) : n, literal);
	t->id = xstrdup(id);
	t->name = xstrdup(id);
	if (ntracks == cap) {
		cap = cap ? cap * 2 : 64;
		order = xreallocarray(order, cap, sizeof(*order));
	}
	order[ntracks++] = t;
	*slot = t;
	return t;
}

struct track *
tk_process(const char *pid)
{
	size_t n;
	const char *k = key(&n, "process", pid, NULL, NULL);
	struct track *t = lookup(k, n, TK_PROCESS, pid, 0);

	if (!t->pid)
		t->pid = id_number(ID_PID, pid, strlen(pid));
	return t;
}

struct track *
tk_thread(const char *pid, const char *tid)
{
	size_t n;
	const char *k = key(&n, "thread", pid, tid, NULL);
	struct track *t = lookup(k, n, TK_THREAD, tid, 0);

	if (!t->parent) {
		t->parent = tk_process(pid);
		t->pid = t->parent->pid;
		t->tid = id_number(ID_TID, tid, strlen(tid));
	}
	return t;
}

struct track *
tk_custom(const char *id)
{
	size_t n;
	const char *k = key(&n, "track", id, NULL, NULL);

	return lookup(k, n, TK_CUSTOM, id, 1);
}

struct track *
tk_find_custom(const char *id)
{
	size_t n;
	const char *k = key(&n, "track", id, NULL, NULL);

	return bykey ? sm_get(bykey, k, n) : NULL;
}

struct track *
tk_counter(const char *pid, const char *group, const char *name)
{
	size_t n;
	const char *k = key(&n, "counter", pid, group, name);
	struct track *t = lookup(k, n, TK_COUNTER, name, 0);

	if (!t->parent && !t->written) {
		if (*group)
			t->parent = tk_custom(group);
		else if (*pid)
			t->parent = tk_process(pid);
	}
	return t;
}

struct track *
tk_global(void)
{
	struct track *t = lookup("global", 6, TK_CUSTOM, "Global", 0);

	return t;
}

static void
describe_process(const struct track *t, Perfetto__Protos__ProcessDescriptor *p)
{
	p->has_pid = 1;
	p->pid = t->pid;
	p->process_name = t->name;
	if (t->has_start) {
		p->has_start_timestamp_ns = 1;
		p->start_timestamp_ns = t->start;
	}
	p->n_process_labels = t->nlabels;
	p->process_labels = t->labels;
}

void
tk_write(struct track *t)
{
	Perfetto__Protos__TrackDescriptor d = PERFETTO__PROTOS__TRACK_DESCRIPTOR__INIT;
	Perfetto__Protos__ProcessDescriptor p = PERFETTO__PROTOS__PROCESS_DESCRIPTOR__INIT;
	Perfetto__Protos__ThreadDescriptor th = PERFETTO__PROTOS__THREAD_DESCRIPTOR__INIT;
	Perfetto__Protos__CounterDescriptor c = PERFETTO__PROTOS__COUNTER_DESCRIPTOR__INIT;

	if (t->written)
		return;
	t->written = 1;
	if (t->parent)
		tk_write(t->parent);
	d.has_uuid = 1;
	d.uuid = t->uuid;
	if (t->parent) {
		d.has_parent_uuid = 1;
		d.parent_uuid = t->parent->uuid;
	}
	switch (t->kind) {
	case TK_PROCESS:
		describe_process(t, &p);
		d.process = &p;
		break;
	case TK_THREAD:
		th.has_pid = th.has_tid = 1;
		th.pid = t->pid;
		th.tid = t->tid;
		th.thread_name = t->name;
		d.thread = &th;
		break;
	case TK_COUNTER:
		if (t->unit) {
			c.has_unit = 1;
			c.unit = t->unit;
		}
		c.unit_name = t->unit_name;
		if (t->multiplier) {
			c.has_unit_multiplier = 1;
			c.unit_multiplier = t->multiplier;
		}
		if (t->incremental) {
			c.has_is_incremental = 1;
			c.is_incremental = 1;
		}
		d.counter = &c;
		d.name = t->name;
		d.description = t->description;
		break;
	case TK_CUSTOM:
		d.name = t->name;
		d.description = t->description;
		break;
	}
	tw_descriptor(&d);
}

void
tk_each(void (*fn)(struct track *t))
{
	/* fn may make tracks: index, don't hold a pointer into order */
	for (size_t i = 0; i < ntracks; i++)
		fn(order[i]);
}

size_t
tk_count(void)
{
	return ntracks;
}
