// The silver tables' columns, as Glue/Athena types. Mirrors the schema table in
// src/event/schema.cc (field order and per-stream field lists); test/schema.test.ts parses that
// file and fails when the two drift. `tributary catalog --dialect athena` prints the same DDL.

export const STREAMS = ['listen_events', 'page_view_events', 'auth_events', 'status_change_events'] as const;
export type Stream = (typeof STREAMS)[number];

type GlueType = 'string' | 'int' | 'bigint' | 'double' | 'boolean' | 'timestamp';

/** snake_case column -> Glue type, for every field the event schema knows. */
export const FIELD_TYPES: Record<string, GlueType> = {
  artist: 'string',
  song: 'string',
  duration: 'double',
  ts: 'timestamp',
  session_id: 'bigint',
  page: 'string',
  auth: 'string',
  method: 'string',
  status: 'int',
  level: 'string',
  item_in_session: 'int',
  city: 'string',
  zip: 'string',
  state: 'string',
  user_agent: 'string',
  lon: 'double',
  lat: 'double',
  user_id: 'bigint',
  last_name: 'string',
  first_name: 'string',
  gender: 'string',
  registration: 'timestamp',
  success: 'boolean',
  tag: 'string',
};

const COMMON = ['ts', 'session_id', 'level', 'item_in_session', 'city', 'zip', 'state', 'user_agent',
  'lon', 'lat', 'user_id', 'last_name', 'first_name', 'gender', 'registration'];

/** Per stream, the event fields that are silver columns (required and optional alike). */
export const STREAM_FIELDS: Record<Stream, string[]> = {
  listen_events: ['artist', 'song', 'duration', 'auth', ...COMMON, 'tag'],
  page_view_events: ['page', 'auth', 'method', 'status', ...COMMON, 'artist', 'song', 'duration', 'tag'],
  auth_events: [...COMMON, 'success', 'tag'],
  status_change_events: ['auth', ...COMMON, 'tag'],
};

/** Columns every silver table adds: identity, lineage, and the fields the schema does not know. */
export const LINEAGE_COLUMNS: { name: string; type: GlueType; comment: string }[] = [
  { name: 'event_key', type: 'string', comment: 'identity: hash of (stream, ts, sessionId, itemInSession, userId)' },
  { name: 'source_key', type: 'string', comment: 'raw object key the event came from' },
  { name: 'extra', type: 'string', comment: 'JSON object of fields the schema does not know' },
];

export function silverColumns(stream: Stream): { name: string; type: GlueType; comment?: string }[] {
  return [
    ...STREAM_FIELDS[stream].map((name) => ({ name, type: FIELD_TYPES[name] })),
    ...LINEAGE_COLUMNS,
  ];
}
