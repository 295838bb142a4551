-- Two roles for the people and programs that use the warehouse (roles are cluster-wide, so they
-- may exist already, possibly being created by a concurrent migration of another database):
--   tributary_bi      read-only: BI tools and analysts;
--   tributary_loader  what `tributary run` needs: read and write rows, create fact partitions.
-- Both are NOLOGIN groups; grant them to login roles.
DO $$
BEGIN
  CREATE ROLE tributary_bi NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
DO $$
BEGIN
  CREATE ROLE tributary_loader NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

GRANT USAGE ON SCHEMA public TO tributary_bi, tributary_loader;
GRANT CREATE ON SCHEMA public TO tributary_loader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO tributary_bi;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO tributary_loader;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO tributary_loader;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO tributary_bi;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO tributary_loader;
