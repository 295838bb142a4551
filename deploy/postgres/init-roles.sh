#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty data directory
# (/docker-entrypoint-initdb.d). Creates:
#   tributary_loader  owns database tributary; tributary run creates and loads the star schema
#   tributary_bi      read-only: SELECT on everything tributary_loader creates, nothing else
#   metabase          owns database metabase, Metabase's own application database
# Passwords come from the environment (deploy/.env), never from this file.
set -euo pipefail
: "${TRIBUTARY_LOADER_PASSWORD:?}" "${TRIBUTARY_BI_PASSWORD:?}" "${METABASE_DB_PASSWORD:?}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v loader_pw="$TRIBUTARY_LOADER_PASSWORD" -v bi_pw="$TRIBUTARY_BI_PASSWORD" \
  -v metabase_pw="$METABASE_DB_PASSWORD" <<'SQL'
CREATE ROLE tributary_loader LOGIN PASSWORD :'loader_pw';
CREATE ROLE tributary_bi LOGIN PASSWORD :'bi_pw' NOSUPERUSER NOCREATEDB NOCREATEROLE;
ALTER ROLE tributary_bi SET default_transaction_read_only = on;
ALTER ROLE tributary_bi SET statement_timeout = '5min';
CREATE ROLE metabase LOGIN PASSWORD :'metabase_pw';
CREATE DATABASE tributary OWNER tributary_loader;
CREATE DATABASE metabase OWNER metabase;
REVOKE ALL ON DATABASE tributary FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE tributary TO tributary_loader;
GRANT CONNECT ON DATABASE tributary TO tributary_bi;
REVOKE ALL ON DATABASE metabase FROM PUBLIC;
SQL

# Inside the warehouse: the BI role reads every table and view the loader creates, now or later,
# in public and in any schema the loader creates.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname tributary <<'SQL'
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO tributary_bi;
ALTER DEFAULT PRIVILEGES FOR ROLE tributary_loader GRANT SELECT ON TABLES TO tributary_bi;
ALTER DEFAULT PRIVILEGES FOR ROLE tributary_loader GRANT SELECT ON SEQUENCES TO tributary_bi;
ALTER DEFAULT PRIVILEGES FOR ROLE tributary_loader GRANT USAGE ON SCHEMAS TO tributary_bi;
SQL
echo "init-roles: tributary_loader, tributary_bi and metabase created"
