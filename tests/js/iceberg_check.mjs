// Checks a lake's silver Iceberg tables against the e2e oracle, with readers independent of
// tributary: icebird reads each table through metadata/version-hint.text (iceberg_read.mjs),
// DuckDB reads the data files its manifests list, avsc decodes the manifests.
//
//   node iceberg_check.mjs LAKE_DIR LAKE_URI ORACLE_DIR STREAM...
//
// LAKE_DIR is a local copy of the lake (or the file:// lake itself), LAKE_URI the lake's URI as
// tributary wrote it into the metadata, ORACLE_DIR the --out of ingest_oracle.mjs. For every
// stream: icebird's rows, by event identity "ts|session_id|item_in_session|user_id or -", equal
// ORACLE_DIR/expected/<stream>.txt (no row missing, none twice); DuckDB over the listed data files
// reads the same rows; and every manifest of the current snapshot is an Avro file whose schema
// gives data_file its Iceberg field id (2) and whose entries' partition is ts_day. Exits 1 with
// the differences, 0 when all agree.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import avro from 'avsc'
import { bigLong } from './avro_long.mjs'

const [lakeDir, lakeUri, oracleDir, ...streams] = process.argv.slice(2)
if (!lakeDir || !lakeUri || !oracleDir || streams.length === 0) {
  console.error('usage: node iceberg_check.mjs LAKE_DIR LAKE_URI ORACLE_DIR STREAM...')
  process.exit(2)
}
const here = path.dirname(fileURLToPath(import.meta.url))
const problems = []
const summary = {}

function identity(table, row) {
  const at = (name) => row[table.columns.indexOf(name)]
  return `${at('ts')}|${at('session_id')}|${at('item_in_session')}|${at('user_id') ?? '-'}`
}

// The lake-relative path of a URI the metadata names.
function local(uri) {
  const prefix = lakeUri.endsWith('/') ? lakeUri : `${lakeUri}/`
  if (!uri.startsWith(prefix)) throw new Error(`${uri} is outside the lake ${lakeUri}`)
  return path.join(lakeDir, uri.slice(prefix.length))
}



// Every record of the Avro container `file`, and its writer schema as the header states it
// (with Iceberg's field-id attributes).
function decodeAll(file) {
  return new Promise((resolve, reject) => {
    const rows = []
    let schema
    avro.createFileDecoder(file, {
      parseHook: s => avro.Type.forSchema(s, {
        typeHook: t => (t === 'long' || t?.type === 'long' ? bigLong : undefined),
      }),
    })
      .on('metadata', (type, codec, h) => { schema = JSON.parse(h.meta['avro.schema'].toString('utf8')) })
      .on('data', (r) => rows.push(r))
      .on('end', () => resolve({ schema, rows }))
      .on('error', reject)
  })
}

async function manifestProblems(stream) {
  const dir = path.join(lakeDir, 'silver', stream, 'metadata')
  const version = readFileSync(path.join(dir, 'version-hint.text'), 'utf8').trim()
  const metadata = JSON.parse(readFileSync(path.join(dir, `v${version}.metadata.json`), 'utf8'))
  const snapshot = metadata.snapshots.find(s => s['snapshot-id'] === metadata['current-snapshot-id'])
  const out = []
  const list = await decodeAll(local(snapshot['manifest-list']))
  if (list.rows.length === 0) out.push(`${stream}: the current snapshot lists no manifest`)
  for (const m of list.rows) {
    const manifest = await decodeAll(local(m.manifest_path))
    const dataFile = manifest.schema.fields.find(f => f.name === 'data_file')
    if (dataFile?.['field-id'] !== 2) {
      out.push(`${stream}: manifest ${m.manifest_path}: data_file has field-id ${dataFile?.['field-id']}, not 2`)
    }
    const partition = dataFile?.type?.fields?.find(f => f.name === 'partition')
    const day = partition?.type?.fields?.find(f => f.name === 'ts_day')
    if (day?.['field-id'] !== 1000) {
      out.push(`${stream}: manifest ${m.manifest_path}: no partition field ts_day with field-id 1000`)
    }
    for (const e of manifest.rows) {
      if (e.status !== 2 && !e.data_file.file_path.startsWith(`${lakeUri}/silver/${stream}/event_date=`)) {
        out.push(`${stream}: manifest ${m.manifest_path} lists ${e.data_file.file_path} outside the table`)
      }
    }
  }
  return out
}

// iceberg_read.mjs serves an s3:// table from a directory shaped like its bucket: for a lake
// under a key prefix, a link at <bucket dir>/<prefix> to the local copy.
let bucketDir = lakeDir
if (lakeUri.startsWith('s3://')) {
  const rest = lakeUri.slice(5)
  const prefix = rest.includes('/') ? rest.slice(rest.indexOf('/') + 1) : ''
  if (prefix !== '') {
    bucketDir = mkdtempSync(path.join(os.tmpdir(), 'iceberg-check-'))
    process.on('exit', () => rmSync(bucketDir, { recursive: true, force: true }))
    mkdirSync(path.dirname(path.join(bucketDir, prefix)), { recursive: true })
    symlinkSync(path.resolve(lakeDir), path.join(bucketDir, prefix))
  }
}

for (const stream of streams) {
  const read = JSON.parse(execFileSync('node', [path.join(here, 'iceberg_read.mjs'), bucketDir,
    `${lakeUri}/silver/${stream}`], { maxBuffer: 1 << 30 }).toString())
  const got = read.icebird.rows.map(r => identity(read.icebird, r)).sort()
  const want = readFileSync(path.join(oracleDir, 'expected', `${stream}.txt`), 'utf8')
    .split('\n').filter(l => l !== '').sort()
  const g = new Set(got)
  const w = new Set(want)
  if (got.length !== want.length || g.size !== got.length || want.some(x => !g.has(x))) {
    problems.push(`${stream}: icebird read ${got.length} rows (${g.size} distinct), expected ` +
      `${want.length}; missing ${want.filter(x => !g.has(x)).slice(0, 3)}; unexpected ` +
      `${got.filter(x => !w.has(x)).slice(0, 3)}`)
  }
  const duck = read.duckdb.rows.map(r => identity(read.duckdb, r)).sort()
  if (JSON.stringify(duck) !== JSON.stringify(got)) {
    problems.push(`${stream}: DuckDB over the ${read.data_files.length} listed files reads ${duck.length} rows, icebird ${got.length}`)
  }
  problems.push(...await manifestProblems(stream))
  summary[stream] = { rows: got.length, data_files: read.data_files.length }
}
if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}
process.stdout.write(JSON.stringify(summary) + '\n')
