/*
 * Internals shared by the files of inspect/: the state of one trace under
 * inspection. Arrival (file order) resolves what Perfetto resolves in file
 * order: sequences, interning, clocks, track descriptors. Events then pass
 * through a sort window and are processed in timestamp order, as the
 * importer sorts them: slice stacks, flows, and records.
 *
 * The stages call one way, each only those listed before it:
 * report, evpool (events' memory), track, seq, anno, rec (records),
 * slice (stacks and flows), window (the sort window), legacy, event and
 * ftrace (decoding), inspect (packets).
 */
#ifndef SPANPIPE_INSP_H
#define SPANPIPE_INSP_H

#include <stdint.h>

#include "base/rcstr.h"
#include "base/sbuf.h"
#include "base/strmap.h"
#include "base/u64map.h"
#include "inspect/inspect.h"
#include "inspect/pbread.h"

#define INSP_WINDOW (1 << 16)	/* events held to sort by timestamp */
#define INSP_MAXDEPTH 512	/* the importer's slice stack limit */
#define INSP_ANNO_DEPTH 32	/* debug annotation nesting we walk */
#define INSP_SHOW 5		/* findings printed per kind */
#define INSP_INFLATE_MAX (64u << 20)	/* compressed_packets bound */

/* Findings: each kind is an error or a warning. */
enum fkind {
	F_FIELD, F_TRUNC, F_FRAME, F_DECODE, F_INFLATE, F_HUGE, F_GZIP,
	F_NESTED, F_NOSEQ, F_IID, F_CLOCK, F_NEGTS, F_UNDECLARED,
	F_COUNTER_EARLY, F_PARENT, F_CONFLICT, F_MISPLACED,
	F_COUNTER_TRACK, F_SLICE_TRACK, F_DEPTH, F_JSON_NULL, F_ATRACE_BAD,
	F_ANNO_KEYS,
	/* warnings from here */
	F_BADTYPE, F_NEEDS_STATE, F_LOSS, F_DECLARED_LATE, F_THREAD_DUP, F_OPEN,
	F_FLOW_ONCE, F_LATE, F_ZSTD, F_CLOCK_SYNC, F_UNMATCHED, F_END_BELOW,
	F_MIXED, F_ANNO_DEEP, NFKINDS
};
#define F_FIRST_WARNING F_BADTYPE

enum tab { TAB_NAME, TAB_CAT, TAB_ANNO, TAB_LOC, TAB_STRVAL, TAB_HIST,
	NTABS };

struct ient {			/* an interned entry */
	struct rcstr *s;	/* name; for a source location the file */
	uint32_t line;
	int used;
};

struct itab {			/* one interning table of a sequence */
	struct ient *v;		/* small iids, indexed directly */
	size_t cap;
	struct u64map *big;	/* the others: iid -> struct ient * */
};

struct iclock {			/* a sequence-scoped clock, 64..127 */
	int defined, incremental, has_ref;
	uint64_t mult;		/* ns per unit */
	uint64_t last;		/* last value, in units */
	uint64_t snap;		/* its value in the snapshot */
	uint32_t refclock;	/* the global clock it was tied to */
	uint64_t ref;		/* that clock's value in the snapshot */
};

struct iev;

struct irun {			/* a sequence's events in order, waiting */
	struct iev *head, *tail;
};

struct iseq {
	uint32_t id;
	struct irun run;
	int valid;		/* incremental state cleared, no loss since */
	int cleared;		/* it ever was */
	int has_def_clock, has_def_track;
	uint32_t def_clock;
	uint64_t def_track;
	struct itab tab[NTABS];
	struct iclock *clk;	/* 64 entries, made on first use */
	int has_thread;		/* a (legacy) ThreadDescriptor packet */
	int32_t pid;
	int64_t tid;
	int64_t last_us;	/* legacy delta timestamps */
};

enum tkind { TK_NONE, TK_PROCESS, TK_THREAD, TK_CUSTOM, TK_COUNTER,
	TK_GLOBAL, NTKINDS };

struct wtok;
struct orec;

struct islice {			/* an open slice on a track's stack */
	int64_t ts, end;
	uint64_t name_h, cat_h;
	uint8_t has_name, has_cat, ended, demoted;
	uint64_t pkt, off;
	struct iev *ev;		/* records: the BEGIN, kept */
	struct wtok *tok;	/* records: its place in the watermark */
};

struct itrack {
	uint64_t uuid;
	enum tkind kind;
	int declared, synthetic;
	uint64_t decl_pkt, decl_off;
	uint64_t sig;		/* what a second declaration must match */
	int used;
	uint64_t use_pkt, use_off;
	int32_t pid;
	int64_t tid;
	int has_parent;
	uint64_t parent;
	char *name, *desc, *labels, *unit_name;
	int unit, incremental, has_start;
	int64_t mult, start;
	struct islice *stack;
	size_t depth, cap;
	int64_t last_ts;
	int late;
	int separate;		/* a thread's own, not shared with atrace */
	uint8_t sources;	/* 1: track events, 2: atrace on it */
	uint8_t imported;	/* the importer made its track */
	int rec_done;		/* records: its declaration is out */
	int treedepth;		/* records: ancestors, for ordering */
};

struct ilegacy {		/* what legacy async events and flows need */
	int phase, has_id, local, unscoped, has_scope, has_bind, dir;
	uint64_t id, scope_h, bind;
};

struct ievrec {			/* what a record needs beyond the checks */
	struct rcstr *name, *cat, *file;
	uint32_t line;
	char *args;		/* JSON object text, or NULL */
	size_t argslen;
};

enum ietype { EV_OTHER, EV_BEGIN, EV_END, EV_INSTANT, EV_COUNTER };

/* iev.imp: tracks the importer makes for an event besides its own */
enum { IMP_GLOBAL = 1, IMP_PROCESS = 2, IMP_TIME = 4, IMP_INSTR = 8 };

struct iev {
	int64_t ts;
	uint64_t ord;		/* packet index: file order */
	uint64_t off;
	struct itrack *t;
	uint8_t type, counter, has_name, has_cat, imp;
	uint64_t name_h, cat_h;
	int64_t ival;
	double dval;
	uint64_t *flows;	/* nflows ids, then nflows_end ids */
	uint32_t nflows, nflows_end;
	struct ievrec *rec;
	struct iev *next;	/* free list */
	struct iev *qnext;	/* its run */
};

struct wait {			/* an event in the sort window */
	int64_t ts;
	uint64_t ord;
	struct iev *e;
};

struct fmsg {
	enum fkind kind;
	uint64_t pkt, off;
	char *text;
};

struct irecs;

struct insp {
	const char *name;
	enum insp_mode mode;
	/* figures */
	uint64_t rawbytes, bytes, packets;
	int gzip;
	struct u64map *payloads;	/* field number -> count */
	uint64_t small_payloads[256];	/* the same, for numbers < 256 */
	struct u64map *interned;	/* InternedData field -> count */
	uint64_t tracks[NTKINDS];
	uint64_t types[8];		/* TrackEvent.type 0..4, 5: other */
	uint64_t legacy[128];		/* legacy phases of type 0 */
	uint64_t flows, flow_ids, annos, extra_counters;
	uint64_t slices, counter_values;
	uint64_t atrace, atrace_tracks;	/* ftrace prints; their tracks */
	uint64_t imp_tracks;		/* tracks the importer makes */
	struct strmap *impkeys;		/* those it shares among uuids */
	struct u64map *lflows;		/* legacy flow ids active */
	/* position of the packet being read */
	uint64_t pkt, off, inner;
	int depth;			/* inside compressed_packets */
	int ts_bad;			/* its timestamp is on no known clock */
	/* state */
	struct u64map *seqs, *tracks_by_uuid, *flowmap;
	struct iseq *lastseq;		/* the last packet's, looked up */
	struct itrack *lasttrack;	/* the last event's */
	struct strmap *threads;		/* (pid, tid) -> struct itrack * */
	struct u64map *procs;		/* pid -> process struct itrack * */
	struct u64map *tids;		/* tid -> its last thread track */
	struct u64map *cpus;		/* ftrace cpu -> struct irun * */
	struct strmap *anames;		/* atrace async and counter names */
	struct itrack **synth;		/* tracks no descriptor made */
	size_t nsynth;
	int64_t latest_ts;
	int has_clock_off[64];
	int64_t clock_off[64];		/* BOOTTIME - clock, per global clock */
	int warned_clock[128];
	/* the sort window */
	struct wait *heap;		/* events out of their run's order */
	struct irun **runs;		/* heap of runs, on their heads */
	size_t nheap, nruns, capruns, nwait;
	struct iev *freelist;
	int64_t cur_ts;
	/* findings */
	unsigned long count[NFKINDS];
	struct fmsg *msgs;
	size_t nmsgs;
	struct irecs *rec;
	struct sbuf tmp, flbuf[2];
};

/* report.c */
void ins_finding(struct insp *in, enum fkind k, uint64_t pkt, uint64_t off,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define FIND(in, k, ...) ins_finding(in, k, (in)->pkt, (in)->off, __VA_ARGS__)

/* seq.c: sequences, interning, clocks */
struct iseq *iseq_get(struct insp *in, uint32_t id);
void iseq_clear(struct iseq *s);
void iseq_free(struct iseq *s);
void iseq_interned(struct insp *in, struct iseq *s, const uint8_t *p,
    size_t n);
const struct ient *iseq_lookup(const struct iseq *s, enum tab t, uint64_t iid);
void iseq_defaults(struct insp *in, struct iseq *s, const uint8_t *p,
    size_t n);
void iseq_clocks(struct insp *in, struct iseq *s, const uint8_t *p, size_t n);
int64_t iseq_time(struct insp *in, struct iseq *s, uint32_t clock, uint64_t v);
void iseq_thread(struct insp *in, struct iseq *s, const uint8_t *p, size_t n);

/* track.c: descriptors */
void itrack_descriptor(struct insp *in, const uint8_t *p, size_t n);
struct itrack *itrack_get(struct insp *in, uint64_t uuid);
struct itrack *itrack_thread(struct insp *in, int32_t pid, int64_t tid);
void itrack_source(struct insp *in, struct itrack *t, int atrace);
void itrack_import(struct insp *in, struct itrack *t, uint64_t event_name);
void itrack_key(struct insp *in, char kind, uint64_t a, uint64_t b);
void itrack_end(struct insp *in);
void itrack_free_all(struct insp *in);

/* evpool.c: events' memory */
struct iev *iev_new(struct insp *in);
void iev_free(struct insp *in, struct iev *e);

/* window.c: the sort window */
void iev_enqueue(struct insp *in, struct irun *r, struct iev *e);
void iev_drain(struct insp *in, size_t keep);
void iev_discard(struct insp *in);

/* legacy.c: legacy async slices and flows, counted */
void ilegacy_event(struct insp *in, const struct ilegacy *l,
    const struct iev *e, int32_t pid);

/* event.c: TrackEvent decoding */
void iev_decode(struct insp *in, struct iseq *s, const uint8_t *p,
    size_t n, int has_ts, int64_t ts);

/* ftrace.c: atrace lines in ftrace print events */
void iftrace_bundle(struct insp *in, const uint8_t *p, size_t n);
void iftrace_free(struct insp *in);

/* anno.c: debug annotations */
int ianno_walk(struct insp *in, const struct iseq *s, const uint8_t *p,
    size_t n, struct sbuf *json);

/* slice.c: processing in timestamp order */
int islice_event(struct insp *in, struct iev *e);	/* 1: kept e */
void islice_end(struct insp *in);
void iflow_end(struct insp *in);

/* rec.c: records, written in timestamp order */
struct irecs *irec_new(void);
void irec_free(struct insp *in);
void irec_open(struct insp *in, struct itrack *t, size_t idx);
void irec_slice(struct insp *in, struct itrack *t, size_t idx, int64_t dur,
    const struct iev *end);
void irec_still_open(struct insp *in, struct itrack *t, size_t idx);
void irec_event(struct insp *in, const struct iev *e, size_t depth);
void irec_unmatched_end(struct insp *in, const struct iev *e, size_t depth);
void irec_flush(struct insp *in, int all);
void irec_end(struct insp *in);

#endif
