/*
 * Track descriptors: what each uuid is, checked as it is declared (a
 * second declaration must match the first; one thread must not have two
 * uuids) and at the end (every uuid used and every parent is declared).
 * Memory: one struct per track.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "base/util.h"
#include "inspect/insp.h"

struct tdesc {
	int has_uuid, has_process, has_thread, has_counter, has_parent;
	int has_start, unit, incremental, separate;
	uint64_t uuid, parent;
	int32_t pid;
	int64_t tid, start, mult;
	struct pbfield name, pname, tname, desc, unit_name;
	struct sbuf labels;
};

/* A field's bytes as a string of their own, or NULL. */
static char *
strz(const struct pbfield *f)
{
	char *s;

	if (!f->data)
		return NULL;
	s = xmalloc(f->len + 1);
	memcpy(s, f->data, f->len);
	s[f->len] = '\0';
	return s;
}

static void
label(struct tdesc *d, const uint8_t *p, size_t n)
{
	const uint8_t *eq = memchr(p, '=', n);
	size_t kn = eq ? (size_t)(eq - p) : n;

	sb_putc(&d->labels, d->labels.n ? ',' : '{');
	sb_json_str(&d->labels, (const char *)p, kn);
	sb_putc(&d->labels, ':');
	if (eq)
		sb_json_str(&d->labels, (const char *)eq + 1, n - kn - 1);
	else
		sb_json_str(&d->labels, "", 0);
}

/* The fields of a ProcessDescriptor (3), ThreadDescriptor (4) or
 * CounterDescriptor (8) inside a TrackDescriptor. */
static int
sub(struct tdesc *d, uint32_t which, const uint8_t *p, size_t n,
    const char **why)
{
	struct pbuf b;
	struct pbfield f;
	int r;

	pb_init(&b, p, n);
	while ((r = pb_next(&b, &f, why)) > 0) {
		int v = f.wt == PB_VARINT, l = f.wt == PB_LEN;

		if (which == 3 && f.num == 1 && v)
			d->pid = (int32_t)f.v;
		else if (which == 3 && f.num == 6 && l)
			d->pname = f;
		else if (which == 3 && f.num == 7 && v)
			d->has_start = 1, d->start = (int64_t)f.v;
		else if (which == 3 && f.num == 8 && l)
			label(d, f.data, f.len);
		else if (which == 4 && f.num == 1 && v)
			d->pid = (int32_t)f.v;
		else if (which == 4 && f.num == 2 && v)
			d->tid = (int64_t)f.v;
		else if (which == 4 && f.num == 5 && l)
			d->tname = f;
		else if (which == 8 && f.num == 3 && v)
			d->unit = (int)f.v;
		else if (which == 8 && f.num == 4 && v)
			d->mult = (int64_t)f.v;
		else if (which == 8 && f.num == 5 && v)
			d->incremental = f.v != 0;
		else if (which == 8 && f.num == 6 && l)
			d->unit_name = f;
	}
	return r;
}

static int
decode(struct tdesc *d, const uint8_t *p, size_t n, const char **why)
{
	struct pbuf b;
	struct pbfield f;
	int r;

	pb_init(&b, p, n);
	while ((r = pb_next(&b, &f, why)) > 0) {
		if (f.num == 1 && f.wt == PB_VARINT) {
			d->has_uuid = 1;
			d->uuid = f.v;
		} else if (f.num == 5 && f.wt == PB_VARINT) {
			d->has_parent = f.v != 0;	/* 0: no parent */
			d->parent = f.v;
		} else if ((f.num == 2 || (f.num == 10 && !d->name.data)) &&
		    f.wt == PB_LEN) {
			d->name = f;
		} else if (f.num == 14 && f.wt == PB_LEN) {
			d->desc = f;
		} else if (f.num == 9 && f.wt == PB_VARINT) {
			d->separate = f.v != 0;	/* disallow_merging_with_system_tracks */
		} else if ((f.num == 3 || f.num == 4 || f.num == 8) &&
		    f.wt == PB_LEN) {
			d->has_process |= f.num == 3;
			d->has_thread |= f.num == 4;
			d->has_counter |= f.num == 8;
			if (sub(d, f.num, f.data, f.len, why) < 0)
				return -1;
		}
	}
	return r;
}

struct itrack *
itrack_get(struct insp *in, uint64_t uuid)
{
	int created;
	void **slot;

	if (in->lasttrack && in->lasttrack->uuid == uuid &&
	    !in->lasttrack->synthetic)
		return in->lasttrack;
	slot = um_slot(in->tracks_by_uuid, uuid, 1, &created);
	if (created) {
		struct itrack *t = xcalloc(1, sizeof(*t));

		t->uuid = uuid;
		t->last_ts = INT64_MIN;
		*slot = t;
	}
	return in->lasttrack = *slot;
}

static void
synth_add(struct insp *in, struct itrack *t)
{
	in->synth = xreallocarray(in->synth, in->nsynth + 1,
	    sizeof(*in->synth));
	in->synth[in->nsynth++] = t;
}

/* The thread track of (pid, tid), made up if no descriptor declared it. */
struct itrack *
itrack_thread(struct insp *in, int32_t pid, int64_t tid)
{
	char key[12];
	void **slot;
	int created;

	memcpy(key, &pid, 4);
	memcpy(key + 4, &tid, 8);
	slot = sm_slot(in->threads, key, sizeof(key), 1, &created);
	if (created) {
		struct itrack *t = xcalloc(1, sizeof(*t));

		t->kind = TK_THREAD;
		t->declared = t->synthetic = 1;
		t->pid = pid;
		t->tid = tid;
		t->last_ts = INT64_MIN;
		t->name = xstrdup("");
		synth_add(in, t);
		in->tracks[TK_THREAD]++;
		*slot = t;
		*um_slot(in->tids, (uint64_t)tid, 1, NULL) = t;
	}
	return *slot;
}

/* Marks t as carrying track events (atrace 0) or atrace slices (1); the
 * first time it carries both, says so. */
void
itrack_source(struct insp *in, struct itrack *t, int atrace)
{
	char buf[64];

	if (t->sources == 3 || (t->sources |= atrace ? 2 : 1) != 3)
		return;
	if (t->synthetic)
		snprintf(buf, sizeof(buf), "thread %" PRId32 "/%" PRId64, t->pid,
		    t->tid);
	else
		snprintf(buf, sizeof(buf), "track uuid %" PRIu64, t->uuid);
	FIND(in, F_MIXED, "%s has both track events and atrace slices (ftrace "
	    "print): the importer puts them on one slice stack, where an end "
	    "of one kind can close a slice of the other", buf);
}

/* One track of the importer's, known by kind and two numbers: counted the
 * first time it is seen. */
void
itrack_key(struct insp *in, char kind, uint64_t a, uint64_t b)
{
	char key[17];
	int created;

	key[0] = kind;
	memcpy(key + 1, &a, 8);
	memcpy(key + 9, &b, 8);
	sm_slot(in->impkeys, key, sizeof(key), 1, &created);
	in->imp_tracks += created;
}

/*
 * The tracks the importer makes for an event on t (track_event_tracker.cc):
 * made when first used, with their ancestors. A thread's descriptors and
 * its atrace share one track, unless it disallows merging; a process and
 * a counter track are each their own; other tracks merge with their
 * siblings of the same name (an unnamed one takes its event's name).
 * Siblings that overlap in time get more tracks there; that is not
 * counted here.
 */
void
itrack_import(struct insp *in, struct itrack *t, uint64_t event_name)
{
	struct itrack *p;

	if (t->imported && (t->kind != TK_CUSTOM || t->name))
		return;
	t->imported = 1;
	switch (t->kind) {
	case TK_THREAD:
		if (t->separate)
			in->imp_tracks++;
		else
			itrack_key(in, 'T', (uint64_t)(uint32_t)t->pid,
			    (uint64_t)t->tid);
		break;
	case TK_PROCESS:
	case TK_COUNTER:
		in->imp_tracks++;
		break;
	default:
		itrack_key(in, 'M', t->has_parent ? t->parent : 0, t->name ?
		    XXH3_64bits(t->name, strlen(t->name)) : event_name);
		break;
	}
	if (t->has_parent && (p = um_get(in->tracks_by_uuid, t->parent)) &&
	    p->declared)
		itrack_import(in, p, 0);
}

static void
thread_check(struct insp *in, struct itrack *t)
{
	char key[12];
	void **slot;
	struct itrack *o;

	if (t->separate)	/* its own track: atrace never lands on it */
		return;
	memcpy(key, &t->pid, 4);
	memcpy(key + 4, &t->tid, 8);
	slot = sm_slot(in->threads, key, sizeof(key), 1, NULL);
	o = *slot;
	if (o && !o->synthetic && o->uuid != t->uuid)
		FIND(in, F_THREAD_DUP, "thread pid %" PRId32 " tid %" PRId64
		    " has a second uuid %" PRIu64 " (first %" PRIu64 "): the "
		    "importer merges the two tracks into one thread", t->pid,
		    t->tid, t->uuid, o->uuid);
	if (!o || o->synthetic) {
		*slot = t;
		*um_slot(in->tids, (uint64_t)t->tid, 1, NULL) = t;
	}
}

static uint64_t
signature(const struct tdesc *d, enum tkind k)
{
	uint64_t v[5] = { (uint64_t)k, (uint64_t)d->pid, (uint64_t)d->tid,
	    d->has_parent ? d->parent : UINT64_MAX, 0 };

	return XXH3_64bits(v, sizeof(v));
}

static void
fill(struct insp *in, struct itrack *t, struct tdesc *d, enum tkind k)
{
	const struct pbfield *nm = k == TK_THREAD && d->tname.data ?
	    &d->tname : k == TK_PROCESS && d->pname.data ? &d->pname : &d->name;

	free(t->name);
	t->name = strz(nm);
	if (t->declared)
		return;
	t->kind = k;
	t->declared = 1;
	t->decl_pkt = in->pkt;
	t->decl_off = in->off;
	t->pid = d->pid;
	t->tid = d->tid;
	t->has_parent = d->has_parent;
	t->parent = d->parent;
	t->separate = d->separate;
	t->desc = strz(&d->desc);
	t->unit_name = strz(&d->unit_name);
	t->unit = d->unit;
	t->mult = d->mult;
	t->incremental = d->incremental;
	t->has_start = d->has_start;
	t->start = d->start;
	if (d->labels.n) {
		sb_putc(&d->labels, '}');
		sb_putc(&d->labels, '\0');
		t->labels = xstrdup(d->labels.p);
	}
	in->tracks[k]++;
}

void
itrack_descriptor(struct insp *in, const uint8_t *p, size_t n)
{
	struct tdesc d = { 0 };
	const char *why;
	enum tkind k;
	struct itrack *t;
	uint64_t sig;

	if (decode(&d, p, n, &why) < 0) {
		FIND(in, F_DECODE, "track_descriptor does not decode: %s", why);
		goto done;
	}
	if (!d.has_uuid) {
		FIND(in, F_DECODE, "track_descriptor without a uuid");
		goto done;
	}
	k = d.has_counter ? TK_COUNTER : d.has_thread ? TK_THREAD :
	    d.has_process ? TK_PROCESS : TK_CUSTOM;
	sig = signature(&d, k);
	t = itrack_get(in, d.uuid);
	if (t->declared && t->sig != sig) {
		FIND(in, F_CONFLICT, "track uuid %" PRIu64 " declared again "
		    "with different content (first at packet %" PRIu64 ")",
		    d.uuid, t->decl_pkt);
		goto done;
	}
	if (!t->declared && t->used)
		FIND(in, F_DECLARED_LATE, "track uuid %" PRIu64 " is declared "
		    "after an event used it at packet %" PRIu64, d.uuid,
		    t->use_pkt);
	t->sig = sig;
	fill(in, t, &d, k);
	if (k == TK_THREAD)
		thread_check(in, t);
	if (k == TK_PROCESS) {
		void **slot = um_slot(in->procs, (uint64_t)(uint32_t)t->pid, 1,
		    NULL);

		if (!*slot)
			*slot = t;
	}
done:
	sb_free(&d.labels);
}

static void
end_one(uint64_t uuid, void *val, void *arg)
{
	struct insp *in = arg;
	struct itrack *t = val, *p;

	if (t->used && !t->declared)
		ins_finding(in, F_UNDECLARED, t->use_pkt, t->use_off, "track uuid %"
		    PRIu64 " is used but no track descriptor declares it",
		    uuid);
	if (t->declared && t->has_parent && (!(p = um_get(in->tracks_by_uuid,
	    t->parent)) || !p->declared))
		ins_finding(in, F_PARENT, t->decl_pkt, t->decl_off, "track uuid %" PRIu64
		    " has parent_uuid %" PRIu64 ", which no descriptor "
		    "declares", uuid, t->parent);
}

void
itrack_end(struct insp *in)
{
	um_each(in->tracks_by_uuid, end_one, in);
}

static void
free_track(struct itrack *t)
{
	free(t->stack);
	free(t->name);
	free(t->desc);
	free(t->labels);
	free(t->unit_name);
	free(t);
}

static void
free_one(uint64_t uuid, void *val, void *arg)
{
	(void)uuid;
	(void)arg;
	free_track(val);
}

void
itrack_free_all(struct insp *in)
{
	um_each(in->tracks_by_uuid, free_one, NULL);
	for (size_t i = 0; i < in->nsynth; i++)
		free_track(in->synth[i]);
	free(in->synth);
}
