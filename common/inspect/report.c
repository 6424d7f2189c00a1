/*
 * Findings and the report. Every finding is counted; the first INSP_SHOW
 * of each kind keep their text, packet index and byte offset for the
 * report, so a trace with a million faults costs no more than one with ten.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "inspect/insp.h"
#include "records/record.h"

static const char *const fnames[NFKINDS] = {
	[F_FIELD] = "top_level_field",
	[F_TRUNC] = "truncated",
	[F_FRAME] = "bad_framing",
	[F_DECODE] = "packet_does_not_decode",
	[F_INFLATE] = "compressed_packets_bad",
	[F_HUGE] = "packet_too_large",
	[F_GZIP] = "gzip_bad",
	[F_NESTED] = "nested_compressed_packets",
	[F_NOSEQ] = "no_sequence_id",
	[F_IID] = "iid_not_interned",
	[F_CLOCK] = "clock_undefined",
	[F_NEGTS] = "negative_timestamp",
	[F_UNDECLARED] = "track_undeclared",
	[F_COUNTER_EARLY] = "counter_before_descriptor",
	[F_PARENT] = "parent_undeclared",
	[F_CONFLICT] = "track_conflict",
	[F_MISPLACED] = "misplaced_end",
	[F_COUNTER_TRACK] = "counter_on_slice_track",
	[F_SLICE_TRACK] = "slice_on_counter_track",
	[F_DEPTH] = "too_deep",
	[F_JSON_NULL] = "json_null_in_args",
	[F_ATRACE_BAD] = "atrace_unparsed",
	[F_ANNO_KEYS] = "annotation_keys_overflow",
	[F_BADTYPE] = "unknown_event_type",
	[F_NEEDS_STATE] = "needs_state_before_clear",
	[F_LOSS] = "dropped_after_loss",
	[F_DECLARED_LATE] = "track_declared_late",
	[F_THREAD_DUP] = "thread_declared_twice",
	[F_OPEN] = "slice_open_at_end",
	[F_FLOW_ONCE] = "flow_seen_once",
	[F_LATE] = "event_out_of_order",
	[F_ZSTD] = "zstd_not_checked",
	[F_CLOCK_SYNC] = "clock_not_convertible",
	[F_UNMATCHED] = "end_without_begin",
	[F_END_BELOW] = "end_below_top",
	[F_MIXED] = "atrace_and_track_events",
	[F_ANNO_DEEP] = "annotation_too_deep",
};

/* Names of TracePacket payload fields (../shared/perfetto-fields.md and
 * upstream trace_packet.proto); others print as "field N". */
static const struct {
	uint32_t num;
	const char *name;
} payloads[] = {
	{ 1, "ftrace_events" }, { 2, "process_tree" }, { 4, "inode_file_map" },
	{ 5, "chrome_events" }, { 6, "clock_snapshot" }, { 7, "sys_stats" },
	{ 9, "process_stats" }, { 11, "track_event" }, { 33, "trace_config" },
	{ 34, "ftrace_stats" }, { 35, "trace_stats" },
	{ 36, "synchronization_marker" }, { 37, "profile_packet" },
	{ 38, "battery" }, { 39, "android_log" }, { 40, "power_rails" },
	{ 43, "process_descriptor" }, { 44, "thread_descriptor" },
	{ 45, "system_info" }, { 46, "trigger" }, { 47, "packages_list" },
	{ 48, "chrome_benchmark_metadata" }, { 49, "perfetto_metatrace" },
	{ 50, "compressed_packets" }, { 51, "chrome_metadata" },
	{ 52, "gpu_counter_event" }, { 53, "gpu_render_stage_event" },
	{ 54, "streaming_profile_packet" }, { 56, "heap_graph" },
	{ 57, "graphics_frame_event" }, { 60, "track_descriptor" },
	{ 61, "module_symbols" }, { 62, "vulkan_memory_event" },
	{ 63, "gpu_log" }, { 64, "deobfuscation_mapping" },
	{ 65, "vulkan_api_event" }, { 66, "perf_sample" }, { 67, "cpu_info" },
	{ 68, "smaps_packet" }, { 69, "service_event" },
	{ 70, "initial_display_state" }, { 71, "gpu_mem_total_event" },
	{ 72, "extension_descriptor" }, { 73, "memory_tracker_snapshot" },
	{ 74, "streaming_allocation" }, { 75, "streaming_free" },
	{ 76, "frame_timeline_event" },
	{ 77, "android_energy_estimation_breakdown" }, { 78, "ui_state" },
	{ 82, "translation_table" }, { 84, "statsd_atom" },
	{ 86, "android_system_property" }, { 89, "trace_uuid" },
	{ 90, "track_event_range_of_interest" },
	{ 91, "entity_state_residency" }, { 95, "etw_events" },
	{ 107, "remote_clock_sync" }, { 124, "trace_provenance" },
	{ 126, "trace_attributes" }, { 133, "zstd_compressed_packets" },
	{ 900, "for_testing" },
};

static const char *const tabnames[] = {
	[1] = "event_categories", [2] = "event_names",
	[3] = "debug_annotation_names", [4] = "source_locations",
	[5] = "function_names", [6] = "frames", [7] = "callstacks",
	[16] = "build_ids", [17] = "mapping_paths", [18] = "source_paths",
	[19] = "mappings", [20] = "log_message_body", [25] = "histogram_names",
	[27] = "debug_annotation_value_type_names",
	[28] = "unsymbolized_source_locations",
	[29] = "debug_annotation_string_values",
};

static const char *const tknames[NTKINDS] = {
	[TK_NONE] = "undeclared", [TK_PROCESS] = "process",
	[TK_THREAD] = "thread", [TK_CUSTOM] = "custom",
	[TK_COUNTER] = "counter", [TK_GLOBAL] = "global",
};

static const char *const typenames[6] = {
	"unspecified", "slice_begin", "slice_end", "instant", "counter",
	"other_type",
};

static const char *
ins_payload_name(uint32_t num, char *buf, size_t n)
{
	if (num == 0)
		return "(none)";
	for (size_t i = 0; i < LEN(payloads); i++)
		if (payloads[i].num == num)
			return payloads[i].name;
	snprintf(buf, n, "field %" PRIu32, num);
	return buf;
}

static const char *
tab_name(uint64_t num, char *buf, size_t n)
{
	if (num < LEN(tabnames) && tabnames[num])
		return tabnames[num];
	snprintf(buf, n, "field %" PRIu64, num);
	return buf;
}

void
ins_finding(struct insp *in, enum fkind k, uint64_t pkt, uint64_t off,
    const char *fmt, ...)
{
	va_list ap;
	char text[512];

	if (in->count[k]++ >= INSP_SHOW)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	in->msgs = xreallocarray(in->msgs, in->nmsgs + 1, sizeof(*in->msgs));
	in->msgs[in->nmsgs++] = (struct fmsg){ k, pkt, off, xstrdup(text) };
}

unsigned long
insp_errors(const struct insp *in)
{
	unsigned long n = 0;

	for (int k = 0; k < F_FIRST_WARNING; k++)
		n += in->count[k];
	return n;
}

unsigned long
insp_warnings(const struct insp *in)
{
	unsigned long n = 0;

	for (int k = F_FIRST_WARNING; k < NFKINDS; k++)
		n += in->count[k];
	return n;
}

/* A (key, count) pair list of a map, sorted by key, for stable output. */
struct kv {
	uint64_t k, v;
};

static void
collect(uint64_t key, void *val, void *arg)
{
	struct kv **p = arg;

	(*p)->k = key;
	(*p)->v = (uint64_t)(uintptr_t)val;
	(*p)++;
}

static int
kvcmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;

	return x->k < y->k ? -1 : x->k > y->k;
}

static struct kv *
sorted(const struct u64map *m, size_t *n)
{
	struct kv *v = xcalloc(um_count(m) + 1, sizeof(*v)), *p = v;

	um_each(m, collect, &p);
	*n = um_count(m);
	qsort(v, *n, sizeof(*v), kvcmp);
	return v;
}

static int
msgcmp(const void *a, const void *b)
{
	const struct fmsg *x = a, *y = b;

	if (x->pkt != y->pkt)
		return x->pkt < y->pkt ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/*
 * Every figure goes through one function, so the report and the CSV
 * always hold the same numbers. section NULL ends a heading.
 */
typedef void (*rowfn)(const struct insp *in, const char *section,
    const char *what, uint64_t count);

static void
rows(const struct insp *in, rowfn row)
{
	char buf[32];
	struct kv *v;
	size_t n;
	uint64_t tracks = in->imp_tracks + in->atrace_tracks;

	row(in, "summary", "bytes", in->bytes);
	if (in->gzip)
		row(in, "summary", "gzip_bytes", in->rawbytes);
	row(in, "summary", "packets", in->packets);
	row(in, "summary", "sequences", um_count(in->seqs));
	v = sorted(in->payloads, &n);
	for (size_t i = 0; i < n; i++)
		row(in, "payload", ins_payload_name((uint32_t)v[i].k, buf,
		    sizeof(buf)), v[i].v);
	free(v);
	for (int k = 1; k < NTKINDS; k++)
		if (in->tracks[k] || k < TK_GLOBAL)
			row(in, "tracks", tknames[k], in->tracks[k]);
	for (int k = 0; k < 6; k++)
		if (in->types[k] || (k >= 1 && k <= 4))
			row(in, "track_events", typenames[k], in->types[k]);
	for (int c = 0; c < 128; c++)
		if (in->legacy[c]) {
			snprintf(buf, sizeof(buf), "legacy_phase_%c", c);
			row(in, "track_events", buf, in->legacy[c]);
		}
	row(in, "track_events", "flow_ids", in->flow_ids);
	row(in, "track_events", "debug_annotations", in->annos);
	row(in, "imported", "tracks", tracks);
	row(in, "imported", "slices", in->slices);
	row(in, "imported", "counter_values", in->counter_values +
	    in->extra_counters);
	row(in, "imported", "flows", in->flows);
	v = sorted(in->interned, &n);
	for (size_t i = 0; i < n; i++)
		row(in, "interned", tab_name(v[i].k, buf, sizeof(buf)), v[i].v);
	free(v);
	for (int k = 0; k < NFKINDS; k++)
		if (in->count[k])
			row(in, k < F_FIRST_WARNING ? "error" : "warning",
			    fnames[k], in->count[k]);
	row(in, "verdict", "errors", insp_errors(in));
	row(in, "verdict", "warnings", insp_warnings(in));
}

static void
csvrow(const struct insp *in, const char *section, const char *what,
    uint64_t count)
{
	char num[24];

	rec_field(in->name, strlen(in->name), 0);
	rec_field(section, strlen(section), 0);
	rec_field(what, strlen(what), 0);
	snprintf(num, sizeof(num), "%" PRIu64, count);
	rec_field(num, strlen(num), 1);
}

void
insp_csv_header(void)
{
	out_puts("file,section,what,count\n");
}

void
insp_csv(const struct insp *in)
{
	rows(in, csvrow);
}

static const char *lastsec;

static void
textrow(const struct insp *in, const char *section, const char *what,
    uint64_t count)
{
	char line[256];

	(void)in;
	if (strcmp(section, "verdict") == 0)
		return;
	if (!lastsec || strcmp(lastsec, section) != 0) {
		snprintf(line, sizeof(line), "%s:\n",
		    strcmp(section, "error") == 0 ? "errors by kind" :
		    strcmp(section, "warning") == 0 ? "warnings by kind" :
		    section);
		out_puts(line);
		lastsec = section;
	}
	snprintf(line, sizeof(line), "  %-34s %12" PRIu64 "\n", what, count);
	out_puts(line);
}

void
insp_report(const struct insp *in)
{
	char line[768];
	unsigned long e = insp_errors(in), w = insp_warnings(in);

	snprintf(line, sizeof(line), "%s\n", in->name);
	out_puts(line);
	lastsec = NULL;
	rows(in, textrow);
	if (in->nmsgs > 1)
		qsort(in->msgs, in->nmsgs, sizeof(*in->msgs), msgcmp);
	for (size_t i = 0; i < in->nmsgs; i++) {
		const struct fmsg *m = &in->msgs[i];

		snprintf(line, sizeof(line), "%s: packet %" PRIu64 " at byte %"
		    PRIu64 ": %s\n", m->kind < F_FIRST_WARNING ? "error" :
		    "warning", m->pkt, m->off, m->text);
		out_puts(line);
	}
	for (int k = 0; k < NFKINDS; k++)
		if (in->count[k] > INSP_SHOW) {
			snprintf(line, sizeof(line), "%s: %lu more %s\n",
			    k < F_FIRST_WARNING ? "error" : "warning",
			    in->count[k] - INSP_SHOW, fnames[k]);
			out_puts(line);
		}
	if (e)
		snprintf(line, sizeof(line), "%s: INVALID: %lu error%s, %lu "
		    "warning%s\n", in->name, e, e == 1 ? "" : "s", w,
		    w == 1 ? "" : "s");
	else if (w)
		snprintf(line, sizeof(line), "%s: valid, %lu warning%s\n",
		    in->name, w, w == 1 ? "" : "s");
	else
		snprintf(line, sizeof(line), "%s: valid, no warnings\n",
		    in->name);
	out_puts(line);
}

void
insp_diag(const struct insp *in)
{
	if (in->nmsgs > 1)
		qsort(in->msgs, in->nmsgs, sizeof(*in->msgs), msgcmp);
	for (size_t i = 0; i < in->nmsgs; i++) {
		const struct fmsg *m = &in->msgs[i];

		warnmsg("%s: packet %" PRIu64 " at byte %" PRIu64 ": %s: %s",
		    in->name, m->pkt, m->off, m->kind < F_FIRST_WARNING ?
		    "error" : "warning", m->text);
	}
	for (int k = 0; k < NFKINDS; k++)
		if (in->count[k] > INSP_SHOW)
			warnmsg("%s: %lu more %s", in->name,
			    in->count[k] - INSP_SHOW, fnames[k]);
}
