-- spanpipe telemetry store, PostgreSQL. See span-fetch(1).
-- The same tables as store-sqlite.sql. Times are integer nanoseconds since
-- the Unix epoch (UTC). Identifiers compare byte by byte (COLLATE "C") so
-- that both engines order rows the same way.

-- One row per instrumented process.
CREATE TABLE processes (
	process_id TEXT COLLATE "C" NOT NULL PRIMARY KEY, -- usually a UUID
	exe TEXT,				-- executable: the process name
	username TEXT,
	realname TEXT,
	computer TEXT,
	distro TEXT,
	cpu_brand TEXT,
	tsc_frequency BIGINT,
	start_time BIGINT NOT NULL,
	parent_process_id TEXT COLLATE "C",
	properties TEXT				-- JSON object of labels, or NULL
);

-- Event streams of a process; a stream whose tags include "cpu" is a thread.
CREATE TABLE streams (
	stream_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	process_id TEXT COLLATE "C" NOT NULL,
	tags TEXT,				-- words separated by spaces or commas
	thread_name TEXT,
	thread_id TEXT,				-- the OS thread id
	properties TEXT				-- JSON object, or NULL
);

-- Complete spans of one thread; parent is the enclosing span's id (NULL at
-- the root), depth 0 at the root.
CREATE TABLE thread_spans (
	stream_id TEXT COLLATE "C" NOT NULL,
	id BIGINT NOT NULL,
	parent BIGINT,
	depth INTEGER NOT NULL,
	"begin" BIGINT NOT NULL,
	"end" BIGINT NOT NULL,
	name TEXT NOT NULL,
	target TEXT,				-- the module: a category
	filename TEXT,
	line INTEGER
);

-- Begin and end events of async spans, paired by (process_id, span_id).
CREATE TABLE async_events (
	process_id TEXT COLLATE "C" NOT NULL,
	stream_id TEXT COLLATE "C" NOT NULL,	-- where the event happened
	time BIGINT NOT NULL,
	event_type TEXT COLLATE "C" NOT NULL
		CHECK (event_type IN ('begin', 'end')),
	span_id BIGINT NOT NULL,
	parent_span_id BIGINT,
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
