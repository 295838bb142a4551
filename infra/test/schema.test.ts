// The Glue table columns (lib/silver-schema.ts) against the event schema the C++ decoder uses
// (src/event/schema.cc): same fields per stream, same snake_case names, compatible types.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIELD_TYPES, STREAMS, STREAM_FIELDS } from '../lib/silver-schema';

// dist/test/schema.test.js -> repository root
const schemaCc = path.resolve(__dirname, '../../../src/event/schema.cc');
const source = fs.readFileSync(schemaCc, 'utf8');

const GLUE_TYPE: Record<string, string> = {
  kString: 'string', kInt32: 'int', kInt64: 'bigint', kDouble: 'double', kBool: 'boolean', kTimestampMs: 'timestamp',
};

// {"sessionId", "session_id", kInt64, kNonNegative},
const fields = [...source.matchAll(/\{"(\w+)", "(\w+)", (k\w+), k\w+/g)].map((m) => ({
  json: m[1], column: m[2], type: GLUE_TYPE[m[3]],
}));
const byEnum = (name: string) => {
  // F::kSessionId -> the field whose JSON name is sessionId
  const json = name[1].toLowerCase() + name.slice(2);
  const f = fields.find((x) => x.json.toLowerCase() === json.toLowerCase());
  assert.ok(f, `schema.cc field for F::${name}`);
  return f.column;
};
const streamArrays: Record<string, string> = {
  listen_events: 'kListen', page_view_events: 'kPageView', auth_events: 'kAuthStream', status_change_events: 'kStatusChange',
};

describe('silver schema vs src/event/schema.cc', () => {
  it('parses the schema table', () => {
    assert.ok(fields.length >= 20, `only ${fields.length} fields parsed from ${schemaCc}`);
  });

  it('has the same column names and types', () => {
    assert.deepEqual(
      Object.fromEntries(fields.map((f) => [f.column, f.type])),
      FIELD_TYPES,
    );
  });

  for (const stream of STREAMS) {
    it(`lists the same fields for ${stream}`, () => {
      const m = source.match(new RegExp(`StreamField ${streamArrays[stream]}\\[\\] = \\{([^;]*)\\};`));
      assert.ok(m, `array ${streamArrays[stream]} in schema.cc`);
      const cols = [...m[1].matchAll(/F::(k\w+)/g)].map((x) => byEnum(x[1]));
      assert.deepEqual([...cols].sort(), [...STREAM_FIELDS[stream]].sort());
    });
  }
});
