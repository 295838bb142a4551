// Reads a silver Iceberg table with icebird (an independent Iceberg reader) and the data files
// its current snapshot lists with DuckDB, and prints both as one JSON document.
//
//   node iceberg_read.mjs LAKE_DIR TABLE_URI [METADATA_FILE]
//
// TABLE_URI is the table's location as its metadata states it, s3://<bucket>/<key prefix> or
// file:///<LAKE_DIR>/<key prefix>. icebird resolves s3:// locations to
// https://<bucket>.s3.amazonaws.com/<key> and asks file:// ones as they are; a fetch shim serves
// those URLs from LAKE_DIR (the FileStore directory of that bucket or lake, key = relative path),
// honouring Range requests, and answers 404 for anything else: the test needs no network and no
// server, and every request icebird makes goes through the shim. Without METADATA_FILE icebird
// finds the current version through metadata/version-hint.text; with it (e.g. v2.metadata.json)
// it reads that version (time travel).
//
// Output: {"icebird": TABLE, "duckdb": TABLE, "data_files": [URI...]} where TABLE is
// {"columns":[name...],"rows":[[value...]...]}, values normalised as read_parquet.mjs prints
// them: integers and timestamps (epoch milliseconds) as decimal strings, doubles as numbers,
// strings and JSON as text, booleans, null. data_files are the live entries of the snapshot's
// manifests as icebird decoded them.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { icebergManifests, icebergMetadata, icebergRead, icebergLatestVersion } from 'icebird'

const [lakeDir, tableUri, metadataArg] = process.argv.slice(2)
if (!lakeDir || !(tableUri?.startsWith('s3://') || tableUri?.startsWith('file:///'))) {
  console.error('usage: node iceberg_read.mjs LAKE_DIR s3://BUCKET/TABLE|file:///LAKE_DIR/TABLE [METADATA_FILE]')
  process.exit(2)
}
// The URL prefix a key of the lake follows, as icebird asks for it, and the same as the
// metadata writes it.
const fileLake = tableUri.startsWith('file://')
const bucket = fileLake ? '' : tableUri.slice(5, tableUri.indexOf('/', 5))
const origin = fileLake ? `file://${path.resolve(lakeDir)}/` : `https://${bucket}.s3.amazonaws.com/`
const written = fileLake ? origin : `s3://${bucket}/`

function localPath(url) {
  if (!url.startsWith(origin)) return null
  const key = decodeURIComponent(url.slice(origin.length))
  const file = path.resolve(lakeDir, key)
  return file.startsWith(path.resolve(lakeDir) + path.sep) ? file : null
}

globalThis.fetch = async (input, init = {}) => {
  const url = typeof input === 'string' ? input : input.url
  const file = localPath(url)
  let bytes
  try {
    if (file === null) throw new Error('outside the lake')
    bytes = await readFile(file)
  } catch {
    return new Response(null, { status: 404, statusText: 'Not Found' })
  }
  const headers = new Headers(init.headers)
  const range = headers.get('range')
  if (range) {
    const m = /^bytes=(\d+)-(\d*)$/.exec(range)
    if (!m) return new Response(null, { status: 416 })
    const start = Number(m[1])
    const end = m[2] === '' ? bytes.length : Math.min(bytes.length, Number(m[2]) + 1)
    return new Response(bytes.subarray(start, end), {
      status: 206,
      headers: { 'content-length': String(end - start) },
    })
  }
  return new Response(bytes, { status: 200, headers: { 'content-length': String(bytes.length) } })
}

function normalise(v, type) {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof Date) return String(v.getTime())
  if (type === 'int') return String(v)
  if (typeof v === 'object') return JSON.stringify(v)
  return v
}

const tableUrl = tableUri
const metadataFileName = metadataArg ?? `${await icebergLatestVersion({ tableUrl })}.metadata.json`
const metadata = await icebergMetadata({ tableUrl, metadataFileName })
const schema = metadata.schemas.find(s => s['schema-id'] === metadata['current-schema-id'])
const columns = schema.fields.map(f => f.name)
const objects = await icebergRead({ tableUrl, metadata })
const icebird = {
  columns,
  rows: objects.map(o => schema.fields.map(f => normalise(o[f.name], f.type))),
}

const manifests = await icebergManifests(metadata)
const dataFiles = manifests.flatMap(m => m.entries)
  .filter(e => e.status !== 2)
  .map(e => e.data_file.file_path)

const instance = await DuckDBInstance.create(':memory:')
const connection = await instance.connect()
const locals = dataFiles.map(uri => localPath(origin + uri.slice(written.length)))
const list = '[' + locals.map(p => `'${p.replaceAll("'", "''")}'`).join(', ') + ']'
const select = schema.fields.map(f => {
  const id = '"' + f.name.replaceAll('"', '""') + '"'
  if (f.type === 'timestamptz') return `epoch_ms(${id})::VARCHAR`
  if (f.type === 'int' || f.type === 'long') return `${id}::VARCHAR`
  if (f.name === 'extra') return `${id}::VARCHAR`
  return id
})
const result = await connection.runAndReadAll(
  `SELECT ${select.join(', ')} FROM read_parquet(${list}, hive_partitioning = false)`)
const duckdb = {
  columns,
  rows: result.getRowsJS().map(row => row.map(v => (typeof v === 'bigint' ? v.toString() : v ?? null))),
}
connection.closeSync()

process.stdout.write(JSON.stringify({ icebird, duckdb, data_files: dataFiles }))
