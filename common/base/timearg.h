/*
 * Time arguments: RFC 3339 timestamps or integer nanoseconds since the Unix
 * epoch, as --start-time and --end-time take them.
 */
#ifndef SPANPIPE_TIMEARG_H
#define SPANPIPE_TIMEARG_H

#include <stdint.h>

#define TIME_FORMAT_SIZE 64	/* room for time_format's longest output */

/*
 * Parses s as nanoseconds since the epoch: a decimal integer ("-" allowed),
 * or YYYY-MM-DDTHH:MM:SS[.fraction][Z|+HH:MM|-HH:MM] ('t' or a space may
 * stand for 'T', 'z' for 'Z'; no offset means UTC; at most 9 fractional
 * digits; second 60 is the leap second, counted as the next second).
 * Returns NULL, or a phrase saying what is wrong, ready to follow the
 * quoted value: "'%s' %s".
 */
const char *time_parse(const char *s, int64_t *ns);

/* Writes ns as YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ into buf; returns buf. */
char *time_format(int64_t ns, char buf[TIME_FORMAT_SIZE]);

#endif
