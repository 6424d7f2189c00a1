/*
 * The columns and kinds of spanpipe records (spanpipe-records(5)): what
 * both the record reader and the messages about input positions name.
 */
#ifndef SPANPIPE_COLUMNS_H
#define SPANPIPE_COLUMNS_H

enum col {
	C_KIND, C_TS, C_DUR, C_PID, C_TID, C_TRACK, C_ID, C_PARENT, C_DEPTH,
	C_NAME, C_CATEGORY, C_FILE, C_LINE, C_VALUE, C_FLOWS, C_FLOWS_END,
	C_ARGS, NCOLS
};

enum kind {
	K_UNKNOWN, K_PROCESS, K_THREAD, K_TRACK, K_SLICE, K_BEGIN, K_END,
	K_INSTANT, K_COUNTER, K_ASYNC_BEGIN, K_ASYNC_END, K_ASYNC, NKINDS
};

extern const char *const col_names[NCOLS];
extern const char *const kind_names[NKINDS];

#endif
