-- Deduplication keys as 16 bytes instead of 32 hex digits, and no per-key batch column.
--
-- ingest_event_key is written for every event ever committed, so its width is the ingester's
-- largest per-event cost. XXH3-128 keys are 128-bit values: PostgreSQL's uuid type stores them in
-- 16 fixed bytes and compares them with one memcmp (they are not UUIDs; the type is only their
-- container), and it reads the same 32 hex digits the decoder prints.
--
-- The batch column and its index served one rare reader: republishing a batch committed but not
-- published when a worker died. That batch's new keys now travel with the batch itself
-- (ingest_batch.new_event_keys, the concatenated hex keys) and are dropped once it is published,
-- so the cost is per batch, not per event.
ALTER TABLE ingest_batch ADD COLUMN new_event_keys TEXT;
UPDATE ingest_batch b SET new_event_keys = (
  SELECT coalesce(string_agg(k.event_key, '' ORDER BY k.event_key), '')
  FROM ingest_event_key k WHERE k.batch_id = b.batch_id)
WHERE b.status = 'committed';

DROP INDEX ingest_event_key_batch;
ALTER TABLE ingest_event_key
  DROP COLUMN batch_id,
  ALTER COLUMN event_key TYPE uuid USING event_key::uuid;
