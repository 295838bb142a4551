-- Reads of an object the source refused while it answered otherwise (a damaged object, a key the
-- worker may not decrypt): counted apart from attempts, which outages never touch and crashes
-- and batch failures do. Such an object leaves its batch without costing it an attempt, so a
-- store's random errors cannot fail an object at ingest.max_attempts; one refused this many
-- times (ingest.max_refusals) is failed for an operator.
ALTER TABLE ingest_object ADD COLUMN refusals INTEGER NOT NULL DEFAULT 0;
