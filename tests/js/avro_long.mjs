// avsc's long type read as BigInt: Iceberg's snapshot ids use all 63 bits, more than a JavaScript
// number holds exactly. Shared by the Avro readers of the tests (read_avro.mjs, iceberg_check.mjs).
import avro from 'avsc'

export const bigLong = avro.types.LongType.__with({
  fromBuffer: buf => buf.readBigInt64LE(),
  toBuffer: n => {
    const buf = Buffer.alloc(8)
    buf.writeBigInt64LE(BigInt(n))
    return buf
  },
  fromJSON: BigInt,
  toJSON: n => n.toString(),
  isValid: n => typeof n === 'bigint',
  compare: (a, b) => (a === b ? 0 : a < b ? -1 : 1),
})
