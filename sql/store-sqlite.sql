-- spanpipe telemetry store, SQLite. See span-fetch(1).
-- The tables mirror the micromegas analytics views (processes, streams,
-- thread_spans, async_events) as plain tables. Times are integer
-- nanoseconds since the Unix epoch (UTC).

-- One row per instrumented process.
CREATE TABLE processes (
	process_id TEXT NOT NULL PRIMARY KEY,	-- usually a UUID
	exe TEXT,				-- executable: the process name
	username TEXT,
	realname TEXT,
	computer TEXT,
	distro TEXT,
	cpu_brand TEXT,
	tsc_frequency INTEGER,
	start_time INTEGER NOT NULL,
	parent_process_id TEXT,
	properties TEXT				-- JSON object of labels, or NULL
);

-- Event streams of a process; a stream whose tags include "cpu" is a thread.
CREATE TABLE streams (
	stream_id TEXT NOT NULL PRIMARY KEY,
	process_id TEXT NOT NULL,
	tags TEXT,				-- words separated by spaces or commas
	thread_name TEXT,
	thread_id TEXT,				-- the OS thread id
	properties TEXT				-- JSON object, or NULL
);

-- Complete spans of one thread; parent is the enclosing span's id (NULL at
-- the root), depth 0 at the root.
CREATE TABLE thread_spans (
	stream_id TEXT NOT NULL,
	id INTEGER NOT NULL,
	parent INTEGER,
	depth INTEGER NOT NULL,
	"begin" INTEGER NOT NULL,
	"end" INTEGER NOT NULL,
	name TEXT NOT NULL,
	target TEXT,				-- the module: a category
	filename TEXT,
	line INTEGER
);

-- Begin and end events of async spans, paired by (process_id, span_id).
CREATE TABLE async_events (
	process_id TEXT NOT NULL,
	stream_id TEXT NOT NULL,		-- where the event happened
	time INTEGER NOT NULL,
	event_type TEXT NOT NULL CHECK (event_type IN ('begin', 'end')),
	span_id INTEGER NOT NULL,
	parent_span_id INTEGER,
	depth INTEGER NOT NULL DEFAULT 0,
	name TEXT NOT NULL,
	target TEXT,
	filename TEXT,
	line INTEGER
);

-- indexes: span-fetch reads each thread's spans and each process's async
-- events in the order of these indexes, with no sort; span-gen creates them
-- after loading the rows.
CREATE INDEX streams_process ON streams (process_id);
CREATE INDEX thread_spans_order
	ON thread_spans (stream_id, "begin", depth, "end" DESC, id);
CREATE INDEX async_events_order ON async_events (process_id, time,
	event_type, (CASE WHEN event_type = 'begin' THEN depth ELSE -depth END),
	span_id);
-- for a time range: does a span end before it, or begin after it?
CREATE INDEX async_events_span
	ON async_events (process_id, span_id, event_type, time);
