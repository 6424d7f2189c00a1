/*
 * span-gen's thread spans as files of other tools, for benchmarks and
 * tests of the importers: OTLP/JSON lines (each line an
 * ExportTraceServiceRequest of up to GF_BATCH spans of one process, as the
 * Collector's file exporter writes them) or a Chrome trace-event JSON
 * file of X events, both holding the same spans. Each process is a
 * service ("svc-N", its process id as service.instance.id). Streams: one
 * span at a time, in constant memory.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/sbuf.h"
#include "base/util.h"
#include "store/gen.h"

#define GF_BATCH 64

static void
flush(struct sbuf *b)
{
	out_put(b->p, b->n);
	b->n = 0;
}

static void
otlp_head(struct sbuf *b, const struct gproc *p, int pidx)
{
	char s[200];

	snprintf(s, sizeof(s), "{\"resourceSpans\":[{\"resource\":{\"attributes\":["
	    "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc-%d\"}},"
	    "{\"key\":\"service.instance.id\",\"value\":{\"stringValue\":\"",
	    pidx);
	sb_puts(b, s);
	sb_puts(b, p->id);
	sb_puts(b, "\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"spangen\"},"
	    "\"spans\":[");
}

static void
otlp_span(struct sbuf *b, const struct gev *ev, int pidx, int tidx)
{
	char buf[GEN_NAMESZ], s[400];
	const char *name = gev_name(ev, buf);

	snprintf(s, sizeof(s), "{\"traceId\":\"%016x%016x\",\"spanId\":\"%04x%04x%08"
	    PRIx64 "\"", pidx + 1, tidx + 1, pidx + 1, tidx + 1,
	    (uint64_t)ev->id + 1);
	sb_puts(b, s);
	if (ev->parent >= 0) {
		snprintf(s, sizeof(s), ",\"parentSpanId\":\"%04x%04x%08" PRIx64
		    "\"", pidx + 1, tidx + 1, (uint64_t)ev->parent + 1);
		sb_puts(b, s);
	}
	sb_puts(b, ",\"name\":");
	sb_json_str(b, name, strlen(name));
	snprintf(s, sizeof(s), ",\"kind\":1,\"startTimeUnixNano\":\"%" PRId64
	    "\",\"endTimeUnixNano\":\"%" PRId64 "\",\"attributes\":["
	    "{\"key\":\"thread.id\",\"value\":{\"intValue\":\"%d\"}},"
	    "{\"key\":\"code.filepath\",\"value\":{\"stringValue\":\"%s\"}},"
	    "{\"key\":\"code.lineno\",\"value\":{\"intValue\":\"%d\"}},"
	    "{\"key\":\"target\",\"value\":{\"stringValue\":\"%s\"}}],"
	    "\"status\":{}}", ev->ts, ev->endts, tidx, gev_file(ev),
	    gev_line(ev), gev_target(ev));
	sb_puts(b, s);
}

/* OTLP/JSON lines of every thread span. */
void
gen_otlp(struct gen *g)
{
	struct sbuf b = { 0 };
	struct gev ev;

	out_open(NULL, 0);
	for (int p = 0; p < gen_nprocs(g); p++) {
		const struct gproc *gp = gen_proc(g, p);

		for (int t = 0; t < gp->nth; t++) {
			struct gsrc *s = gsrc_thread(g, p, t);
			int n = 0;

			while (gsrc_next(s, &ev)) {
				if (n == 0)
					otlp_head(&b, gp, p);
				else
					sb_putc(&b, ',');
				otlp_span(&b, &ev, p, t);
				if (++n == GF_BATCH) {
					sb_puts(&b, "]}]}]}\n");
					flush(&b);
					n = 0;
				}
			}
			if (n) {
				sb_puts(&b, "]}]}]}\n");
				flush(&b);
			}
			gsrc_free(s);
		}
	}
	sb_free(&b);
	out_close();
}

/* Nanoseconds as Chrome's microseconds, exactly: "123.456". */
static void
us(struct sbuf *b, int64_t ns)
{
	char s[40];

	snprintf(s, sizeof(s), "%" PRId64 ".%03d", ns / 1000, (int)(ns % 1000));
	sb_puts(b, s);
}

/* The same spans as Chrome trace-event JSON X events. */
void
gen_chrome(struct gen *g)
{
	struct sbuf b = { 0 };
	struct gev ev;
	char buf[GEN_NAMESZ], s[200];
	int first = 1;

	out_open(NULL, 0);
	sb_puts(&b, "{\"traceEvents\":[\n");
	for (int p = 0; p < gen_nprocs(g); p++) {
		const struct gproc *gp = gen_proc(g, p);

		snprintf(s, sizeof(s), "%s{\"ph\":\"M\",\"pid\":%d,\"tid\":0,"
		    "\"name\":\"process_name\",\"args\":{\"name\":\"svc-%d\"}}",
		    first ? "" : ",\n", p + 1, p);
		sb_puts(&b, s);
		first = 0;
		for (int t = 0; t < gp->nth; t++) {
			struct gsrc *src = gsrc_thread(g, p, t);

			while (gsrc_next(src, &ev)) {
				const char *name = gev_name(&ev, buf);

				snprintf(s, sizeof(s), ",\n{\"ph\":\"X\",\"pid\":%d,"
				    "\"tid\":%d,\"ts\":", p + 1, t + 1);
				sb_puts(&b, s);
				us(&b, ev.ts);
				sb_puts(&b, ",\"dur\":");
				us(&b, ev.endts - ev.ts);
				sb_puts(&b, ",\"name\":");
				sb_json_str(&b, name, strlen(name));
				snprintf(s, sizeof(s), ",\"cat\":\"%s\",\"args\":"
				    "{\"file\":\"%s\",\"line\":%d}}",
				    gev_target(&ev), gev_file(&ev),
				    gev_line(&ev));
				sb_puts(&b, s);
				if (b.n > 1 << 16)
					flush(&b);
			}
			gsrc_free(src);
		}
	}
	sb_puts(&b, "\n]}\n");
	flush(&b);
	sb_free(&b);
	out_close();
}
