// A FlightSQL call as another client would make it, for the tests of the
// test service itself: node client.mjs URI SQL [header=value ...] runs
// GetFlightInfo then DoGet and prints the number of FlightData messages,
// or the gRPC status code and message of a failure.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(path.join(here, '../../proto/flight.proto'),
  { keepCase: true, longs: String, defaults: true }));
const [uri, sql, ...hdrs] = process.argv.slice(2);
const md = new grpc.Metadata();
for (const h of hdrs) { const i = h.indexOf('='); md.set(h.slice(0, i), h.slice(i + 1)); }
const field = (n, b) => Buffer.concat([Buffer.from([(n << 3) | 2]), varint(b.length), b]);
function varint(v) { const o = []; do { o.push((v & 127) | (v > 127 ? 128 : 0)); v >>>= 7; } while (v); return Buffer.from(o); }
const cmd = field(1, Buffer.from('type.googleapis.com/arrow.flight.protocol.sql.CommandStatementQuery'));
const any = Buffer.concat([cmd, field(2, field(1, Buffer.from(sql)))]);
const client = new pkg.arrow.flight.protocol.FlightService(uri.replace(/^grpc:\/\//, ''), grpc.credentials.createInsecure());
const fail = (e) => { console.log(`status ${e.code}: ${e.details}`); process.exit(0); };
client.GetFlightInfo({ type: 2, cmd: any }, md, (err, info) => {
  if (err) fail(err);
  let n = 0;
  const s = client.DoGet(info.endpoint[0].ticket, md);
  s.on('data', () => { n++; });
  s.on('error', fail);
  s.on('end', () => { console.log(`${n} messages`); process.exit(0); });
});
