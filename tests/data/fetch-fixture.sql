-- A small telemetry store for tests/cli/span-fetch.sh, loaded into SQLite
-- and PostgreSQL after sql/store-*.sql. p1 has: a stream without the cpu
-- tag (not a thread), two threads sharing thread_id 200 (their stream_id
-- becomes the tid), threads without a name or an id, a parent and child
-- beginning at the same ts on one thread and across threads, async spans
-- nesting, crossing threads, ending with their parent, ending without a
-- begin, never ending, and on a stream that is not in the store.
INSERT INTO processes VALUES
 ('p1', '/bin/app, "x"', 'alice', NULL, 'host1', NULL, NULL, 2500, 1000, NULL, '{"version":"1.0"}'),
 ('p2', 'other', NULL, NULL, NULL, NULL, NULL, NULL, 500, 'p1', NULL);
INSERT INTO streams VALUES
 ('s1', 'p1', 'cpu', 'main', '100', NULL),
 ('s2', 'p1', 'io,cpu', 'worker', '101', NULL),
 ('s3', 'p1', 'log', 'logger', '102', NULL),
 ('s4', 'p1', 'cpu', 'dup', '200', NULL),
 ('s5', 'p1', 'cpu', NULL, '200', NULL),
 ('s6', 'p1', 'cpu', NULL, NULL, NULL),
 ('s7', 'p2', 'cpu', 'main', '100', NULL);
INSERT INTO thread_spans VALUES
 ('s1', 1, NULL, 0, 1000, 5000, 'root', 'app', 'a.rs', 10),
 ('s1', 2, 1, 1, 1000, 2000, 'child, "q"', 'app', 'a.rs', 11),
 ('s1', 3, 2, 2, 1000, 1500, 'grandchild', NULL, NULL, NULL),
 ('s1', 4, 1, 1, 3000, 4000, 'ünïcode', 'app', 'a.rs', 12),
 ('s2', 1, NULL, 0, 1000, 1100, 'w1', 'app', NULL, NULL),
 ('s2', 2, NULL, 0, 6000, 7000, 'late', 'app', NULL, NULL),
 ('s4', 1, NULL, 0, 2500, 2600, 'on dup', NULL, NULL, NULL),
 ('s7', 1, NULL, 0, 600, 700, 'other process', NULL, NULL, NULL);
INSERT INTO async_events VALUES
 ('p1', 's1', 1200, 'begin', 7, NULL, 0, 'req', 'net', 'n.rs', 3),
 ('p1', 's2', 4500, 'end', 7, NULL, 0, 'req', 'net', 'n.rs', 3),
 ('p1', 's1', 1200, 'begin', 8, 7, 1, 'sub', 'net', 'n.rs', 4),
 ('p1', 's1', 2200, 'end', 8, 7, 1, 'sub', 'net', 'n.rs', 4),
 ('p1', 's1', 800, 'end', 9, NULL, 0, 'orphan end', NULL, NULL, NULL),
 ('p1', 's2', 6500, 'begin', 10, NULL, 0, 'unfinished', NULL, NULL, NULL),
 ('p1', 's1', 3000, 'begin', 11, 7, 1, 'ends with parent', NULL, NULL, NULL),
 ('p1', 's1', 4500, 'end', 11, 7, 1, 'ends with parent', NULL, NULL, NULL),
 ('p1', 's9', 3500, 'begin', 12, NULL, 0, 'elsewhere', NULL, NULL, NULL),
 ('p1', 's9', 3600, 'end', 12, NULL, 0, 'elsewhere', NULL, NULL, NULL),
 ('p2', 's7', 650, 'begin', 1, NULL, 0, 'p2 async', NULL, NULL, NULL);
