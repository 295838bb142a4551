// Reads a Parquet file with an independent reader and prints it as one JSON document, so C++ tests
// can compare values read back with values written.
//
//   node read_parquet.mjs duckdb|hyparquet FILE
//   node read_parquet.mjs metadata FILE    (hyparquet's parse of the footer, BigInts as strings)
//   node read_parquet.mjs pageindex FILE COLUMN   (per row group: that column's OffsetIndex and
//                                                  ColumnIndex, timestamps as epoch ms)
//
// Timestamps print as epoch milliseconds whether the file stores milliseconds or microseconds
// (silver files store whole milliseconds as microseconds).
//
// Output: {"columns":[name...],"rows":[[value...]...]}. Values are normalised so both readers print
// the same text: integers and timestamps (epoch milliseconds) as decimal strings, doubles as JSON
// numbers, strings (and JSON columns, as their raw text) as strings, booleans, null. A file is
// read alone: no columns are added from Hive-style directory names.
import { readFile } from 'node:fs/promises'
import { DuckDBInstance } from '@duckdb/node-api'
import {
  parquetMetadata, parquetReadObjects, parquetSchema, readColumnIndex, readOffsetIndex,
} from 'hyparquet'
import { compressors } from 'hyparquet-compressors'

function normalise(v) {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return v.toString()
  return v
}

async function readWithDuckDB(file) {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  const described = await connection.runAndReadAll(
    'DESCRIBE SELECT * FROM read_parquet($1, hive_partitioning = false)', [file])
  const columns = described.getRowObjectsJS().map(r => ({ name: r.column_name, type: r.column_type }))
  const select = columns.map(({ name, type }) => {
    const id = '"' + name.replaceAll('"', '""') + '"'
    if (type.startsWith('TIMESTAMP')) return `epoch_ms(${id})::VARCHAR`
    if (['BIGINT', 'INTEGER', 'JSON'].includes(type)) return `${id}::VARCHAR`
    return id
  })
  const result = await connection.runAndReadAll(
    `SELECT ${select.join(', ')} FROM read_parquet($1, hive_partitioning = false)`, [file])
  const rows = result.getRowsJS().map(row => row.map(normalise))
  connection.closeSync()
  return { columns: columns.map(c => c.name), rows }
}

async function readWithHyparquet(file) {
  const bytes = await readFile(file)
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  const metadata = parquetMetadata(buffer)
  const columns = parquetSchema(metadata).children.map(c => c.element.name)
  const decoder = new TextDecoder()
  const objects = await parquetReadObjects({
    file: buffer,
    compressors,
    parsers: {
      timestampFromMilliseconds: v => v.toString(),
      timestampFromMicroseconds: v => (v / 1000n).toString(),
      jsonFromBytes: b => decoder.decode(b),
    },
  })
  const types = Object.fromEntries(metadata.schema.slice(1).map(e => [e.name, e.type]))
  const rows = objects.map(o => columns.map(c => {
    const v = o[c]
    return types[c] === 'INT32' && v !== null && v !== undefined ? String(v) : normalise(v)
  }))
  return { columns, rows }
}

async function readMetadata(file) {
  const bytes = await readFile(file)
  return parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
}

async function readPageIndex(file, column) {
  const bytes = await readFile(file)
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
  const metadata = parquetMetadata(buffer)
  const schema = metadata.schema.find(e => e.name === column)
  if (!schema) throw new Error(`no column ${column}`)
  const at = (offset, length) => ({ view: new DataView(buffer, Number(offset), length), offset: 0 })
  return metadata.row_groups.map(rg => {
    const chunk = rg.columns.find(c => c.meta_data.path_in_schema[0] === column)
    const offsets = readOffsetIndex(at(chunk.offset_index_offset, chunk.offset_index_length))
    const index = chunk.column_index_offset === undefined ? null : readColumnIndex(
      at(chunk.column_index_offset, chunk.column_index_length), schema,
      {
        timestampFromMilliseconds: v => v.toString(),
        timestampFromMicroseconds: v => (v / 1000n).toString(),
      })
    return { offset_index: offsets.page_locations, column_index: index }
  })
}

const readers = {
  duckdb: readWithDuckDB, hyparquet: readWithHyparquet, metadata: readMetadata,
  pageindex: readPageIndex,
}
const [reader, file, column] = process.argv.slice(2)
if (!file || !(reader in readers)) {
  console.error('usage: node read_parquet.mjs duckdb|hyparquet|metadata|pageindex FILE [COLUMN]')
  process.exit(2)
}
try {
  const out = await readers[reader](file, column)
  process.stdout.write(JSON.stringify(out, (_, v) => typeof v === 'bigint' ? v.toString() : v))
} catch (e) {
  console.error(`read_parquet: ${reader}: ${e.message}`)
  process.exit(1)
}
