-- The silver tables' Iceberg catalog (docs/decisions/0012-iceberg-silver-tables.md): the tables of
-- Iceberg's JDBC catalog (org.apache.iceberg.jdbc.JdbcCatalog, schema V1, with iceberg_type), so that Spark,
-- Trino and PyIceberg can attach to this database as a catalog. A batch's transaction moves its
-- table's metadata_location from v<N> to v<N+1>; that row update is the Iceberg commit.
-- tributary's tables are catalog 'tributary', namespace 'silver', table name = the stream.
CREATE TABLE iceberg_tables (
  catalog_name                VARCHAR(255) NOT NULL,
  table_namespace             VARCHAR(255) NOT NULL,
  table_name                  VARCHAR(255) NOT NULL,
  metadata_location           VARCHAR(1000),
  previous_metadata_location  VARCHAR(1000),
  iceberg_type                VARCHAR(5),
  PRIMARY KEY (catalog_name, table_namespace, table_name)
);

CREATE TABLE iceberg_namespace_properties (
  catalog_name    VARCHAR(255) NOT NULL,
  namespace       VARCHAR(255) NOT NULL,
  property_key    VARCHAR(255) NOT NULL,
  property_value  VARCHAR(1000),
  PRIMARY KEY (catalog_name, namespace, property_key)
);

-- Table versions committed but not yet published to the lake: the batch's data files are put after
-- its COMMIT, so readers that find a table by path (metadata/version-hint.text) are pointed only at
-- versions below the lowest one listed here (src/ingest/iceberg_catalog.h). A row goes when its
-- batch is published.
CREATE TABLE iceberg_unpublished (
  table_name         VARCHAR(255) NOT NULL,
  version            BIGINT NOT NULL,
  metadata_location  VARCHAR(1000) NOT NULL,
  batch_id           VARCHAR(255) NOT NULL,
  PRIMARY KEY (table_name, version)
);
CREATE INDEX iceberg_unpublished_batch ON iceberg_unpublished (batch_id);
