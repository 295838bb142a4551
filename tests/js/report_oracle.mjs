// The independent answer to `tributary report`: DuckDB reads the same raw JSON files, keeps one
// row per event identity (stream, ts, sessionId, itemInSession, userId or null), computes the
// three BI lists with the definitions of src/warehouse/report.h, and compares them with the JSON
// tributary printed.
//
//   node report_oracle.mjs --from DATE --to DATE --top N --report tributary.json \
//     --listens FILE... --page-views FILE...
// Exits 0 when they agree, 1 with the differences otherwise.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

// Names as the decoder repairs them (docs/data-model.md, "Names"), written here independently:
// while every character stands for one byte (Latin-1, or Windows-1252 at 0x80..0x9F) and those
// bytes are UTF-8, the name becomes them.
const windows1252 = [0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030,
  0x0160, 0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178];
function repairName(name) {
  for (;;) {
    if (!/[^\x00-\x7F]/.test(name)) return name;
    const bytes = [];
    for (const ch of name) {
      const c = ch.codePointAt(0);
      const b = c < 0x100 ? c : windows1252.indexOf(c) >= 0 ? 0x80 + windows1252.indexOf(c) : -1;
      if (b < 0) return name;
      bytes.push(b);
    }
    try {
      name = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    } catch {
      return name;
    }
  }
}

// Copies of the listen files with artist and song repaired, in `dir`.
function repairedListens(files, dir) {
  return files.map((file, i) => {
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => {
      const e = JSON.parse(l);
      for (const k of ['artist', 'song']) if (typeof e[k] === 'string') e[k] = repairName(e[k]);
      return JSON.stringify(e);
    });
    const out = path.join(dir, `listens-${i}.json`);
    writeFileSync(out, lines.join('\n') + '\n');
    return out;
  });
}

function parseArgs(argv) {
  const args = { listens: [], pageViews: [] };
  let list = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--listens') list = args.listens;
    else if (a === '--page-views') list = args.pageViews;
    else if (a.startsWith('--')) { args[a.slice(2)] = argv[++i]; list = null; }
    else if (list) list.push(a);
    else throw new Error(`unexpected argument ${a}`);
  }
  for (const k of ['from', 'to', 'top', 'report']) if (!args[k]) throw new Error(`--${k} is required`);
  return args;
}

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;
const fileList = (files) => `[${files.map(sqlString).join(', ')}]`;

async function oracle(args) {
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const from = Date.parse(`${args.from}T00:00:00Z`);
  const to = Date.parse(`${args.to}T00:00:00Z`);
  const top = Number(args.top);
  const load = async (table, files) => {
    // DISTINCT ON treats NULL userIds as equal: exactly the identity in the brief.
    await db.run(`CREATE TABLE ${table} AS SELECT DISTINCT ON (ts, sessionId, itemInSession, userId) *
      FROM read_json(${fileList(files)}, format = 'newline_delimited', union_by_name = true)
      WHERE ts >= ${from} AND ts < ${to}`);
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'report-oracle-'));
  try {
    await load('l', repairedListens(args.listens, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await load('p', args.pageViews);
  const rows = async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJS();
  const locations = await rows(`
    SELECT city, state, sum(pv)::INTEGER AS page_views, sum(li)::INTEGER AS listens,
           sum(sec) / 3600 AS listening_hours, count(DISTINCT userId)::INTEGER AS users,
           count(DISTINCT sessionId)::INTEGER AS sessions
    FROM (SELECT city, state, 1 AS pv, 0 AS li, 0.0::DOUBLE AS sec, userId, sessionId FROM p
          UNION ALL SELECT city, state, 0, 1, duration, userId, sessionId FROM l)
    GROUP BY city, state ORDER BY page_views DESC, listens DESC, city, state LIMIT ${top}`);
  const songs = await rows(`
    SELECT artist, song, count(*)::INTEGER AS plays, count(DISTINCT userId)::INTEGER AS listeners
    FROM l GROUP BY artist, song ORDER BY plays DESC, song, artist LIMIT ${top}`);
  const users = await rows(`
    SELECT userId::BIGINT AS user_id, arg_max(firstName, ts) AS first_name,
           arg_max(lastName, ts) AS last_name, count(*)::INTEGER AS plays,
           sum(duration) / 3600 AS hours
    FROM l WHERE userId IS NOT NULL GROUP BY userId
    ORDER BY hours DESC, first_name, last_name, user_id LIMIT ${top}`);
  for (const u of users) u.user_id = Number(u.user_id);
  return { from: args.from, to: args.to, top_locations: locations, top_songs: songs, user_listening: users };
}

// Equal, with doubles compared to a relative 1e-9 (sums in another order differ in the last bits).
function differences(expected, actual, path = '$', out = []) {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Math.abs(expected - actual) > 1e-9 * Math.max(1, Math.abs(expected))) out.push(`${path}: expected ${expected}, got ${actual}`);
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) out.push(`${path}: expected ${expected.length} rows, got ${actual.length}`);
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) differences(expected[i], actual[i], `${path}[${i}]`, out);
  } else if (expected && actual && typeof expected === 'object' && typeof actual === 'object') {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) differences(expected[k], actual[k], `${path}.${k}`, out);
  } else if (expected !== actual) {
    out.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const expected = await oracle(args);
const actual = JSON.parse(readFileSync(args.report, 'utf8'));
const diff = differences(expected, actual);
const rowCount = expected.top_locations.length + expected.top_songs.length + expected.user_listening.length;
if (diff.length > 0) {
  console.error(`report differs from DuckDB over the raw JSON (${diff.length} differences):`);
  for (const d of diff.slice(0, 20)) console.error(`  ${d}`);
  process.exit(1);
}
console.log(`report ${args.from}..${args.to} top ${args.top}: agrees with DuckDB (${rowCount} rows)`);
