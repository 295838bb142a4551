// Decodes an Avro object container file with avsc (an independent Avro implementation) and prints
// it as one JSON document, so C++ tests can compare what they wrote with what a reader sees.
//
//   node read_avro.mjs FILE
//
// Output: {"codec": "...", "schema": <the header's schema JSON>, "metadata": {key: utf-8 value}
// (keys other than avro.*), "records": [...]}. avsc decodes every value by the header's schema;
// values are normalised for JSON: longs as decimal strings (read as BigInt, so no precision is
// lost), bytes and fixed as "hex:..." strings, non-finite doubles and -0 as strings ("NaN",
// "Infinity", "-Infinity", "-0"). Records print as objects in field order, unions of null and one
// type as the value or null, Iceberg's maps (arrays of key/value records) as arrays.
import avro from 'avsc'
import { bigLong } from './avro_long.mjs'


function normalise(v) {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN'
    if (v === Infinity) return 'Infinity'
    if (v === -Infinity) return '-Infinity'
    if (Object.is(v, -0)) return '-0'
    return v
  }
  if (Buffer.isBuffer(v)) return 'hex:' + v.toString('hex')
  if (Array.isArray(v)) return v.map(normalise)
  if (typeof v === 'object') {
    const out = {}
    for (const [k, x] of Object.entries(v)) out[k] = normalise(x)
    return out
  }
  return v
}

const file = process.argv[2]
let header
const records = []
await new Promise((resolve, reject) => {
  avro.createFileDecoder(file, {
    // Every long, bare or annotated (e.g. timestamp-micros), reads as a BigInt.
    parseHook: schema => avro.Type.forSchema(schema, {
      typeHook: s => (s === 'long' || s?.type === 'long' ? bigLong : undefined),
    }),
  })
    .on('metadata', (type, codec, h) => { header = { codec, meta: h.meta } })
    .on('data', r => records.push(normalise(r)))
    .on('error', reject)
    .on('end', resolve)
})
const metadata = {}
for (const [k, v] of Object.entries(header.meta)) {
  if (!k.startsWith('avro.')) metadata[k] = v.toString('utf8')
}
process.stdout.write(JSON.stringify({
  codec: header.codec,
  schema: JSON.parse(header.meta['avro.schema'].toString('utf8')),
  metadata,
  records,
}))
