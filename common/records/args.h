/* The args column: a JSON object, parsed with json-c. */
#ifndef SPANPIPE_ARGS_H
#define SPANPIPE_ARGS_H

#include <stddef.h>

#include <json-c/json.h>

#define ARGS_MAXDEPTH 64	/* deeper JSON is refused, never recursed into */

/*
 * Parses s as a JSON object. Returns the object (json_object_put it) or
 * NULL with *why set to what is wrong and *at to the byte offset in s.
 * An empty s gives NULL with *why NULL.
 */
json_object *args_parse(const char *s, size_t n, const char **why,
    size_t *at);
/* Makes json-c's parses on this thread cheaper (see args.c). */
void json_c_locale(void);

#endif
