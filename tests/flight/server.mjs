// A FlightSQL test service for span-fetch's tests: it speaks the protocol of
// Micromegas's analytics service (Arrow Flight over gRPC, FlightSQL commands)
// with grpc-js and apache-arrow, and serves the telemetry of a span-gen
// SQLite store through the views span-fetch queries (processes, blocks,
// view_instance('thread_spans', stream), view_instance('async_events',
// process), perfetto_trace_chunks). It recognises the statements span-fetch
// sends by their shape; it is not a SQL engine.
//
// node server.mjs --store FILE [--token T] [--port N] [--batch-rows N]
//     [--misbehave drop|stall|error|corrupt-header|long-buffer] [--after N]
//     [--bin DIR] [--no-dictionaries 1] [--tls-cert FILE --tls-key FILE]
//     [--dump-dir DIR]
// prints the port it listens on (127.0.0.1) on a line of its own. --token:
// the bearer token every call needs; --batch-rows: rows per record batch;
// --misbehave: what to do after --after record batches of a span or trace
// query; --bin: spanpipe's tools, which make the perfetto_trace_chunks
// trace; --no-dictionaries: hydrate even under preserve_dictionary;
// --dump-dir: each DoGet's answer also goes to a file there, as gRPC
// frames of FlightData (the fuzz harness tests/fuzz/flightdata.c reads
// those).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import {
  Binary, Dictionary, Field, Int32, Int64, Message, RecordBatch,
  RecordBatchStreamWriter, Schema, Struct, TimestampNanosecond, Uint32, Utf8,
  makeData, makeVector,
} from 'apache-arrow';

const here = path.dirname(fileURLToPath(import.meta.url));
const opt = { port: '0', 'batch-rows': '4096', after: '1' };
for (let i = 2; i < process.argv.length; i += 2) {
  opt[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
if (!opt.store) {
  console.error('server.mjs: --store FILE is needed');
  process.exit(64);
}
const batchRows = Number(opt['batch-rows']);
const misbehave = opt.misbehave || process.env.SPANPIPE_FLIGHT_MISBEHAVE || '';
const after = Number(opt.after);

// --- the store, read once, column by column --------------------------------

const strings = [];                 // every distinct string, as UTF-8
const stringIndex = new Map();
function intern(s) {
  if (s === null || s === undefined) return -1;
  let i = stringIndex.get(s);
  if (i === undefined) {
    i = strings.length;
    strings.push(Buffer.from(s, 'utf8'));
    stringIndex.set(s, i);
  }
  return i;
}
const str = (i) => (i < 0 ? null : strings[i].toString('utf8'));

class Table {
  constructor(cols) {
    this.n = 0;
    this.cap = 1024;
    this.cols = cols;                // name -> 'i64' | 'u32' | 'str'
    this.v = {};
    this.ok = {};
    for (const [c, t] of Object.entries(cols)) {
      this.v[c] = t === 'i64' ? new BigInt64Array(this.cap)
        : t === 'u32' ? new Uint32Array(this.cap) : new Int32Array(this.cap);
      this.ok[c] = new Uint8Array(this.cap);
    }
  }
  push(row) {
    if (this.n === this.cap) {
      this.cap *= 2;
      for (const c of Object.keys(this.cols)) {
        const v = new this.v[c].constructor(this.cap); v.set(this.v[c]); this.v[c] = v;
        const ok = new Uint8Array(this.cap); ok.set(this.ok[c]); this.ok[c] = ok;
      }
    }
    for (const [c, t] of Object.entries(this.cols)) {
      const x = row[c];
      const has = x !== null && x !== undefined;
      this.ok[c][this.n] = has ? 1 : 0;
      this.v[c][this.n] = t === 'i64' ? (has ? BigInt(x) : 0n)
        : t === 'u32' ? (has ? Number(x) : 0) : intern(has ? String(x) : null);
    }
    this.n++;
  }
}

// Rows of one SQLite query, integers as text (JSON numbers lose precision;
// ORDER BY names the table's columns, not the text ones).
async function load(sql, table) {
  const p = spawn('sqlite3', ['-readonly', '-json', opt.store, sql], { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (let line of createInterface({ input: p.stdout })) {
    line = line.replace(/^\[/, '').replace(/[,\]]$/, '');
    if (line) table.push(JSON.parse(line));
  }
  const code = await new Promise((r) => p.on('close', r));
  if (code !== 0) throw new Error(`sqlite3 ${opt.store}: exit ${code}`);
  return table;
}

const I = (c) => `CAST(${c} AS TEXT) AS ${c}`;
const procs = await load(`SELECT process_id, exe, username, realname, computer, distro, cpu_brand,
  ${I('tsc_frequency')}, ${I('start_time')}, parent_process_id, properties FROM processes`,
new Table({ process_id: 'str', exe: 'str', username: 'str', realname: 'str', computer: 'str',
  distro: 'str', cpu_brand: 'str', tsc_frequency: 'i64', start_time: 'i64', parent_process_id: 'str', properties: 'str' }));
const streams = await load('SELECT stream_id, process_id, tags, thread_name, thread_id FROM streams ORDER BY stream_id',
  new Table({ stream_id: 'str', process_id: 'str', tags: 'str', thread_name: 'str', thread_id: 'str' }));
const spans = await load(`SELECT stream_id, ${I('id')}, ${I('parent')}, depth, ${I('"begin"')}, ${I('"end"')},
  name, target, filename, line FROM thread_spans t ORDER BY t.stream_id, t."begin", t.depth, t."end" DESC, t.id`,
new Table({ stream_id: 'str', id: 'i64', parent: 'i64', depth: 'u32', begin: 'i64', end: 'i64',
  name: 'str', target: 'str', filename: 'str', line: 'u32' }));
const events = await load(`SELECT process_id, stream_id, ${I('time')}, event_type, ${I('span_id')},
  ${I('parent_span_id')}, depth, name, target, filename, line FROM async_events e
  ORDER BY e.process_id, e.time, e.event_type, CASE WHEN e.event_type = 'begin' THEN e.depth ELSE -e.depth END, e.span_id`,
new Table({ process_id: 'str', stream_id: 'str', time: 'i64', event_type: 'str', span_id: 'i64',
  parent_span_id: 'i64', depth: 'u32', name: 'str', target: 'str', filename: 'str', line: 'u32' }));

// Contiguous row ranges: a stream's spans, a process's async events.
function ranges(t, col) {
  const m = new Map();
  for (let r = 0; r < t.n; r++) {
    const k = t.v[col][r];
    const e = m.get(k);
    if (e) e[1] = r + 1; else m.set(k, [r, r + 1]);
  }
  return m;
}
const spanRows = ranges(spans, 'stream_id');
const eventRows = ranges(events, 'process_id');

// For each async event: is it a begin; the earliest end and the latest
// begin of its span.
const BIG = (1n << 63n) - 1n;
const beginIdx = stringIndex.get('begin');
const isBegin = Uint8Array.from(events.v.event_type.subarray(0, events.n), (v) => (v === beginIdx ? 1 : 0));
const minEnd = new BigInt64Array(events.n);
const maxBegin = new BigInt64Array(events.n);
{
  const lo = new Map(); const hi = new Map();
  for (let r = 0; r < events.n; r++) {
    const k = `${events.v.process_id[r]}/${events.v.span_id[r]}`; const t = events.v.time[r];
    if (!isBegin[r]) { if (!lo.has(k) || t < lo.get(k)) lo.set(k, t); }
    else if (!hi.has(k) || t > hi.get(k)) hi.set(k, t);
  }
  for (let r = 0; r < events.n; r++) {
    const k = `${events.v.process_id[r]}/${events.v.span_id[r]}`;
    minEnd[r] = lo.has(k) ? lo.get(k) : BIG;
    maxBegin[r] = hi.has(k) ? hi.get(k) : -BIG;
  }
}

// Blocks: one per stream, from its first to its last event (the process's
// start for a stream without events).
const blocks = new Map();      // stream string index -> [begin, end]
{
  const widen = (s, t) => {
    const b = blocks.get(s);
    if (!b) blocks.set(s, [t, t]); else { if (t < b[0]) b[0] = t; if (t > b[1]) b[1] = t; }
  };
  for (let r = 0; r < spans.n; r++) { widen(spans.v.stream_id[r], spans.v.begin[r]); widen(spans.v.stream_id[r], spans.v.end[r]); }
  for (let r = 0; r < events.n; r++) widen(events.v.stream_id[r], events.v.time[r]);
  const start = new Map();
  for (let r = 0; r < procs.n; r++) start.set(procs.v.process_id[r], procs.v.start_time[r]);
  for (let r = 0; r < streams.n; r++) {
    const s = streams.v.stream_id[r];
    if (!blocks.has(s) && start.has(streams.v.process_id[r])) {
      const t = start.get(streams.v.process_id[r]); blocks.set(s, [t, t]);
    }
  }
}

// --- answers: columns of the views, with the service's Arrow types --------

class Status extends Error {
  constructor(code, details) { super(details); this.code = code; this.details = details; }
}
const invalid = (msg) => new Status(grpc.status.INVALID_ARGUMENT, `error building dataframe: ${msg} (test service)`);

// A column: name, kind (i64 ts u32 i32 str dict bin), values by row; or
// column c of a table t, for the rows answer() gives it.
function col(name, kind, get, nullable = true) { return { name, kind, get, nullable }; }
function tcol(name, kind, t, c, nullable = true) { return { name, kind, t, c, nullable }; }

// Rows [a, b) of a table column: a copy by row index, with no JS value
// made per cell (int64s move as pairs of uint32s).
function tableData(c, a, b, dict, id) {
  const n = b - a; const rows = c.rows; const ok = c.t.ok[c.c]; const src = c.t.v[c.c];
  const bm = new Uint8Array((n + 7) >> 3); let nullCount = 0;
  for (let i = 0; i < n; i++) { if (ok[rows[a + i]]) bm[i >> 3] |= 1 << (i & 7); else nullCount++; }
  const nullBitmap = nullCount ? bm : undefined;
  if (c.kind === 'i64' || c.kind === 'ts') {
    const data = new BigInt64Array(n); const d = new Uint32Array(data.buffer);
    const s = new Uint32Array(src.buffer, src.byteOffset, src.length * 2);
    for (let i = 0; i < n; i++) { const r = rows[a + i]; d[2 * i] = s[2 * r]; d[2 * i + 1] = s[2 * r + 1]; }
    return makeData({ type: c.kind === 'ts' ? new TimestampNanosecond('+00:00') : new Int64(), length: n, nullCount, nullBitmap, data });
  }
  if (c.kind === 'u32') {
    const data = new Uint32Array(n); for (let i = 0; i < n; i++) data[i] = src[rows[a + i]];
    return makeData({ type: new Uint32(), length: n, nullCount, nullBitmap, data });
  }
  const vals = new Int32Array(n); for (let i = 0; i < n; i++) vals[i] = src[rows[a + i]];
  return stringData(vals, n, nullCount, nullBitmap, dict, id);
}

// String indices (-1: null) as Utf8, or as Dictionary(Int32, Utf8) with
// the batch's own dictionary (sent before the batch, as arrow-rs does).
// A string's slot in the batch dictionary is found through two arrays as
// long as the string table, stamped with the batch's number.
let slot = new Int32Array(0); let stamp = new Int32Array(0); let gen = 0;
function stringData(vals, n, nullCount, nullBitmap, dict, id) {
  if (!dict) {
    const bufs = new Array(n); for (let i = 0; i < n; i++) bufs[i] = vals[i] < 0 ? null : strings[vals[i]];
    return makeData({ type: new Utf8(), length: n, nullCount, nullBitmap, ...utf8Data(bufs) });
  }
  if (slot.length < strings.length) { slot = new Int32Array(strings.length); stamp = new Int32Array(strings.length); }
  gen++;
  const idx = new Int32Array(n); const words = [];
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    if (v < 0) continue;
    if (stamp[v] !== gen) { stamp[v] = gen; slot[v] = words.length; words.push(strings[v]); }
    idx[i] = slot[v];
  }
  const values = makeVector(makeData({ type: new Utf8(), length: words.length, nullCount: 0, ...utf8Data(words) }));
  return makeData({ type: new Dictionary(new Utf8(), new Int32(), id), length: n, nullCount, nullBitmap, data: idx, dictionary: values });
}

function bitmap(n, isNull) {
  let nulls = 0; const bm = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) { if (isNull(i)) nulls++; else bm[i >> 3] |= 1 << (i & 7); }
  return [nulls, nulls ? bm : undefined];
}

function utf8Data(bufs) {
  const m = bufs.length; const off = new Int32Array(m + 1); let n = 0;
  for (let i = 0; i < m; i++) { off[i] = n; if (bufs[i]) n += bufs[i].length; }
  off[m] = n;
  const data = Buffer.allocUnsafe(n);
  for (let i = 0; i < m; i++) if (bufs[i]) bufs[i].copy(data, off[i]);
  return { valueOffsets: off, data: new Uint8Array(data.buffer, data.byteOffset, n) };
}

// Arrow data of one column for rows [a, b) of an answer.
function columnData(c, a, b, dict, id) {
  if (c.t) return tableData(c, a, b, dict, id);
  const n = b - a; const vals = []; for (let r = a; r < b; r++) vals.push(c.get(r));
  const [nullCount, nullBitmap] = bitmap(n, (i) => vals[i] === null);
  switch (c.kind) {
    case 'i64': case 'ts': {
      const data = BigInt64Array.from(vals, (v) => (v === null ? 0n : v));
      return makeData({ type: c.kind === 'ts' ? new TimestampNanosecond('+00:00') : new Int64(), length: n, nullCount, nullBitmap, data });
    }
    case 'u32': return makeData({ type: new Uint32(), length: n, nullCount, nullBitmap, data: Uint32Array.from(vals, (v) => v ?? 0) });
    case 'i32': return makeData({ type: new Int32(), length: n, nullCount, nullBitmap, data: Int32Array.from(vals, (v) => v ?? 0) });
    case 'bin': return makeData({ type: new Binary(), length: n, nullCount, nullBitmap, ...utf8Data(vals) });
    default: break;
  }
  // strings: vals are string indices (or null)
  return stringData(Int32Array.from(vals, (v) => (v === null ? -1 : v)), n, nullCount, nullBitmap, dict, id);
}

function fieldType(c, dict, id) {
  switch (c.kind) {
    case 'i64': return new Int64();
    case 'ts': return new TimestampNanosecond('+00:00');
    case 'u32': return new Uint32();
    case 'i32': return new Int32();
    case 'bin': return new Binary();
    case 'dict': return dict ? new Dictionary(new Utf8(), new Int32(), id) : new Utf8();
    default: return new Utf8();
  }
}

// The IPC messages (header, body) of one answer's batches, one at a time.
function* messages(ans, dict) {
  const ids = new Map(); let next = 0;
  for (const c of ans.cols) if (c.kind === 'dict' && dict) ids.set(c, next++);
  const schema = new Schema(ans.cols.map((c) => new Field(c.name, fieldType(c, dict, ids.get(c)), c.nullable)));
  let first = true;
  for (let a = 0; a < ans.n || first; a += batchRows) {
    const b = Math.min(ans.n, a + batchRows);
    const children = ans.cols.map((c) => columnData(c, a, b, dict && c.kind === 'dict', ids.get(c)));
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: b - a, nullCount: 0, children }));
    const u8 = RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
    for (const m of split(u8)) {
      if (m.type === 1 && !first) continue;          // the schema once
      yield m;
    }
    first = false;
    if (ans.n === 0) break;
  }
}

// An IPC stream cut into its messages (the loop of micromegas-flightsql.md).
function* split(u8) {
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength); let p = 0;
  while (p + 4 <= u8.length) {
    let len = dv.getInt32(p, true); p += 4;
    if (len === -1) { len = dv.getInt32(p, true); p += 4; }
    if (len === 0) break;
    const header = u8.subarray(p, p + len); p += len;
    const msg = Message.decode(header);
    const body = u8.subarray(p, p + Number(msg.bodyLength)); p += body.length;
    yield { type: msg.headerType, header: Buffer.from(header), body: Buffer.from(body) };
  }
}

// --- statements -------------------------------------------------------------

const LIT = "'((?:[^']|'')*)'";
const unq = (s) => s.replace(/''/g, "'");
function nsOf(text) {
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(text);
  if (!m) throw invalid(`'${text}' is not an RFC 3339 time`);
  let s = BigInt(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) / 1000n;
  if (m[8].toUpperCase() !== 'Z') {
    const sign = m[8][0] === '-' ? -1n : 1n;
    s -= sign * (BigInt(m[8].slice(1, 3)) * 3600n + BigInt(m[8].slice(4, 6)) * 60n);
  }
  return s * 1000000000n + BigInt((m[7] || '').padEnd(9, '0'));
}
const timeLits = (sql) => [...sql.matchAll(/TIMESTAMP '([^']*)'/g)].map((m) => nsOf(m[1]));

function rowsWhere(t, pred) { const rows = []; for (let r = 0; r < t.n; r++) if (pred(r)) rows.push(r); return rows; }
function answer(rows, cols) {
  const r = Int32Array.from(rows);
  return { n: r.length, cols: cols.map((c) => ({ ...c, rows: r })) };
}

function processAnswer(rows) {
  const s = (c) => tcol(c, 'str', procs, c);
  return answer(rows, [s('process_id'), s('exe'), s('username'), s('realname'), s('computer'), s('distro'),
    s('cpu_brand'), tcol('tsc_frequency', 'i64', procs, 'tsc_frequency'),
    tcol('start_time', 'ts', procs, 'start_time'), s('parent_process_id'),
    tcol('properties', 'str', procs, 'properties')]);
}

const isCpu = (r) => streams.ok.tags[r] && str(streams.v.tags[r]).split(/[ ,\t]+/).includes('cpu');

function lifetime(pid) {
  let lo = null; let hi = null;
  for (let r = 0; r < streams.n; r++) {
    if (streams.v.process_id[r] !== pid) continue;
    const b = blocks.get(streams.v.stream_id[r]); if (!b) continue;
    if (lo === null || b[0] < lo) lo = b[0];
    if (hi === null || b[1] > hi) hi = b[1];
  }
  return [lo, hi];
}

// What a statement asks for: an answer (n, cols), or bytes of a trace.
function run(sql, md) {
  let m;
  const range = md.range;
  if ((m = new RegExp(`FROM processes WHERE process_id = ${LIT}`).exec(sql))) {
    const pid = stringIndex.get(unq(m[1]));
    return processAnswer(rowsWhere(procs, (r) => procs.v.process_id[r] === pid));
  }
  if (/FROM processes ORDER BY start_time, process_id/.test(sql)) {
    const rows = rowsWhere(procs, () => true);
    rows.sort((a, b) => (procs.v.start_time[a] < procs.v.start_time[b] ? -1 : procs.v.start_time[a] > procs.v.start_time[b] ? 1
      : Buffer.compare(strings[procs.v.process_id[a]], strings[procs.v.process_id[b]])));
    return processAnswer(rows);
  }
  if ((m = new RegExp(`FROM blocks WHERE process_id = ${LIT} AND array_has\\("streams.tags", 'cpu'\\) GROUP BY`).exec(sql))) {
    const pid = stringIndex.get(unq(m[1]));
    const rows = rowsWhere(streams, (r) => streams.v.process_id[r] === pid && isCpu(r) && blocks.has(streams.v.stream_id[r]));
    return answer(rows, [tcol('stream_id', 'str', streams, 'stream_id', false),
      tcol('thread_name', 'dict', streams, 'thread_name'), tcol('thread_id', 'dict', streams, 'thread_id')]);
  }
  if ((m = new RegExp(`SELECT min\\(begin_time\\) AS "begin", max\\(end_time\\) AS "end" FROM blocks WHERE process_id = ${LIT}`).exec(sql))) {
    const [lo, hi] = lifetime(stringIndex.get(unq(m[1])));
    return { n: 1, cols: [col('begin', 'ts', () => lo), col('end', 'ts', () => hi)] };
  }
  if ((m = new RegExp(`FROM view_instance\\('thread_spans', ${LIT}\\)`).exec(sql))) {
    if (!range) throw new Status(grpc.status.INVALID_ARGUMENT, 'query range mandatory for thread spans view');
    const [lo, hi] = /"begin" <= TIMESTAMP/.test(sql) ? timeLits(sql).reverse() : [-BIG, BIG];
    const [a, b] = spanRows.get(stringIndex.get(unq(m[1]))) || [0, 0];
    const rows = []; for (let r = a; r < b; r++) if (spans.v.begin[r] <= hi && spans.v.end[r] >= lo) rows.push(r);
    const t = spans;
    return answer(rows, [tcol('id', 'i64', t, 'id', false), tcol('parent', 'i64', t, 'parent'),
      tcol('depth', 'u32', t, 'depth', false), tcol('begin', 'ts', t, 'begin', false),
      tcol('end', 'ts', t, 'end', false), tcol('name', 'dict', t, 'name', false),
      tcol('target', 'dict', t, 'target'), tcol('filename', 'dict', t, 'filename'),
      tcol('line', 'u32', t, 'line')]);
  }
  if ((m = new RegExp(`FROM view_instance\\('async_events', ${LIT}\\) e WHERE \\(time BETWEEN`).exec(sql))) {
    const [lo, hi] = timeLits(sql);
    const [a, b] = eventRows.get(stringIndex.get(unq(m[1]))) || [0, 0];
    const t = events; const rows = [];
    for (let r = a; r < b; r++) {
      const x = t.v.time[r]; const begin = isBegin[r];
      if ((x >= lo && x <= hi) || (x < lo && begin && !(minEnd[r] < lo)) || (x > hi && !begin && !(maxBegin[r] > hi))) rows.push(r);
    }
    return answer(rows, [tcol('stream_id', 'dict', t, 'stream_id', false), tcol('time', 'ts', t, 'time', false),
      tcol('event_type', 'dict', t, 'event_type', false), tcol('span_id', 'i64', t, 'span_id', false),
      tcol('parent_span_id', 'i64', t, 'parent_span_id'), tcol('depth', 'u32', t, 'depth', false),
      tcol('name', 'dict', t, 'name', false), tcol('target', 'dict', t, 'target'),
      tcol('filename', 'dict', t, 'filename'), tcol('line', 'u32', t, 'line')]);
  }
  if ((m = new RegExp(`FROM perfetto_trace_chunks\\(${LIT}, '(thread|async|both)', TIMESTAMP '([^']*)', TIMESTAMP '([^']*)'\\)`).exec(sql))) {
    return { trace: { pid: unq(m[1]), spans: m[2], begin: m[3], end: m[4] } };
  }
  throw invalid(`statement not understood: ${sql.slice(0, 80)}`);
}

// The service's own trace: here spanpipe's pipeline over the same store,
// cut in 8 KiB chunks (not on packet boundaries).
function traceAnswer(t) {
  if (!opt.bin) throw new Status(grpc.status.INTERNAL, 'no trace generator (--bin)');
  const pid = stringIndex.get(t.pid);
  if (pid === undefined || !rowsWhere(procs, (r) => procs.v.process_id[r] === pid).length) {
    throw new Status(grpc.status.INVALID_ARGUMENT, `error building dataframe: Execution error: Process ${t.pid} not found`);
  }
  const sh = `"$B/span-fetch" --db "$S" -p "$P" --spans "$K" --start-time "$T0" --end-time "$T1" | "$B/async-match" | "$B/perfetto-encode"`;
  const r = spawnSync('sh', ['-c', sh], { env: { ...process.env, B: opt.bin, S: opt.store, P: t.pid, K: t.spans, T0: t.begin, T1: t.end }, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Status(grpc.status.INTERNAL, `trace generation failed: ${r.stderr}`);
  const chunks = []; for (let p = 0; p < r.stdout.length; p += 8192) chunks.push(r.stdout.subarray(p, p + 8192));
  return { n: chunks.length, cols: [col('chunk_id', 'i32', (i) => i, false), col('chunk_data', 'bin', (i) => chunks[i], false)] };
}

// --- protocol -----------------------------------------------------------------

const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(path.join(here, '../../proto/flight.proto'),
  { keepCase: true, longs: String, defaults: true }));
const TYPE = 'type.googleapis.com/arrow.flight.protocol.sql.';

// Protobuf by hand for the tiny FlightSQL messages: fields of wire type 2.
function fields(buf) {
  const out = new Map(); let p = 0;
  const varint = () => { let v = 0; let s = 0; for (;;) { const b = buf[p++]; if (b === undefined) throw invalid('bad protobuf'); v += (b & 127) * 2 ** s; s += 7; if (b < 128) return v; } };
  while (p < buf.length) {
    const tag = varint(); const wt = tag % 8;
    if (wt === 2) { const n = varint(); out.set(Math.floor(tag / 8), buf.subarray(p, p + n)); p += n; }
    else if (wt === 0) varint(); else throw invalid('bad protobuf');
  }
  return out;
}
function varint(v) {
  const out = []; do { out.push((v & 127) | (v > 127 ? 128 : 0)); v >>>= 7; } while (v);
  return out;
}
function bytesField(n, b) {
  return Buffer.concat([Buffer.from([...varint((n << 3) | 2), ...varint(b.length)]), b]);
}

// A FlightData as gRPC sends it: flag, big-endian length, protobuf.
let dumps = 0;
function frame(m) {
  const pb = Buffer.concat([bytesField(2, m.header), bytesField(1000, m.body)]);
  const h = Buffer.alloc(5); h.writeUInt32BE(pb.length, 1);
  return Buffer.concat([h, pb]);
}

function metadata(call) {
  const get = (k) => { const v = call.metadata.get(k); return v.length ? String(v[0]) : ''; };
  if (opt.token && get('authorization') !== `Bearer ${opt.token}`) throw new Status(grpc.status.UNAUTHENTICATED, 'invalid token');
  const b = get('query_range_begin'); const e = get('query_range_end');
  for (const [k, v] of [['query_range_begin', b], ['query_range_end', e]]) {
    if (v) try { nsOf(v); } catch { throw new Status(grpc.status.INVALID_ARGUMENT, `Unable to parse ${k} as a rfc3339 datetime`); }
  }
  return { range: b && e ? [nsOf(b), nsOf(e)] : null,
    dict: !opt['no-dictionaries'] && get('preserve_dictionary').toLowerCase() === 'true' };
}

function getFlightInfo(call, cb) {
  try {
    metadata(call);
    const any = fields(call.request.cmd);
    if (String(any.get(1) || '') !== `${TYPE}CommandStatementQuery`) throw invalid('not a CommandStatementQuery');
    const sql = fields(any.get(2) || Buffer.alloc(0)).get(1) || Buffer.alloc(0);
    cb(null, { schema: Buffer.alloc(0), endpoint: [{ ticket: { ticket: bytesField(1, sql) } }], total_records: '-1', total_bytes: '-1' });
  } catch (e) {
    cb({ code: e.code ?? grpc.status.INTERNAL, details: e.details ?? String(e) });
  }
}

// A record batch header whose last buffer claims 4 KiB more than the body.
function longBuffer(header) {
  const msg = Message.decode(header); const rb = msg.header();
  const bufs = rb.buffers.slice(); const last = bufs[bufs.length - 1];
  bufs[bufs.length - 1] = new last.constructor(last.offset, last.length + 4096);
  const forged = new rb.constructor(rb.length, rb.nodes, bufs, rb.compression, rb.variadicBufferCounts);
  return Buffer.from(Message.encode(Message.from(forged, msg.bodyLength)));
}

function ticketSql(t) {
  let f = fields(t);
  if (String(f.get(1) || '').startsWith('type.googleapis.com/')) f = fields(f.get(2) || Buffer.alloc(0));
  return String(f.get(1) || '');
}

// Sends the messages, misbehaving on command after `after` record batches
// of a span or trace query.
async function doGet(call) {
  let sent = 0;
  try {
    const md = metadata(call);
    const sql = ticketSql(call.request.ticket);
    let ans = run(sql, md);
    if (ans.trace) ans = traceAnswer(ans.trace);
    const bad = misbehave && /view_instance|perfetto_trace_chunks/.test(sql) ? misbehave : '';
    const dump = opt['dump-dir'] ? [] : null;
    for (const m of messages(ans, md.dict)) {
      if (bad && m.type === 3 && sent === after) {
        if (bad === 'drop') { setTimeout(() => process.exit(3), 300); return; }
        if (bad === 'stall') return;
        if (bad === 'error') { call.emit('error', { code: grpc.status.INTERNAL, details: `injected failure after ${after} batches` }); return; }
        if (bad === 'corrupt-header') m.header = Buffer.from('\x10\x00\x00\x00garbage-not-a-flatbuffer');
        if (bad === 'long-buffer') m.header = longBuffer(m.header);
      }
      if (m.type === 3) sent++;
      if (dump) dump.push(frame(m));
      if (!call.write({ data_header: m.header, data_body: m.body })) await new Promise((r) => call.once('drain', r));
    }
    call.end();
    if (dump) writeFileSync(path.join(opt['dump-dir'], `doget-${++dumps}.bin`), Buffer.concat(dump));
  } catch (e) {
    call.emit('error', { code: e.code ?? grpc.status.INTERNAL, details: e.details ?? String(e) });
  }
}

const server = new grpc.Server({ 'grpc.max_send_message_length': -1 });
server.addService(pkg.arrow.flight.protocol.FlightService.service, { GetFlightInfo: getFlightInfo, DoGet: doGet });
const creds = opt['tls-cert']
  ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: readFileSync(opt['tls-cert']), private_key: readFileSync(opt['tls-key']) }])
  : grpc.ServerCredentials.createInsecure();
process.on('SIGTERM', () => process.exit(0));
server.bindAsync(`127.0.0.1:${opt.port}`, creds, (err, port) => {
  if (err) { console.error(`server.mjs: ${err.message}`); process.exit(69); }
  console.log(port);
});
