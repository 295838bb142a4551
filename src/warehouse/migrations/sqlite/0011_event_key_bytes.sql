-- Deduplication keys as 16-byte BLOBs instead of 32 hex digits, and no per-key batch column.
--
-- ingest_event_key is written for every event ever committed, so its width is the ingester's
-- largest per-event cost: half the bytes per key means twice the keys per B-tree page and half
-- the bytes compared at each step of a search. `unhex` is SQLite's (3.41+) or, on older
-- libraries, the same function registered by tributary's connection (sqlite_connection.cc).
--
-- The batch column and its index served one rare reader: republishing a batch committed but not
-- published when a worker died. That batch's new keys now travel with the batch itself
-- (ingest_batch.new_event_keys, the concatenated hex keys) and are dropped once it is published,
-- so the cost is per batch, not per event.
ALTER TABLE ingest_batch ADD COLUMN new_event_keys TEXT;
UPDATE ingest_batch SET new_event_keys = (
  SELECT coalesce(group_concat(event_key, ''), '')
  FROM (SELECT k.event_key FROM ingest_event_key k
        WHERE k.batch_id = ingest_batch.batch_id ORDER BY k.event_key))
WHERE status = 'committed';

CREATE TABLE ingest_event_key_bytes (
  event_key       BLOB    PRIMARY KEY
) STRICT, WITHOUT ROWID;
INSERT INTO ingest_event_key_bytes (event_key) SELECT unhex(event_key) FROM ingest_event_key;
DROP TABLE ingest_event_key;
ALTER TABLE ingest_event_key_bytes RENAME TO ingest_event_key;
