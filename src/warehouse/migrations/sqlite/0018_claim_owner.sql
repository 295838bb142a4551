-- Who holds a claim, so that the claims of a worker that died pass to a live one at once instead
-- of when their lease ends (src/ingest/ledger.h): the process id and host of the claiming worker.
-- A claim whose process is gone from its host is dead. NULL on claims made before this migration,
-- which wait for their lease as before.
ALTER TABLE ingest_batch ADD COLUMN owner_session INTEGER;
ALTER TABLE ingest_batch ADD COLUMN owner_host TEXT;
