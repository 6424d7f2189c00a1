/*
 * Reading a file descriptor that may hold gzip: the first bytes tell (the
 * magic 1f 8b, as Perfetto's importer tells them), and gzip input is
 * inflated as it is read, member after member. A gzip bomb is bounded:
 * the input may inflate to GZ_FREE bytes, and past that to GZ_RATIO times
 * its compressed size, no more (real traces inflate some 5 to 40 times).
 */
#ifndef SPANPIPE_GZREAD_H
#define SPANPIPE_GZREAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define GZ_FREE ((uint64_t)1 << 30)
#define GZ_RATIO 100

struct gzr;

struct gzr *gzr_open(int fd);
void gzr_close(struct gzr *g);
/*
 * Up to n bytes into p: the count, 0 at the end, -1 with errno on a read
 * error, -2 when the gzip stream is corrupt, cut short or inflates past
 * the bound (gzr_fault says which).
 */
ssize_t gzr_read(struct gzr *g, void *p, size_t n);
int gzr_gzip(const struct gzr *g);
const char *gzr_fault(const struct gzr *g);

#endif
