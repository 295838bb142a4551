-- Who holds a claim, so that the claims of a worker that died pass to a live one at once instead
-- of when their lease ends (src/ingest/ledger.h): the key of the session-level advisory lock the
-- claiming worker's connection holds for as long as its session lives. A claim whose lock no
-- session holds is dead. NULL on claims made before this migration, which wait for their lease.
ALTER TABLE ingest_batch ADD COLUMN owner_session bigint;
ALTER TABLE ingest_batch ADD COLUMN owner_host text;
