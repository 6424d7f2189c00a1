/* The names of the record columns and kinds; see columns.h. */
#include "records/columns.h"

const char *const col_names[NCOLS] = {
	"kind", "ts", "dur", "pid", "tid", "track", "id", "parent", "depth",
	"name", "category", "file", "line", "value", "flows", "flows_end",
	"args",
};

const char *const kind_names[NKINDS] = {
	"?", "process", "thread", "track", "slice", "begin", "end", "instant",
	"counter", "async_begin", "async_end", "async",
};
