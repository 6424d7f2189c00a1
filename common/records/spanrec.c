/* Records from telemetry store rows; see spanrec.h. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "base/num.h"
#include "base/sig.h"
#include "base/timearg.h"
#include "base/util.h"
#include "records/args.h"
#include "records/spanrec.h"

static size_t
str_max(struct str s)
{
	return REC_FIELD_MAX(s.s ? s.n : 0);
}

static char *
put_str(char *o, struct str s)
{
	return rec_put(o, s.s ? s.s : "", s.s ? s.n : 0, 0);
}

/* Writes at most NUM_BUF bytes: the number, then its comma. */
static char *
put_int(char *o, int present, int64_t v)
{
	char buf[NUM_BUF];
	size_t n;
	const char *p;

	if (present) {
		p = num_fmt_i64(buf, v, &n);
		memcpy(o, p, n);
		o += n;
	}
	*o++ = ',';
	return o;
}

/* The same fields on their own, for the rows written field by field. */
static void
field_str(struct str s)
{
	char *o = out_reserve(str_max(s));

	out_commit((size_t)(put_str(o, s) - o));
}

static void
field_int(int present, int64_t v)
{
	char *o = out_reserve(NUM_BUF);

	out_commit((size_t)(put_int(o, present, v) - o));
}

/* The record is written in one piece, room for its longest form taken once. */
void
spanrow_write(const struct spanrow *r)
{
	const char *kind = kind_names[r->kind];
	size_t max = REC_FIELD_MAX(strlen(kind)) + str_max(r->pid) +
	    str_max(r->tid) + str_max(r->name) + str_max(r->category) +
	    str_max(r->file) + 6 * NUM_BUF + NCOLS;
	char *o = out_reserve(max), *start = o;

	o = rec_put(o, kind, strlen(kind), 0);
	o = put_int(o, 1, r->ts);
	o = put_int(o, r->kind == K_SLICE, r->dur);
	o = put_str(o, r->pid);
	o = put_str(o, r->tid);
	*o++ = ',';					/* track */
	o = put_int(o, r->has & HAS_ID, r->id);
	o = put_int(o, r->has & HAS_PARENT, r->parent);
	o = put_int(o, r->has & HAS_DEPTH, r->depth);
	o = put_str(o, r->name);
	o = put_str(o, r->category);
	o = put_str(o, r->file);
	o = put_int(o, r->has & HAS_LINE, r->line);
	for (int c = C_VALUE; c < C_ARGS; c++)		/* value, flows... */
		*o++ = ',';
	*o++ = '\n';					/* args */
	out_commit((size_t)(o - start));
	sig_check();		/* a whole record: a place to stop */
}

static void
add_str(json_object *o, const char *key, struct str v)
{
	if (v.s && v.n > 0)
		json_object_object_add(o, key,
		    json_object_new_string_len(v.s, (int)v.n));
}

static void
add_stats(json_object *o, const struct procstats *s)
{
	char buf[TIME_FORMAT_SIZE];

	json_object_object_add(o, "start_time",
	    json_object_new_string(time_format(s->start, buf)));
	json_object_object_add(o, "end_time", s->has_end ?
	    json_object_new_string(time_format(s->end, buf)) : NULL);
	json_object_object_add(o, "threads", json_object_new_int64(s->threads));
	if (s->no_counts)
		return;
	json_object_object_add(o, "thread_spans",
	    json_object_new_int64(s->thread_spans));
	json_object_object_add(o, "async_events",
	    json_object_new_int64(s->async_events));
}

/* The args object: listing stats, labels, then properties' own keys. */
static const char *
labels(const struct procrow *p, const struct procstats *stats,
    json_object **out)
{
	json_object *o, *props = NULL;
	const char *why = NULL;
	size_t at;

	if (p->properties.s && p->properties.n > 0
	    && !(props = args_parse(p->properties.s, p->properties.n, &why,
	    &at)))
		return why;
	o = json_object_new_object();
	if (stats)
		add_stats(o, stats);
	add_str(o, "username", p->username);
	add_str(o, "realname", p->realname);
	add_str(o, "computer", p->computer);
	add_str(o, "distro", p->distro);
	add_str(o, "cpu_brand", p->cpu_brand);
	if (p->has_tsc)
		json_object_object_add(o, "tsc_frequency",
		    json_object_new_int64(p->tsc_frequency));
	add_str(o, "parent_process_id", p->parent_process_id);
	if (props) {
		json_object_object_foreach(props, k, v)
			json_object_object_add(o, k, json_object_get(v));
		json_object_put(props);
	}
	*out = o;
	return NULL;
}

const char *
procrow_write(const struct procrow *p, const struct procstats *stats)
{
	json_object *args = NULL;
	const char *why = labels(p, stats, &args), *text;

	if (why)
		return why;
	text = json_object_object_length(args) == 0 ? "" :
	    json_object_to_json_string_ext(args, JSON_C_TO_STRING_PLAIN
	    | JSON_C_TO_STRING_NOSLASHESCAPE);
	rec_field("process", 7, 0);
	field_int(1, p->start_time);
	rec_field("", 0, 0);				/* dur */
	field_str(p->process_id);
	for (int c = C_TID; c < C_NAME; c++)		/* tid ... depth */
		rec_field("", 0, 0);
	field_str(p->exe);
	for (int c = C_CATEGORY; c < C_ARGS; c++)
		rec_field("", 0, 0);
	rec_field(text, strlen(text), 1);
	json_object_put(args);
	return NULL;
}

/* Named "thread_name-thread_id" as micromegas shows threads; either part
 * alone when the other is missing; the stream id when both are. */
void
thread_write(struct str pid, struct str tid, struct str thread_name,
    struct str thread_id, struct str stream_id)
{
	int hn = thread_name.s && thread_name.n;
	int hi = thread_id.s && thread_id.n;
	char *name = xmalloc(thread_name.n + thread_id.n + stream_id.n + 2);
	size_t n = 0;

	if (hn) {
		memcpy(name, thread_name.s, thread_name.n);
		n = thread_name.n;
	}
	if (hn && hi)
		name[n++] = '-';
	if (hi) {
		memcpy(name + n, thread_id.s, thread_id.n);
		n += thread_id.n;
	}
	if (!hn && !hi && stream_id.s) {
		memcpy(name, stream_id.s, stream_id.n);
		n = stream_id.n;
	}
	rec_field("thread", 6, 0);
	for (int c = C_TS; c < C_PID; c++)
		rec_field("", 0, 0);
	field_str(pid);
	field_str(tid);
	for (int c = C_TRACK; c < C_NAME; c++)
		rec_field("", 0, 0);
	rec_field(name, n, 0);
	for (int c = C_CATEGORY; c < C_ARGS; c++)
		rec_field("", 0, 0);
	rec_field("", 0, 1);
	free(name);
}
