// Builds a raw bucket as fluentd would leave it, from the eventsim samples in tests/data, for the
// end-to-end tests of `tributary run` (tests/ingest/e2e_*.sh). Deterministic: same arguments,
// same bytes.
//
//   node make_raw_bucket.mjs --data tests/data --out DIR [--copies N]
//
// Writes DIR/Raw/<stream>/<slice>_<i>.<json|gz> and DIR/expected.json:
//   - every stream, plain (.json) and gzip (.gz) objects;
//   - a replayed loop: objects re-emitted byte for byte under new keys, and the same events
//     re-chunked differently (duplicates that must collapse to one event each);
//   - bad lines (in a plain and in a gzip object, and a truncated last line), with the reason
//     tributary must quarantine each for, in expected.json "quarantine";
//   - "vanish_key": an object the test deletes after the ledger saw it but before it is claimed;
//   - "ignored_key": an object with an extension tributary does not ingest;
//   - --copies N: N more rounds of every stream's samples with sessionIds shifted by
//     N * 1,000,000 (distinct events), each round cut into 3 objects, for a bigger input.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const args = { copies: '0' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
if (!args.data || !args.out) {
  console.error('usage: node make_raw_bucket.mjs --data DIR --out DIR [--copies N]');
  process.exit(2);
}

const lines = (file) => readFileSync(path.join(args.data, file), 'utf8').split('\n').filter((l) => l !== '');
const samples = {
  listen_events: lines('listen_events.jsonl'),
  page_view_events: lines('page_view_events.jsonl'),
  auth_events: lines('auth_events.jsonl'),
  // eventsim's status changes carry the page views' user and location fields, no page.
  status_change_events: lines('page_view_events.jsonl')
    .map((l) => JSON.parse(l))
    .filter((e) => e.userId !== undefined)
    .slice(0, 20)
    .map(({ ts, sessionId, auth, level, itemInSession, city, zip, state, userAgent, lon, lat,
      userId, lastName, firstName, gender, registration }) => JSON.stringify({
      ts, sessionId, auth, level: level === 'paid' ? 'free' : 'paid', itemInSession, city, zip,
      state, userAgent, lon, lat, userId, lastName, firstName, gender, registration })),
};
const fluentdObject = lines('fluentd-s3-object_2023061719_20.json');

const written = [];
const put = (key, text, gzip) => {
  const file = path.join(args.out, key);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, gzip ? gzipSync(Buffer.from(text)) : text);
  written.push(key);
};
const ndjson = (ls) => ls.map((l) => `${l}\n`).join('');

// 1. The first run of the simulator: one object per stream, plain and gzip.
put('Raw/listen_events/2023061719_20.json', ndjson(fluentdObject));
const listenBad = [
  '{"ts":1703438319902,"sessionId":729,"page":"NextSong"', // cut in the middle
  '[1,2,3]',
  JSON.stringify({ ...JSON.parse(samples.listen_events[0]), ts: undefined }),
];
put('Raw/listen_events/2023122417_0.gz', ndjson([...samples.listen_events.slice(0, 40), ...listenBad,
  ...samples.listen_events.slice(40)]), true);
const pageViewBad = [
  JSON.stringify({ ...JSON.parse(samples.page_view_events[1]), sessionId: 'abc' }),
  'not json at all',
];
// The last line is cut short with no newline, as a fluentd chunk flushed mid-write would be.
put('Raw/page_view_events/2023122417_0.json',
  ndjson([...samples.page_view_events.slice(0, 50), ...pageViewBad, ...samples.page_view_events.slice(50)]) +
  samples.page_view_events[3].slice(0, 60));
put('Raw/auth_events/2023122417_0.json', ndjson(samples.auth_events));
put('Raw/status_change_events/2023122417_0.gz', ndjson(samples.status_change_events), true);
const quarantine = {
  invalid_json: 3, not_an_object: 1, 'missing_field:ts': 1, 'wrong_type:sessionId': 1,
};

// 2. The loop restarts with the same seed: the same events again, under new keys; once byte for
// byte (the other compression, too) and once cut into chunks at other boundaries.
put('Raw/listen_events/2023122418_0.json', ndjson(fluentdObject));
put('Raw/listen_events/2023122418_1.gz', ndjson(samples.listen_events), true);
put('Raw/page_view_events/2023122418_0.gz', ndjson(samples.page_view_events.slice(0, 30)), true);
put('Raw/page_view_events/2023122418_1.json', ndjson(samples.page_view_events.slice(30)));
put('Raw/auth_events/2023122418_10.json', ndjson(samples.auth_events.slice(1)));
put('Raw/status_change_events/2023122418_2.json', ndjson(samples.status_change_events));

// 3. Bigger input: more rounds with distinct sessions, three objects per stream and round.
const shifted = (l, round) => {
  const e = JSON.parse(l);
  e.sessionId += round * 1_000_000;
  return JSON.stringify(e);
};
for (let round = 1; round <= Number(args.copies); round++) {
  for (const [stream, ls] of Object.entries(samples)) {
    const events = ls.map((l) => shifted(l, round));
    const third = Math.ceil(events.length / 3);
    for (let part = 0; part < 3; part++) {
      const chunk = events.slice(part * third, (part + 1) * third);
      if (chunk.length === 0) continue;
      const slice = 2023122500 + Math.floor(round / 10) * 100 + (round % 10); // YYYYMMDDHH-like
      put(`Raw/${stream}/${slice}_${part}.${part === 1 ? 'gz' : 'json'}`, ndjson(chunk), part === 1);
    }
  }
}

// 4. Objects the run must not turn into events: one deleted before it is read (the test removes
// it), one with an extension outside ingest.extensions.
const vanishKey = 'Raw/page_view_events/2023122419_0.json';
put(vanishKey, ndjson(samples.page_view_events.map((l) => shifted(l, 999))));
const ignoredKey = 'Raw/listen_events/2023122419_0.txt';
put(ignoredKey, ndjson(samples.listen_events.map((l) => shifted(l, 998))));

writeFileSync(path.join(args.out, 'expected.json'), JSON.stringify({
  objects: written, vanish_key: vanishKey, ignored_key: ignoredKey, quarantine,
}, null, 1));
