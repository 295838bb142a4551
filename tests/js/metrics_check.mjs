// Checks a /metrics scrape: it parses as Prometheus text format 0.0.4 (parse-prometheus-text-format,
// plus the rules that parser does not enforce), names follow Prometheus conventions, and the
// counters equal what the known run did (--expect, written by tests/server/status_page_test.sh).
//
//   node metrics_check.mjs --metrics scrape.txt --expect expect.json
//
// expect.json: {"per_stream": {"<stream>": {"objects","lines","new","duplicates","bytes_read"}},
//               "quarantined": {"<reason>": n}, "quarantined_total": n, "discovered": n}
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { expectEqual } from './browser.mjs';

const { values: args } = parseArgs({ options: { metrics: { type: 'string' }, expect: { type: 'string' } } });
const text = fs.readFileSync(args.metrics, 'utf8');
const expect = JSON.parse(fs.readFileSync(args.expect, 'utf8'));

// 1. The grammar, line by line.
const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const labels = `\\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"(?:,|(?=\\})))*\\}`;
const sample = new RegExp(`^${name}(?:${labels})? (?:[-+]?[0-9.eE+-]+|NaN|[+-]Inf)$`);
const declared = new Map();
for (const line of text.split('\n')) {
  if (line === '') continue;
  let m;
  if ((m = line.match(/^# HELP (\S+) .+$/))) continue;
  if ((m = line.match(/^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/))) {
    if (declared.has(m[1])) throw new Error(`TYPE declared twice for ${m[1]}`);
    declared.set(m[1], m[2]);
    continue;
  }
  if (!sample.test(line)) throw new Error(`not a Prometheus sample line: ${line}`);
}
if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');

// 2. The parser, and naming conventions.
const families = parsePrometheusTextFormat(text);
const byName = new Map(families.map((f) => [f.name, f]));
for (const f of families) {
  if (!f.name.startsWith('tributary_')) throw new Error(`${f.name}: no tributary_ prefix`);
  if (!f.help) throw new Error(`${f.name}: no HELP`);
  if (f.type === 'COUNTER' && !f.name.endsWith('_total')) throw new Error(`${f.name}: counter without _total`);
  if (f.type !== 'COUNTER' && f.name.endsWith('_total')) throw new Error(`${f.name}: _total on a ${f.type}`);
  if (/seconds/.test(f.name) === false && /duration|latency|lag/.test(f.name)) {
    throw new Error(`${f.name}: a duration not in seconds`);
  }
}

// Histograms, from the raw lines: parse-prometheus-text-format 1.1.1 merges the series of a
// labelled histogram into one, so buckets, _sum and _count are grouped here by their labels.
const histograms = new Map();  // "<family>{<labels but le>}" -> {buckets: [[le, n]], count}
for (const line of text.split('\n')) {
  const m = line.match(/^(\w+)_(bucket|sum|count)(?:\{(.*)\})? (\S+)$/);
  if (!m || declared.get(m[1]) !== 'histogram') continue;
  const labelPairs = [...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)];
  const le = labelPairs.find(([, k]) => k === 'le')?.[2];
  const key = m[1] + '{' + labelPairs.filter(([, k]) => k !== 'le').map(([p]) => p).join(',') + '}';
  if (!histograms.has(key)) histograms.set(key, { buckets: [], count: null, sum: null });
  const h = histograms.get(key);
  if (m[2] === 'bucket') h.buckets.push([le === '+Inf' ? Infinity : Number(le), Number(m[4])]);
  else h[m[2]] = Number(m[4]);
}
for (const [key, h] of histograms) {
  for (let i = 1; i < h.buckets.length; i++) {
    if (!(h.buckets[i][0] > h.buckets[i - 1][0])) throw new Error(`${key}: bounds not increasing`);
    if (h.buckets[i][1] < h.buckets[i - 1][1]) throw new Error(`${key}: buckets not cumulative`);
  }
  const inf = h.buckets.at(-1);
  if (!inf || inf[0] !== Infinity || inf[1] !== h.count) throw new Error(`${key}: +Inf bucket != _count`);
  if (h.sum === null || !(h.sum >= 0)) throw new Error(`${key}: no _sum`);
}

// 3. The counters of the known run.
function value(family, want = {}) {
  const f = byName.get(family);
  if (!f) throw new Error(`metric ${family} missing`);
  if (f.type === 'HISTOGRAM') {
    return [...histograms].filter(([k]) => k.startsWith(family + '{')).reduce((a, [, h]) => a + h.count, 0);
  }
  let total = 0;
  for (const m of f.metrics) {
    if (Object.entries(want).every(([k, v]) => m.labels?.[k] === v)) total += Number(m.value ?? m.count);
  }
  return total;
}
expectEqual(value('tributary_objects_discovered_total'), expect.discovered, 'objects discovered');
for (const [stream, e] of Object.entries(expect.per_stream)) {
  const s = { stream };
  expectEqual(value('tributary_objects_committed_total', s), e.objects, `${stream} objects committed`);
  expectEqual(value('tributary_objects_vanished_total', s), 0, `${stream} objects vanished`);
  expectEqual(value('tributary_lines_read_total', s), e.lines, `${stream} lines read`);
  expectEqual(value('tributary_events_total', { stream, outcome: 'new' }), e.new, `${stream} new events`);
  expectEqual(value('tributary_events_total', { stream, outcome: 'duplicate' }), e.duplicates, `${stream} duplicates`);
  expectEqual(value('tributary_bytes_read_total', s), e.bytes_read, `${stream} bytes read`);
  if (!(value('tributary_bytes_written_total', s) > 0)) throw new Error(`${stream}: no bytes written`);
}
for (const [reason, n] of Object.entries(expect.quarantined)) {
  expectEqual(value('tributary_events_quarantined_total', { reason }), n, `quarantined ${reason}`);
}
expectEqual(value('tributary_events_quarantined_total'), expect.quarantined_total, 'quarantined');
expectEqual(value('tributary_objects_pending'), 0, 'objects pending');
const batches = value('tributary_batch_duration_seconds');
if (!(batches >= Object.keys(expect.per_stream).length)) throw new Error(`batches: ${batches}`);
expectEqual(value('tributary_commit_duration_seconds'), batches, 'one commit per batch');
const loads = value('tributary_warehouse_load_duration_seconds');
if (!(loads >= Object.keys(expect.per_stream).length && loads <= batches)) {
  throw new Error(`warehouse loads: ${loads} for ${batches} batches`);
}
if (byName.has('tributary_batches_failed_total')) {
  expectEqual(value('tributary_batches_failed_total'), 0, 'failed batches');
}
console.log(`metrics: ${families.length} families parse; counters match the run (${batches} batches)`);
