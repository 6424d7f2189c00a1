// Writes Arrow IPC streams with apache-arrow, and what each holds as the
// text tests/unit/arrow_dump.h prints, for the C reader to be compared with.
// Usage: node tests/arrow/gen.mjs [--big ROWS] DIR
// (writes DIR/NAME.arrow, DIR/NAME.txt)
// The expected text is made from the values given to apache-arrow, not read
// back through it.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../flight/package.json'));
const A = require('apache-arrow');
const {
	Field, Schema, Struct, RecordBatch, Table, makeData, vectorFromArray, tableToIPC,
	RecordBatchStreamWriter, CompressionType, compressionRegistry, Message,
	Int8, Int16, Int32, Int64, Uint8, Uint16, Uint32, Uint64, Float32, Float64, Bool,
	Utf8, LargeUtf8, Binary, LargeBinary, List, LargeList, Dictionary, Null, Type,
	Utf8View, Float16, DateDay,
	TimestampSecond, TimestampMillisecond, TimestampMicrosecond, TimestampNanosecond,
} = A;

// With --big ROWS: only DIR/big.arrow, ROWS rows of the micromegas columns
// in batches of 16384, to time the reader with.
const big = process.argv[2] === '--big' ? Number(process.argv[3]) : 0;
const dir = process.argv[big ? 4 : 2];
if (!dir || (process.argv[2] === '--big' && !(big > 0))) {
	console.error('usage: gen.mjs [--big ROWS] DIR');
	process.exit(64);
}

// --- the expected text -----------------------------------------------------
const enc = new TextEncoder();
function quote(bytes) {
	let s = '"';
	for (const b of bytes)
		s += b < 0x20 || b > 0x7e || b === 0x22 || b === 0x5c ?
			'\\x' + b.toString(16).padStart(2, '0') : String.fromCharCode(b);
	return s + '"';
}
function floatBits(v) {
	const dv = new DataView(new ArrayBuffer(8));
	dv.setFloat64(0, v, true);
	return 'f' + dv.getBigUint64(0, true).toString(16).padStart(16, '0');
}
const unitNs = { 0: 1000000000n, 1: 1000000n, 2: 1000n, 3: 1n };
function fmt(type, v) {
	if (v === null || v === undefined || type.typeId === Type.Null)
		return 'null';
	if (type.typeId === Type.Dictionary)
		return fmt(type.dictionary, v);
	switch (type.typeId) {
	case Type.Int: return BigInt(v).toString();
	case Type.Float: return floatBits(type.precision === 1 ? Math.fround(v) : v);
	case Type.Bool: return v ? 'true' : 'false';
	case Type.Utf8: case Type.LargeUtf8: return quote(enc.encode(v));
	case Type.Binary: case Type.LargeBinary:
		return '0x' + Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('');
	case Type.Timestamp: return (BigInt(v) * unitNs[type.unit]).toString();
	case Type.List: case Type.LargeList:
		return '[' + v.map((e) => fmt(type.children[0].type, e)).join(',') + ']';
	}
	throw new Error('no format for ' + type);
}

// --- zstd, as far as apache-arrow needs it to write compressed bodies --------
// Node has no zstd: frames of raw and RLE blocks (RFC 8878, 3.1) are valid
// zstd that libzstd reads, and a buffer of one repeated byte (a validity
// bitmap, zeros) gets smaller, so apache-arrow keeps it compressed; other
// buffers it stores as they are, behind the length -1.
function zstdFrame(u8) {
	const out = [0x28, 0xb5, 0x2f, 0xfd, 0xe0];	// magic; 8-byte size, single segment
	const size = new DataView(new ArrayBuffer(8));
	size.setBigUint64(0, BigInt(u8.length), true);
	out.push(...new Uint8Array(size.buffer));
	const max = 1 << 17;
	for (let at = 0; at < u8.length || at === 0; at += max) {
		const chunk = u8.subarray(at, at + max);
		const last = at + max >= u8.length ? 1 : 0;
		const rle = chunk.length > 0 && chunk.every((b) => b === chunk[0]);
		const h = last | (rle ? 1 : 0) << 1 | chunk.length << 3;
		out.push(h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff);
		if (rle)
			out.push(chunk[0]);
		else
			out.push(...chunk);
		if (u8.length === 0)
			break;
	}
	return Uint8Array.from(out);
}
compressionRegistry.set(CompressionType.ZSTD, { encode: zstdFrame, decode: () => { throw new Error('no'); } });

// apache-arrow 21.2.0 prefixes a compressed buffer with its compressed
// length where the format wants the uncompressed one (fixed upstream in
// apache/arrow-js#470). The prefix of each frame made above, set to the
// frame's content size: the stream a correct writer gives.
function fixPrefixes(u8) {
	const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
	let p = 0;
	while (p + 8 <= u8.length) {
		let len = dv.getInt32(p, true);
		p += 4;
		if (len === -1) {
			len = dv.getInt32(p, true);
			p += 4;
		}
		if (len === 0)
			break;
		const m = Message.decode(u8.subarray(p, p + len));
		p += len;
		const rb = m.isDictionaryBatch() ? m.header().data : m.header();
		for (const b of rb.buffers ?? []) {
			const at = p + Number(b.offset);
			if (Number(b.length) >= 8 && dv.getBigInt64(at, true) !== -1n)
				dv.setBigInt64(at, dv.getBigInt64(at + 8 + 5, true), true);
		}
		p += Number(m.bodyLength);
	}
	return u8;
}

// --- building columns --------------------------------------------------------
function bitmap(vals) {
	const bm = new Uint8Array(Math.ceil(vals.length / 8));
	vals.forEach((v, i) => { if (v !== null) bm[i >> 3] |= 1 << (i & 7); });
	return bm;
}
const nulls = (vals) => vals.filter((v) => v === null).length;

// Timestamps through makeData: the builders take milliseconds as numbers.
function timestamps(type, vals) {
	return makeData({ type, length: vals.length, nullCount: nulls(vals),
		nullBitmap: bitmap(vals), data: BigInt64Array.from(vals, (v) => BigInt(v ?? 0)) });
}
// A dictionary-encoded column whose dictionary is the vector dict.
function encoded(type, dict, idx) {
	return makeData({ type, length: idx.length, nullCount: nulls(idx), nullBitmap: bitmap(idx),
		data: type.indices.ArrayType.from(idx, (i) => (type.indices.bitWidth === 64 ? BigInt(i ?? 0) : i ?? 0)),
		dictionary: dict });
}
function build(type, vals) {
	if (type.typeId === Type.Timestamp)
		return timestamps(type, vals);
	const v = vectorFromArray(vals, type);
	if (v.data.length !== 1)
		throw new Error('more than one chunk');
	return v.data[0];
}

// A case: fields (name, type, shown type) and batches of columns; a column is
// { data, values } (values: what a reader must see).
function write(name, fields, batches) {
	const schema = new Schema(fields.map((f) => new Field(f.name, f.type, true)));
	const rbs = batches.map((cols) => {
		const len = cols[0].values.length;
		const data = makeData({ type: new Struct(schema.fields), length: len, nullCount: 0,
			children: cols.map((c) => c.data) });
		return new RecordBatch(schema, data);
	});
	const table = new Table(schema, rbs);
	const bytes = tableToIPC(table, 'stream');
	let txt = 'schema' + fields.map((f) => ` ${f.name}:${f.shown}`).join('') + '\n';
	for (const cols of batches) {
		const len = cols[0].values.length;
		txt += `batch ${len}\n`;
		for (let r = 0; r < len; r++)
			txt += fields.map((f, i) => `${f.name}=${fmt(f.type, cols[i].values[r])}`).join(' ') + '\n';
	}
	writeFileSync(path.join(dir, name + '.arrow'), bytes);
	writeFileSync(path.join(dir, name + '.txt'), txt);
	if (zstdCases.includes(name)) {
		const z = RecordBatchStreamWriter.writeAll(table, { compressionType: CompressionType.ZSTD });
		const zb = z.toUint8Array(true);
		if (name === 'constant') {	// as 21.2.0 writes it: refused
			writeFileSync(path.join(dir, 'refuse-zstd-prefix.arrow'), zb);
			writeFileSync(path.join(dir, 'refuse-zstd-prefix.err'),
				'record batch: buffer 1: zstd data does not decompress to the 17 bytes claimed\n');
		}
		writeFileSync(path.join(dir, name + '-zstd.arrow'), fixPrefixes(zb.slice()));
		writeFileSync(path.join(dir, name + '-zstd.txt'), txt);
	}
}
// Written twice: as is, and with zstd bodies.
const zstdCases = ['strings', 'lists', 'dicts', 'many', 'micromegas', 'constant'];
// One column from values; sliced when off is given.
function col(type, vals, off, len) {
	const d = build(type, vals);
	if (off === undefined)
		return { data: d, values: vals };
	return { data: d.slice(off, len), values: vals.slice(off, off + len) };
}
const f = (name, type, shown) => ({ name, type, shown });
const item = (t) => new Field('item', t, true);

// --- the cases -----------------------------------------------------------------
function ints() {
	const fields = [
		f('i8', new Int8(), 'Int8'), f('i16', new Int16(), 'Int16'),
		f('i32', new Int32(), 'Int32'), f('i64', new Int64(), 'Int64'),
		f('u8', new Uint8(), 'UInt8'), f('u16', new Uint16(), 'UInt16'),
		f('u32', new Uint32(), 'UInt32'), f('u64', new Uint64(), 'UInt64'),
	];
	const b1 = [
		[-128, 127, null, 0, -1], [-32768, 32767, 1, null, -2],
		[-2147483648, 2147483647, null, 5, -3],
		[-(2n ** 63n), 2n ** 63n - 1n, null, 0n, -4n],
		[0, 255, null, 7, 1], [0, 65535, 3, null, 2], [0, 4294967295, null, 9, 3],
		[0n, 2n ** 63n - 1n, null, 11n, 4n],
	];
	const b2 = [[1, null], [2, 3], [null, 4], [5n, null], [null, 6], [7, 8], [9, null], [null, 10n]];
	write('ints', fields, [b1.map((v, i) => col(fields[i].type, v)), b2.map((v, i) => col(fields[i].type, v))]);
}

function floats() {
	const fields = [f('f32', new Float32(), 'Float32'), f('f64', new Float64(), 'Float64')];
	const v32 = [1.5, -0.1, null, Infinity, -0, 3.4e38, 1e-45];
	const v64 = [Math.PI, null, -Infinity, 1e308, 5e-324, -0, 2 ** 53 + 2];
	write('floats', fields, [[col(fields[0].type, v32), col(fields[1].type, v64)]]);
}

function bools() {
	const fields = [f('b', new Bool(), 'Boolean'), f('s', new Bool(), 'Boolean')];
	const v = [true, false, null, true, true, false, null, false, true, true, false, true, null];
	const w = [...v, true, false, null, true];
	write('bools', fields, [[col(fields[0].type, v), col(fields[1].type, w, 3, v.length)]]);
}

function strings() {
	const fields = [
		f('s', new Utf8(), 'Utf8'), f('ls', new LargeUtf8(), 'LargeUtf8'),
		f('b', new Binary(), 'Binary'), f('lb', new LargeBinary(), 'LargeBinary'),
	];
	const s = ['', 'a', null, 'h\u00e9llo "w"\\', '\u65e5\u672c', 'tab\there', null, 'end'];
	const bin = [new Uint8Array([0, 1, 255]), null, new Uint8Array([]), new Uint8Array([7]),
		null, new Uint8Array([0x41, 0x42]), new Uint8Array([0]), new Uint8Array([9, 9])];
	write('strings', fields, [
		[col(fields[0].type, s), col(fields[1].type, s), col(fields[2].type, bin), col(fields[3].type, bin)],
		[col(fields[0].type, s, 2, 5), col(fields[1].type, s, 3, 5), col(fields[2].type, bin, 1, 5),
			col(fields[3].type, bin, 3, 5)],
	]);
}

function times() {
	const fields = [
		f('s', new TimestampSecond(), 'Timestamp(s)'),
		f('ms', new TimestampMillisecond('UTC'), 'Timestamp(ms, UTC)'),
		f('us', new TimestampMicrosecond(), 'Timestamp(us)'),
		f('ns', new TimestampNanosecond('+00:00'), 'Timestamp(ns, +00:00)'),
	];
	const vals = [
		[1704067200, -1, null, 9223372036, -9223372036, 0],
		[1704067200123, null, -1, 9223372036854, -9223372036854, 1],
		[1704067200123456n, -1n, 9223372036854775n, null, -9223372036854775n, 2n],
		[1704067200123456789n, 2n ** 63n - 1n, -(2n ** 63n), -1n, null, 3n],
	];
	write('times', fields, [vals.map((v, i) => col(fields[i].type, v))]);
}

function lists() {
	const ls = new List(item(new Utf8()));
	const lli = new List(item(new List(item(new Int32()))));
	const fields = [
		f('tags', ls, 'List(Utf8)'), f('nested', lli, 'List(List(Int32))'),
	];
	const tags = [['a', 'b'], null, [], ['c'], [null, 'd', ''], ['e', 'f', 'g'], null];
	const nested = [[[1, 2], [3]], [], null, [[], null, [4, null]], [[5]], [[6, 7, 8]], [null]];
	write('lists', fields, [
		[col(ls, tags), col(lli, nested)],
		[col(ls, tags, 2, 4), col(lli, nested, 3, 4)],
	]);
	const ll = new LargeList(item(new Int32()));
	const big = [[1, 2, 3], null, [], [4, null], [5]];
	write('largelist', [f('ll', ll, 'LargeList(Int32)')], [[col(ll, big)], [col(ll, big, 1, 3)]]);
}

// Streams the reader must refuse, and the error it must give (NAME.err).
function refuse(name, type, vals, err) {
	const schema = new Schema([new Field('ok', new Int32(), true), new Field('bad', type, true)]);
	const data = makeData({ type: new Struct(schema.fields), length: vals.length, nullCount: 0,
		children: [vectorFromArray(vals.map((_, i) => i), new Int32()).data[0],
			vectorFromArray(vals, type).data[0]] });
	const bytes = tableToIPC(new Table(schema, [new RecordBatch(schema, data)]), 'stream');
	writeFileSync(path.join(dir, name + '.arrow'), bytes);
	writeFileSync(path.join(dir, name + '.err'), err + '\n');
}
function refusals() {
	refuse('refuse-utf8view', new Utf8View(), ['a', 'bb', null], "column 'bad': type Utf8View is not supported");
	refuse('refuse-float16', new Float16(), [1.5, null], "column 'bad': type Float16 is not supported");
	refuse('refuse-date', new DateDay(), [new Date(0), null], "column 'bad': type Date is not supported");
}

// Dictionaries: a delta in batch 2 (the dictionary grows), a replacement in
// batch 3, null indices, indices of several widths.
function dicts() {
	const name = new Dictionary(new Utf8(), new Int32(), 0);
	const small = new Dictionary(new Utf8(), new Uint8(), 1);
	const nums = new Dictionary(new Int64(), new Int16(), 2);
	const wide = new Dictionary(new Utf8(), new Int64(), 3);
	const fields = [
		f('name', name, 'Dictionary(Int32, Utf8)'), f('small', small, 'Dictionary(UInt8, Utf8)'),
		f('nums', nums, 'Dictionary(Int16, Int64)'), f('wide', wide, 'Dictionary(Int64, Utf8)'),
	];
	const d0 = vectorFromArray(['alpha', 'beta', 'gamma'], new Utf8());
	const d0b = d0.concat(vectorFromArray(['delta', 'eps'], new Utf8()));
	const d0c = vectorFromArray(['x', 'y'], new Utf8());
	const d1 = vectorFromArray(['p', null, 'q'], new Utf8());
	const d2 = vectorFromArray([10n, -20n, 30n], new Int64());
	const d3 = vectorFromArray(['w0', 'w1'], new Utf8());
	const batch = (dn, ix, ix1, ix2, ix3) => [
		{ data: encoded(name, dn.vec, ix), values: ix.map((i) => (i === null ? null : dn.vals[i])) },
		{ data: encoded(small, d1, ix1), values: ix1.map((i) => (i === null ? null : ['p', null, 'q'][i])) },
		{ data: encoded(nums, d2, ix2), values: ix2.map((i) => (i === null ? null : [10n, -20n, 30n][i])) },
		{ data: encoded(wide, d3, ix3), values: ix3.map((i) => (i === null ? null : ['w0', 'w1'][i])) },
	];
	const v0 = { vec: d0, vals: ['alpha', 'beta', 'gamma'] };
	const v0b = { vec: d0b, vals: ['alpha', 'beta', 'gamma', 'delta', 'eps'] };
	const v0c = { vec: d0c, vals: ['x', 'y'] };
	write('dicts', fields, [
		batch(v0, [0, 1, null, 2], [0, 1, 2, null], [2, 1, 0, null], [1, 0, null, 1]),
		batch(v0b, [4, 3, 0, null, 2], [2, 2, 0, 1, 0], [0, 0, 1, 2, 2], [0, 1, 1, 0, 0]),
		batch(v0c, [1, 0, null], [null, null, 0], [1, null, 0], [0, 0, 1]),
	]);
}

// Many batches, one of no rows, and a Null column.
function many() {
	const fields = [f('n', new Int32(), 'Int32'), f('s', new Utf8(), 'Utf8'), f('z', new Null(), 'Null')];
	const batches = [];
	for (let b = 0; b < 40; b++) {
		const len = b === 7 ? 0 : (b * 7) % 13 + 1;
		const n = Array.from({ length: len }, (_, i) => (i % 5 === 4 ? null : b * 100 + i));
		const s = Array.from({ length: len }, (_, i) => (i % 3 === 1 ? null : `b${b}r${i}`));
		batches.push([col(fields[0].type, n), col(fields[1].type, s),
			col(fields[2].type, Array(len).fill(null))]);
	}
	write('many', fields, batches);
}

// The columns of Micromegas' thread_spans and async_events views, as the
// service sends them with preserve_dictionary.
function micromegas() {
	const ts = new TimestampNanosecond('+00:00');
	const dict = (id) => new Dictionary(new Utf8(), new Int32(), id);
	const fields = [
		f('id', new Int64(), 'Int64'), f('begin', ts, 'Timestamp(ns, +00:00)'),
		f('end', ts, 'Timestamp(ns, +00:00)'), f('name', dict(0), 'Dictionary(Int32, Utf8)'),
		f('target', dict(1), 'Dictionary(Int32, Utf8)'), f('line', new Uint32(), 'UInt32'),
		f('tags', new List(item(new Utf8())), 'List(Utf8)'), f('properties', new Binary(), 'Binary'),
	];
	const names = vectorFromArray(['frame', 'update', 'render'], new Utf8());
	const targets = vectorFromArray(['game::loop', 'gfx'], new Utf8());
	const batches = [];
	for (let b = 0; b < 3; b++) {
		const n = 4;
		const t0 = 1717000000000000000n + BigInt(b) * 1000000n;
		const ni = [0, 1, 2, 1], ti = [0, 0, 1, null];
		batches.push([
			col(fields[0].type, Array.from({ length: n }, (_, i) => BigInt(b * n + i))),
			col(ts, Array.from({ length: n }, (_, i) => t0 + BigInt(i) * 10n)),
			col(ts, Array.from({ length: n }, (_, i) => (i === 3 ? null : t0 + BigInt(i) * 10n + 5n))),
			{ data: encoded(fields[3].type, names, ni), values: ni.map((i) => ['frame', 'update', 'render'][i]) },
			{ data: encoded(fields[4].type, targets, ti), values: ti.map((i) => (i === null ? null : ['game::loop', 'gfx'][i])) },
			col(fields[5].type, [10, 20, null, 4294967295]),
			col(fields[6].type, [['cpu'], [], null, ['a', 'b']]),
			col(fields[7].type, [new Uint8Array([1, 2]), null, new Uint8Array([]), new Uint8Array([255])]),
		]);
	}
	write('micromegas', fields, batches);
}

// Buffers of one repeated byte, which the zstd above does make smaller.
function constant() {
	const fields = [f('z', new Int64(), 'Int64'), f('s', new Utf8(), 'Utf8'), f('b', new Bool(), 'Boolean')];
	const n = 3000;
	write('constant', fields, [[col(fields[0].type, Array(n).fill(0n)),
		col(fields[1].type, Array.from({ length: n }, (_, i) => (i === 5 ? null : 'aaaa'))),
		col(fields[2].type, Array.from({ length: n }, (_, i) => i !== 7))]]);
}

function bigStream() {
	const ts = new TimestampNanosecond('+00:00');
	const dict = new Dictionary(new Utf8(), new Int32(), 0);
	const schema = new Schema([new Field('begin', ts, true), new Field('end', ts, true),
		new Field('name', dict, true), new Field('line', new Uint32(), true),
		new Field('filename', new Utf8(), true), new Field('depth', new Uint32(), true)]);
	const names = vectorFromArray(Array.from({ length: 200 }, (_, i) => `span_name_${i}`), new Utf8());
	const rbs = [];
	for (let at = 0; at < big; at += 16384) {
		const n = Math.min(16384, big - at);
		const b = BigInt64Array.from({ length: n }, (_, i) => 1717000000000000000n + BigInt(at + i) * 1000n);
		const e = BigInt64Array.from(b, (v) => v + 500n);
		const cols = [
			makeData({ type: ts, length: n, data: b }), makeData({ type: ts, length: n, data: e }),
			makeData({ type: dict, length: n, data: Int32Array.from({ length: n }, (_, i) => (at + i) % 200),
				dictionary: names }),
			makeData({ type: new Uint32(), length: n, data: Uint32Array.from({ length: n }, (_, i) => i % 997) }),
			vectorFromArray(Array.from({ length: n }, (_, i) => `src/file_${i % 50}.rs`), new Utf8()).data[0],
			makeData({ type: new Uint32(), length: n, data: Uint32Array.from({ length: n }, (_, i) => i % 8) }),
		];
		rbs.push(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n,
			nullCount: 0, children: cols })));
	}
	writeFileSync(path.join(dir, 'big.arrow'), tableToIPC(new Table(schema, rbs), 'stream'));
}

if (big)
	bigStream();
else
	for (const c of [ints, floats, bools, strings, times, lists, dicts, many, micromegas, constant,
		refusals])
		c();
