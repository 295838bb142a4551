-- Deduplication keys grouped by stream and 15 minutes of event time (src/ingest/committed_keys.h).
--
-- One row of ingest_event_key per committed event, keyed by a random 128-bit hash, made every
-- batch insert into pages spread over the whole index: its cost per event grew with the history
-- and was the largest share of a run's time after file creation. A slot row holds the sorted keys
-- of its 15 minutes, so a batch reads and writes the few slots its events fall in.
--
-- The keys committed before this migration carry no event time, so they cannot be placed in a
-- slot: they stay, renamed, and are looked up while the table holds any row.
CREATE TABLE ingest_key_group (
  stream          TEXT    NOT NULL,
  slot            INTEGER NOT NULL,
  keys            BLOB    NOT NULL,
  PRIMARY KEY (stream, slot)
) STRICT;

ALTER TABLE ingest_event_key RENAME TO ingest_event_key_legacy;
