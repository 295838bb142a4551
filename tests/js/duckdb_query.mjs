// Runs SQL statements in one in-memory DuckDB session and prints the last statement's rows as
// JSON, for tests that check what DuckDB sees (parquet_metadata(), catalog DDL, pruning).
//
//   node duckdb_query.mjs SQL...
//
// Output: [{column: value, ...}, ...]; BIGINT and other non-JSON values are printed as strings.
import { DuckDBInstance } from '@duckdb/node-api'

const statements = process.argv.slice(2)
if (statements.length === 0) {
  console.error('usage: node duckdb_query.mjs SQL...')
  process.exit(2)
}
try {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  let rows = []
  for (const sql of statements) {
    const result = await connection.runAndReadAll(sql)
    rows = result.getRowObjectsJson()
  }
  connection.closeSync()
  process.stdout.write(JSON.stringify(rows))
} catch (e) {
  console.error(`duckdb_query: ${e.message}`)
  process.exit(1)
}
