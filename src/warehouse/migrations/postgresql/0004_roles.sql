-- Two roles for the people and programs that use the warehouse:
--   tributary_bi      read-only: BI tools and analysts;
--   tributary_loader  what `tributary run` needs: read and write rows, create fact partitions.
-- Roles are cluster-wide, so they usually exist already: deploy/postgres/init-roles.sh creates them
-- (as login roles, the loader owning the database) before the loader's first run, which then
-- migrates with no right to create roles. CREATE ROLE is therefore only issued when a role is
-- missing: PostgreSQL checks the privilege before the role's existence, so an unconditional one
-- fails for such a loader. Where they are created here (a superuser migrating, as the tests do)
-- they are NOLOGIN groups; grant them to login roles. A concurrent migration of another database
-- may create them between the check and the CREATE: that is not an error.
DO $$
DECLARE
  missing text;
BEGIN
  FOREACH missing IN ARRAY ARRAY['tributary_bi', 'tributary_loader'] LOOP
    CONTINUE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = missing);
    BEGIN
      EXECUTE format('CREATE ROLE %I NOLOGIN', missing);
    EXCEPTION
      WHEN duplicate_object OR unique_violation THEN NULL;
      WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'role % does not exist and % may not create roles: create the roles first '
                        '(deploy/postgres/init-roles.sh, docs/operations.md)', missing, current_user
              USING ERRCODE = 'insufficient_privilege';
    END;
  END LOOP;
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
