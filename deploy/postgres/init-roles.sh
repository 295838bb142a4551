#!/usr/bin/env bash
# Creates the warehouse's roles and database, idempotently (every run leaves the same state, and
# sets the passwords from the environment):
#   tributary_loader  owns database tributary (and so its public schema): tributary run creates
#                     and loads the star schema; it cannot create roles or databases
#   tributary_bi      read-only: SELECT on everything tributary_loader creates, nothing else
#   metabase          owns database metabase, Metabase's own application database (only when
#                     METABASE_DB_PASSWORD is set: the local stack)
# Run as a superuser, or as a role with CREATEROLE and CREATEDB like Amazon RDS's master user, which
# is not a superuser: it may only hand a database to a role it is a member of, so it makes itself
# a member of tributary_loader. Where database tributary already exists (RDS creates it, owned by
# the master user) it is handed to tributary_loader.
#
# Two callers, the same script:
#   - the postgres image runs it once from /docker-entrypoint-initdb.d (deploy/docker-compose.yml),
#     as POSTGRES_USER over the image's Unix socket;
#   - on AWS, the set-up container of every worker task runs it as the RDS master user over TLS
#     (infra/lib/tributary-stack.ts embeds this file; docs/aws.md).
# Connection: libpq's PG* variables; POSTGRES_USER names the user when PGUSER is not set. Passwords
# come from the environment, never from this file, and are passed as psql variables, so no
# statement text holds them.
set -euo pipefail
: "${TRIBUTARY_LOADER_PASSWORD:?}" "${TRIBUTARY_BI_PASSWORD:?}"
export PGUSER=${PGUSER:-${POSTGRES_USER:?set PGUSER or POSTGRES_USER}}
metabase_pw=${METABASE_DB_PASSWORD:-}

psql -X -q -v ON_ERROR_STOP=1 --dbname postgres \
  -v loader_pw="$TRIBUTARY_LOADER_PASSWORD" -v bi_pw="$TRIBUTARY_BI_PASSWORD" <<'SQL'
-- Concurrent runs (several worker tasks starting at once) serialise here and below.
SELECT pg_advisory_lock(7406521920) AS locked \gset
SELECT 'CREATE ROLE tributary_loader'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tributary_loader') \gexec
SELECT 'CREATE ROLE tributary_bi'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tributary_bi') \gexec
ALTER ROLE tributary_loader LOGIN PASSWORD :'loader_pw';
ALTER ROLE tributary_bi LOGIN PASSWORD :'bi_pw';
ALTER ROLE tributary_bi SET default_transaction_read_only = on;
ALTER ROLE tributary_bi SET statement_timeout = '5min';
-- A role that is not a superuser may give a database only to a role it can SET ROLE to. (From
-- PostgreSQL 16 the creator of a role holds it WITH ADMIN but without SET, so it grants itself
-- the role; before 16, membership is what counts.)
SELECT format('GRANT tributary_loader TO %I', current_user)
  WHERE NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
    AND NOT pg_has_role(current_user, 'tributary_loader',
                        CASE WHEN current_setting('server_version_num')::int >= 160000
                             THEN 'SET' ELSE 'MEMBER' END) \gexec
SELECT 'CREATE DATABASE tributary OWNER tributary_loader'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'tributary') \gexec
ALTER DATABASE tributary OWNER TO tributary_loader;
SQL

if [[ -n $metabase_pw ]]; then
  psql -X -q -v ON_ERROR_STOP=1 --dbname postgres -v metabase_pw="$metabase_pw" <<'SQL'
SELECT 'CREATE ROLE metabase'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'metabase') \gexec
ALTER ROLE metabase LOGIN PASSWORD :'metabase_pw';
SELECT 'CREATE DATABASE metabase OWNER metabase'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'metabase') \gexec
REVOKE ALL ON DATABASE metabase FROM PUBLIC;
SQL
fi

# Inside the warehouse, as its owner: only the loader creates objects; the BI role reads every
# table and view the loader creates, now or later, in public and in any schema the loader creates.
psql -X -q -v ON_ERROR_STOP=1 --dbname tributary <<'SQL'
SELECT pg_advisory_lock(7406521920) AS locked \gset
SET ROLE tributary_loader;
REVOKE ALL ON DATABASE tributary FROM PUBLIC;
GRANT CONNECT ON DATABASE tributary TO tributary_bi;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO tributary_bi;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO tributary_bi;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON SEQUENCES TO tributary_bi;
ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO tributary_bi;
SQL
echo "init-roles: tributary_loader owns database tributary; tributary_bi reads it${metabase_pw:+; metabase owns database metabase}"
