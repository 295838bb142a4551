-- The silver tables' Iceberg catalog (docs/decisions/0012-iceberg-silver-tables.md): the tables of
-- Iceberg's JDBC catalog (org.apache.iceberg.jdbc.JdbcCatalog, schema V1, with iceberg_type), so that Spark,
-- Trino and PyIceberg can attach to this database as a catalog. A batch's transaction moves its
-- table's metadata_location from v<N> to v<N+1>; that row update is the Iceberg commit.
-- tributary's tables are catalog 'tributary', namespace 'silver', table name = the stream.
CREATE TABLE iceberg_tables (
  catalog_name                TEXT NOT NULL,
  table_namespace             TEXT NOT NULL,
  table_name                  TEXT NOT NULL,
  metadata_location           TEXT,
  previous_metadata_location  TEXT,
  iceberg_type                TEXT,
  PRIMARY KEY (catalog_name, table_namespace, table_name)
) STRICT;

CREATE TABLE iceberg_namespace_properties (
  catalog_name    TEXT NOT NULL,
  namespace       TEXT NOT NULL,
  property_key    TEXT NOT NULL,
  property_value  TEXT,
  PRIMARY KEY (catalog_name, namespace, property_key)
) STRICT;

-- Table versions committed but not yet published to the lake: the batch's data files are put after
-- its COMMIT, so readers that find a table by path (metadata/version-hint.text) are pointed only at
-- versions below the lowest one listed here (src/ingest/iceberg_catalog.h). A row goes when its
-- batch is published.
CREATE TABLE iceberg_unpublished (
  table_name         TEXT NOT NULL,
  version            INTEGER NOT NULL,
  metadata_location  TEXT NOT NULL,
  batch_id           TEXT NOT NULL,
  PRIMARY KEY (table_name, version)
) STRICT;
CREATE INDEX iceberg_unpublished_batch ON iceberg_unpublished (batch_id);
