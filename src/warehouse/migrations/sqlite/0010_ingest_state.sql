-- The ingester's state (src/ingest): the ledger of raw objects, the batches that process them,
-- the committed lake files (the manifest) and the key of every committed event (deduplication).
-- They live in the warehouse database so that one transaction commits a batch's ledger rows,
-- manifest entries, event keys and facts together (docs/decisions/0009-exactly-once-commit.md).
-- Times are epoch milliseconds UTC.

CREATE TABLE ingest_object (
  object_key      TEXT    NOT NULL,
  etag            TEXT    NOT NULL,
  stream          TEXT    NOT NULL,
  size_bytes      INTEGER NOT NULL,
  status          TEXT    NOT NULL
                  CHECK (status IN ('seen', 'claimed', 'committed', 'vanished', 'failed', 'ignored')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  batch_id        TEXT,
  lease_until_ms  INTEGER,
  events          INTEGER,
  new_events      INTEGER,
  quarantined     INTEGER,
  bronze_key      TEXT,
  sha256          TEXT,
  first_seen_ms   INTEGER NOT NULL,
  updated_ms      INTEGER NOT NULL,
  PRIMARY KEY (object_key, etag)
) STRICT;
CREATE INDEX ingest_object_pending ON ingest_object (stream, status, first_seen_ms)
  WHERE status IN ('seen', 'claimed');
CREATE INDEX ingest_object_batch ON ingest_object (batch_id);

CREATE TABLE ingest_batch (
  batch_id        TEXT    PRIMARY KEY,
  stream          TEXT    NOT NULL,
  worker          TEXT    NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('claimed', 'committed', 'published')),
  ingest_date     TEXT    NOT NULL,
  created_ms      INTEGER NOT NULL,
  committed_ms    INTEGER,
  published_ms    INTEGER,
  events          INTEGER,
  new_events      INTEGER,
  quarantined     INTEGER,
  max_event_ts_ms INTEGER
) STRICT;
CREATE INDEX ingest_batch_status ON ingest_batch (status);

CREATE TABLE lake_file (
  file_key        TEXT    PRIMARY KEY,
  kind            TEXT    NOT NULL CHECK (kind IN ('silver', 'quarantine')),
  table_name      TEXT    NOT NULL,
  partition_name  TEXT    NOT NULL,
  rows            INTEGER NOT NULL,
  bytes           INTEGER NOT NULL,
  min_ts_ms       INTEGER NOT NULL,
  max_ts_ms       INTEGER NOT NULL,
  batch_id        TEXT    NOT NULL
) STRICT;
CREATE INDEX lake_file_batch ON lake_file (batch_id);

CREATE TABLE ingest_event_key (
  event_key       TEXT    PRIMARY KEY,
  batch_id        TEXT    NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX ingest_event_key_batch ON ingest_event_key (batch_id);
