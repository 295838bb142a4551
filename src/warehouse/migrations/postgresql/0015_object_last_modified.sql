-- Each raw object's LastModified (epoch ms UTC, the store's clock), so that the lag counts from
-- when an object landed in the bucket rather than from when tributary first listed it: an object
-- found late (by the full sweep, or after the workers were down) is as late as it is. NULL: not
-- known, for rows recorded before this migration and for a store that sent none; the lag falls
-- back to first_seen_ms for them.
ALTER TABLE ingest_object ADD COLUMN last_modified_ms BIGINT;

-- The backlog query (Ledger::backlog: count and oldest LastModified of the seen and claimed rows)
-- reads this column. Carried in the pending index, it keeps that query an index-only scan of the
-- waiting rows, as it was when it read first_seen_ms alone; without it, 200,000 waiting rows in
-- a 2-million-row ledger made the planner scan the whole table (10x slower, and growing with the
-- table rather than the backlog). The column is written once, with the row, so it adds no index
-- writes. The key columns are unchanged: they serve claims. Rebuilding the index reads the table
-- once, at the upgrade, while writes to it wait.
DROP INDEX ingest_object_pending;
CREATE INDEX ingest_object_pending ON ingest_object (stream, status, first_seen_ms)
  INCLUDE (last_modified_ms) WHERE status IN ('seen', 'claimed');
