-- Deduplication keys grouped by stream and 15 minutes of event time (src/ingest/committed_keys.h).
--
-- One row of ingest_event_key per committed event, keyed by a random 128-bit hash, made every
-- batch insert into pages spread over the whole index: its cost per event grew with the history.
-- A slot row holds the sorted keys of its 15 minutes, so a batch locks, reads and writes the few
-- slots its events fall in. The keys are random bytes: EXTERNAL storage skips the compression
-- attempt TOAST would make on them.
--
-- The keys committed before this migration carry no event time, so they cannot be placed in a
-- slot: they stay, renamed, and are looked up while the table holds any row.
CREATE TABLE ingest_key_group (
  stream          text   NOT NULL,
  slot            bigint NOT NULL,
  keys            bytea  NOT NULL,
  PRIMARY KEY (stream, slot)
);
ALTER TABLE ingest_key_group ALTER COLUMN keys SET STORAGE EXTERNAL;

ALTER TABLE ingest_event_key RENAME TO ingest_event_key_legacy;
ALTER INDEX ingest_event_key_pkey RENAME TO ingest_event_key_legacy_pkey;
