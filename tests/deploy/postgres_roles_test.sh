#!/usr/bin/env bash
# deploy/postgres/init-roles.sh against a real, throwaway PostgreSQL server (Debian's): the loader
# role owns the warehouse and can create tables in public and in new schemas; the BI role reads
# everything the loader creates, now or later, and can write nothing; Metabase's role cannot even
# connect to the warehouse. Unix socket only, no TCP port.
set -euo pipefail
root=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
bindir=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n1)
[[ -x $bindir/initdb ]] || fail "no PostgreSQL server binaries under /usr/lib/postgresql (scripts/install-deps)"

work=$(mktemp -d)
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[[ $(id -u) -ne 0 ]] || chown postgres: "$work"
cleanup() { as_pg "$bindir/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

as_pg "$bindir/initdb" -D "$work/data" -U postgres -A trust --no-sync >/dev/null
as_pg "$bindir/pg_ctl" -D "$work/data" -w -l "$work/log" \
  -o "-c listen_addresses='' -k $work -c fsync=off" start >/dev/null || { cat "$work/log" >&2; fail "server start"; }
export PGHOST=$work PGPORT=5432

POSTGRES_USER=postgres TRIBUTARY_LOADER_PASSWORD=loader-pw TRIBUTARY_BI_PASSWORD=bi-pw \
  METABASE_DB_PASSWORD=mb-pw bash "$root/deploy/postgres/init-roles.sh" >/dev/null

q() { # user sql: prints the result, fails the test on error
  psql -X -q -v ON_ERROR_STOP=1 -U "$1" -d tributary -tAc "$2"
}
denied() { # user sql: must fail with a permission or read-only error
  local out
  if out=$(psql -X -q -v ON_ERROR_STOP=1 -U "$1" -d tributary -tAc "$2" 2>&1); then
    fail "$1 was allowed: $2"
  fi
  [[ $out == *"permission denied"* || $out == *"read-only transaction"* ]] || fail "$1: unexpected error for '$2': $out"
}

# The loader builds the warehouse: tables in public, a new schema, a view.
q tributary_loader "create table fact_listen (id bigint primary key, song text)"
q tributary_loader "insert into fact_listen values (1, 'Dreams')"
q tributary_loader "create schema marts; create table marts.daily_plays (day date, plays int)"
q tributary_loader "insert into marts.daily_plays values ('2024-01-01', 3)"
q tributary_loader "create view v_listens as select * from fact_listen"

# The BI role reads all of it, including what was created after the grants ran.
[[ $(q tributary_bi "select song from v_listens") == Dreams ]] || fail "BI cannot read v_listens"
[[ $(q tributary_bi "select plays from marts.daily_plays") == 3 ]] || fail "BI cannot read a new schema"
[[ $(q tributary_bi "show default_transaction_read_only") == on ]] || fail "BI sessions are not read-only"
denied tributary_bi "insert into fact_listen values (2, 'x')"
denied tributary_bi "set transaction read write; insert into fact_listen values (2, 'x')"
denied tributary_bi "begin; set transaction read write; create table bi_scratch (x int); commit"
denied tributary_bi "begin; set transaction read write; create schema bi_schema; commit"

# Metabase's own role cannot connect to the warehouse; the loader cannot create roles.
if psql -X -U metabase -d tributary -c 'select 1' >/dev/null 2>&1; then fail "metabase can connect to tributary"; fi
psql -X -U metabase -d metabase -tAc 'select 1' >/dev/null || fail "metabase cannot connect to its database"
denied tributary_loader "create role sneaky"
echo "postgres roles: loader writes, BI reads everything read-only, metabase isolated"
