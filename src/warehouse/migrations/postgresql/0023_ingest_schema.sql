-- The ingester's bookkeeping moves out of public into a schema of its own, tributary_ingest,
-- that tributary_bi may not enter: public holds what BI tools should show (facts, dimensions,
-- marts, views, and the Iceberg catalog tables engines attach to), and Metabase no longer lists
-- the ledger, the dedup state or the migration history beside them.
--
-- Every tributary session puts tributary_ingest after public on its search_path
-- (PostgresWarehouse::configure_session), so the loader's statements name the tables as before;
-- the database's default search_path says the same for other sessions (psql), where the
-- migrating role may set it (it owns the database, as deploy/postgres/init-roles.sh sets up).
-- A role without USAGE on the schema skips it on its search_path: to tributary_bi the tables do
-- not exist. It learns which migrations are applied from tributary_schema_versions() instead,
-- which runs as the migrations' owner.

CREATE SCHEMA tributary_ingest;
ALTER TABLE ingest_object SET SCHEMA tributary_ingest;
ALTER TABLE ingest_batch SET SCHEMA tributary_ingest;
ALTER TABLE ingest_key_group SET SCHEMA tributary_ingest;
ALTER TABLE ingest_event_key_legacy SET SCHEMA tributary_ingest;
ALTER TABLE lake_file SET SCHEMA tributary_ingest;
ALTER TABLE schema_migrations SET SCHEMA tributary_ingest;
SET search_path = public, tributary_ingest;

-- Where the loader runs the migrations, its default privileges (deploy/postgres/init-roles.sh)
-- give tributary_bi every schema and table it creates: taken back here. A schema BI may not use
-- hides its tables whatever their own privileges say.
REVOKE ALL ON SCHEMA tributary_ingest FROM tributary_bi, PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA tributary_ingest FROM tributary_bi, PUBLIC;
GRANT USAGE ON SCHEMA tributary_ingest TO tributary_loader;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA tributary_ingest
  TO tributary_loader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA tributary_ingest TO tributary_loader;
ALTER DEFAULT PRIVILEGES IN SCHEMA tributary_ingest
  GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO tributary_loader;
ALTER DEFAULT PRIVILEGES IN SCHEMA tributary_ingest GRANT USAGE ON SEQUENCES TO tributary_loader;

CREATE FUNCTION tributary_schema_versions() RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT array_agg(version ORDER BY version) FROM tributary_ingest.schema_migrations
$$;
REVOKE ALL ON FUNCTION tributary_schema_versions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tributary_schema_versions() TO tributary_bi, tributary_loader;
COMMENT ON FUNCTION tributary_schema_versions() IS 'The versions of tributary''s migrations applied to this warehouse, ascending.';

DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET search_path = public, tributary_ingest',
                 current_database());
EXCEPTION
  WHEN insufficient_privilege THEN
    RAISE NOTICE 'search_path of database % left as it was: % does not own it (tributary''s '
                 'sessions set their own)', current_database(), current_user;
END
$$;
