-- A committed batch's new event keys (kept until it is published, for republishing after a
-- crash) as their 16 bytes each instead of 32 hex digits (the PostgreSQL migration of the same
-- number says why). The table is STRICT, so the BLOB takes a new column.
ALTER TABLE ingest_batch ADD COLUMN new_event_key_bytes BLOB;
UPDATE ingest_batch SET new_event_key_bytes = unhex(new_event_keys) WHERE new_event_keys IS NOT NULL;
ALTER TABLE ingest_batch DROP COLUMN new_event_keys;
ALTER TABLE ingest_batch RENAME COLUMN new_event_key_bytes TO new_event_keys;
