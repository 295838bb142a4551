-- A committed batch's new event keys (kept until it is published, for republishing after a
-- crash) as their 16 bytes each instead of 32 hex digits. Every batch writes them and its
-- publication clears them, so their size is churn in the table's TOAST storage, which vacuum
-- reclaims only after the fact: half the bytes, half the churn. (Random keys' hex digits do not
-- compress: PostgreSQL's pglz finds no repeats in them.)
ALTER TABLE tributary_ingest.ingest_batch
  ALTER COLUMN new_event_keys TYPE bytea USING decode(new_event_keys, 'hex');
