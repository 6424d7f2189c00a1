/*
 * What the parts of the span mapping share: the items of its three sorts
 * and the state of a run (map.c takes spans in, join.c joins them,
 * write.c writes the records).
 */
#ifndef SPANPIPE_OTEL_MAPINT_H
#define SPANPIPE_OTEL_MAPINT_H

#include <stddef.h>
#include <stdint.h>

#include "base/extsort.h"
#include "base/sbuf.h"
#include "base/strmap.h"
#include "base/u64map.h"
#include "otel/span.h"

#define T_MEM ((size_t)32 << 20)
#define J_MEM ((size_t)8 << 20)
#define N_MEM ((size_t)4 << 20)

enum { S_NAME, S_CAT, S_FILE, S_ARGS, NS };	/* T item strings */
enum { T_BEGIN = 'B', T_END = 'E', T_EVENT = 'V', T_INSTANT = 'I',
	T_COUNTER = 'C' };
#define F_SHARED 1
#define F_PARENT 2
#define F_BSEQ 4			/* T_EVENT: bseq names its span */

struct titem {
	uint8_t type, flags;
	uint16_t pad;
	uint32_t proc;
	uint64_t bseq;			/* T_END, T_EVENT: the span's begin */
	int64_t line;
	uint8_t span[8], parent[8];	/* T_EVENT: span = the span it is on */
	uint32_t n[NS];
};

struct jitem {
	uint8_t type;			/* 'D', 'R', 'L' */
	uint8_t shared;			/* D: a shared half; R: wants the
					   unshared half of its own id */
	uint8_t cshared;
	uint8_t pad;
	uint32_t link;
	uint32_t proc;			/* D: its own; R, L: the child's */
	uint8_t trace[16], span[8];	/* D: its ids; R, L: the target's */
	uint8_t ctrace[16], cspan[8];	/* R, L: the child's */
	int64_t start, end;		/* D: its own; R, L: the child's start */
	uint64_t bseq;			/* its begin in T */
	uint64_t namehash;
};

enum { N_DROP, N_OUT, N_IN };
struct nitem {
	uint64_t bseq;
	uint8_t op;
	char tok[72];
};

struct proc {
	char *service, *instance, *labels, *pid;
};

/* Counts for the summary. */
enum {
	Q_SPANS, Q_EVENTS, Q_LOGS, Q_SAMPLES, Q_DUP, Q_ORPHAN, Q_NOSTART,
	Q_NOEND, Q_SAMEID, Q_FLOWS, Q_LINKFLOWS, Q_NOLINK, Q_SKEW, Q_RENAMED,
	Q_EVNOTIME, Q_LOGNOTIME, Q_BAD, Q_BADEVENT, NCOUNT
};

struct ot_import {
	const char *fmt;
	char *input;
	struct extsort *t, *j, *n;
	struct sbuf item, args;
	struct proc *procs;
	size_t nprocs, capprocs;
	struct strmap *procmap;		/* service NUL instance -> index+1 */
	unsigned long count[OT_NNOTES + NCOUNT];
	/* while writing */
	struct u64map *pend, *live;
	struct strmap *open, *endnow;
	int64_t nowts;
	unsigned long serial;
	struct sbuf col[4];
};

struct pend {
	struct sbuf out;			/* flow tokens */
	int drop;
};

struct live {
	char *id;
	int drop;
};

#define CNT(im, c) ((im)->count[OT_NNOTES + (c)])

/* join.c: reads J, adds the notes to N. */
void ot_join(struct ot_import *im);
/* write.c: writes the processes, then T merged with N. */
void ot_write(struct ot_import *im);

#endif
