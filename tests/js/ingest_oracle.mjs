// The independent answer for the end-to-end tests of `tributary run`: DuckDB reads the raw
// objects the test put in the source, decides which lines are events and which are bad, keeps one
// event per identity (stream, ts, sessionId, itemInSession, userId or null), and compares that
// with the lake tributary built: silver (read_parquet with hive partitions) and quarantine.
//
//   node ingest_oracle.mjs --raw DIR --expected DIR/expected.json --lake DIR --out DIR
//
// --raw and --expected come from make_raw_bucket.mjs; --lake is a local copy of the lake.
// Writes to --out, for the shell test to compare with the warehouse:
//   expected/<stream>.txt   one line per event identity "ts|sessionId|itemInSession|userId or -"
//   silver/<stream>.txt     the same from silver
//   clean/<stream>.jsonl    the valid lines (duplicates included), for report_oracle.mjs
// Exits 0 when silver and quarantine agree with the raw data, 1 with the differences otherwise.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';

const args = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
for (const k of ['raw', 'expected', 'lake', 'out']) {
  if (!args[k]) { console.error(`--${k} is required`); process.exit(2); }
}
const expected = JSON.parse(readFileSync(args.expected, 'utf8'));
const streams = ['listen_events', 'page_view_events', 'auth_events', 'status_change_events'];

// The raw lines of every object tributary should have read: not the one deleted before it was
// read, not the one with an ignored extension. Blank lines are not lines (docs/data-model.md).
const rawLines = [];
for (const key of expected.objects) {
  if (key === expected.vanish_key || key === expected.ignored_key) continue;
  let bytes = readFileSync(path.join(args.raw, key));
  if (key.endsWith('.gz')) bytes = gunzipSync(bytes);
  const stream = key.split('/')[1];
  bytes.toString('utf8').split('\n').forEach((line, i) => {
    if (line !== '') rawLines.push({ stream, source_key: key, line_number: i + 1, line });
  });
}
mkdirSync(args.out, { recursive: true });
const rawFile = path.join(args.out, 'raw_lines.jsonl');
writeFileSync(rawFile, rawLines.map((r) => JSON.stringify(r)).join('\n') + '\n');

const db = await (await DuckDBInstance.create(':memory:')).connect();
const run = (sql) => db.run(sql);
const rows = async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJS();
const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;
await run("SET TimeZone = 'UTC'");

await run(`CREATE TABLE raw_line AS SELECT * FROM read_json(${sqlString(rawFile)},
  format = 'newline_delimited',
  columns = {stream: 'VARCHAR', source_key: 'VARCHAR', line_number: 'BIGINT', line: 'VARCHAR'})`);

// The event schema (docs/data-model.md): required fields per stream, and the integer fields.
const required = {
  listen_events: ['artist', 'song', 'duration', 'auth'],
  page_view_events: ['page', 'auth', 'method', 'status'],
  auth_events: ['success'],
  status_change_events: ['auth'],
};
const common = ['ts', 'sessionId', 'level', 'itemInSession', 'city', 'zip', 'state', 'userAgent', 'lon', 'lat'];
const integers = ['ts', 'sessionId', 'itemInSession', 'userId', 'status', 'registration'];
const present = (f) => `coalesce(json_type(line, '$.${f}'), 'NULL') <> 'NULL'`;
const integer = (f) => `coalesce(json_type(line, '$.${f}'), 'NULL') IN ('NULL', 'BIGINT', 'UBIGINT')`;
const goodWhen = streams.map((s) => `(stream = '${s}' AND ${[...common, ...required[s]].map(present).join(' AND ')})`);

await run(`CREATE TABLE json_object AS
  SELECT * FROM raw_line WHERE json_valid(line) AND json_type(line) = 'OBJECT'`);
await run(`CREATE TABLE good_line AS
  SELECT * FROM json_object WHERE (${goodWhen.join(' OR ')}) AND ${integers.map(integer).join(' AND ')}`);
await run(`CREATE TABLE bad_line AS
  SELECT * FROM raw_line EXCEPT ALL SELECT * FROM good_line`);

// One row per event identity; NULL userIds are equal to each other in DISTINCT.
await run(`CREATE TABLE event AS SELECT DISTINCT stream,
    json_extract(line, '$.ts')::BIGINT AS ts,
    json_extract(line, '$.sessionId')::BIGINT AS session_id,
    json_extract(line, '$.itemInSession')::BIGINT AS item_in_session,
    json_extract(line, '$.userId')::BIGINT AS user_id
  FROM good_line`);

const problems = [];
const identity = `ts || '|' || session_id || '|' || item_in_session || '|' || coalesce(user_id::VARCHAR, '-')`;
const writeLines = (file, lines) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
};
const summary = { streams: {} };
for (const stream of streams) {
  const want = (await rows(`SELECT ${identity} AS id FROM event WHERE stream = '${stream}'
    ORDER BY id`)).map((r) => r.id);
  writeLines(path.join(args.out, 'expected', `${stream}.txt`), want);
  writeLines(path.join(args.out, 'clean', `${stream}.jsonl`),
    (await rows(`SELECT line FROM good_line WHERE stream = '${stream}'`)).map((r) => r.line));

  const parquet = sqlString(path.join(args.lake, 'silver', stream, '*', '*.parquet'));
  await run(`CREATE OR REPLACE TABLE silver AS
    SELECT * FROM read_parquet(${parquet}, hive_partitioning = true)`);
  const got = (await rows(`SELECT epoch_ms(ts) || '|' || session_id || '|' || item_in_session
      || '|' || coalesce(user_id::VARCHAR, '-') AS id FROM silver ORDER BY id`)).map((r) => r.id);
  writeLines(path.join(args.out, 'silver', `${stream}.txt`), got);
  if (got.join('\n') !== want.join('\n')) {
    const g = new Set(got);
    const w = new Set(want);
    problems.push(`silver ${stream}: ${got.length} rows, expected ${want.length}; missing ` +
      `${want.filter((x) => !g.has(x)).slice(0, 3)}; unexpected ${got.filter((x) => !w.has(x)).slice(0, 3)}`);
  }
  const [check] = await rows(`SELECT count(*)::INTEGER AS n,
      count(DISTINCT event_key)::INTEGER AS keys,
      count(*) FILTER (WHERE event_date::DATE <> ts::DATE)::INTEGER AS misplaced,
      count(*) FILTER (WHERE source_key NOT LIKE 'Raw/${stream}/%')::INTEGER AS foreign_source
    FROM silver`);
  if (check.keys !== check.n) problems.push(`silver ${stream}: ${check.n} rows, ${check.keys} event keys`);
  if (check.misplaced) problems.push(`silver ${stream}: ${check.misplaced} rows outside their event_date partition`);
  if (check.foreign_source) problems.push(`silver ${stream}: ${check.foreign_source} rows from another stream's objects`);
  summary.streams[stream] = want.length;
}

// Quarantine: exactly the oracle's bad lines, each once, with the expected reasons.
const quarantined = sqlString(path.join(args.lake, 'quarantine', '*', '*', '*.jsonl'));
await run(`CREATE TABLE quarantine AS SELECT source_key, line_number::BIGINT AS line_number, reason
  FROM read_json(${quarantined}, format = 'newline_delimited')`);
const mismatched = await rows(`
  (SELECT 'not quarantined' AS problem, source_key, line_number FROM bad_line
   EXCEPT ALL SELECT 'not quarantined', source_key, line_number FROM quarantine)
  UNION ALL
  (SELECT 'quarantined but valid', source_key, line_number FROM quarantine
   EXCEPT ALL SELECT 'quarantined but valid', source_key, line_number FROM bad_line)`);
for (const m of mismatched) problems.push(`quarantine: ${m.problem}: ${m.source_key} line ${m.line_number}`);
const reasons = Object.fromEntries((await rows(`SELECT reason, count(*)::INTEGER AS n FROM quarantine
  GROUP BY reason ORDER BY reason`)).map((r) => [r.reason, r.n]));
if (JSON.stringify(reasons) !== JSON.stringify(Object.fromEntries(Object.entries(expected.quarantine).sort()))) {
  problems.push(`quarantine reasons ${JSON.stringify(reasons)}, expected ${JSON.stringify(expected.quarantine)}`);
}
summary.quarantined = Object.values(reasons).reduce((a, b) => a + b, 0);
summary.raw_lines = rawLines.length;

console.log(JSON.stringify(summary));
if (problems.length > 0) {
  for (const p of problems) console.error(`oracle: ${p}`);
  process.exit(1);
}
