#!/usr/bin/env bash
# The warehouse as a BI user meets it: raw objects loaded by `tributary run --until-idle` into a
# warehouse on SQLite and on PostgreSQL, then `tributary report` for a 7-day period, timed as the
# whole command (process start, connection, migrations check, the three answers, output).
#
# Beside each load, in the same run: DuckDB (1.5, @duckdb/node-api from tests/js) deduplicating
# the same raw input into its own database file, a table per stream of the distinct events by
# the brief's identity (ts, sessionId, itemInSession, userId), and the ratio tributary / DuckDB
# (the goal: at most 2). The size is printed whole and per distinct event, and on PostgreSQL
# also for the BI schema alone (public: facts, dimensions, marts) and the bookkeeping
# (tributary_ingest).
#
#   bench/warehouse/report_run.sh [--tributary BIN] [--raw DIR] [--work DIR] [--rounds R]
#                                 [--dialects "sqlite postgresql"]
#
# Input: the raw bucket bench/ingest/whole_run.sh generates (30,000 users over 10 days, every
# event twice, a quarter of the objects gzip); pass its raw directory with --raw (default
# ${TMPDIR:-/tmp}/tributary-whole-run/raw, run whole_run.sh first). PostgreSQL is a throwaway
# server from tests/fixtures/postgres.sh. Prints the load's wall time per dialect, the
# warehouse's size, and each round's report time.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$root/build/release/src/cli/tributary
raw=${TMPDIR:-/tmp}/tributary-whole-run/raw
work=${TMPDIR:-/tmp}/tributary-report-run
rounds=3
dialects="sqlite postgresql"
usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
    --tributary) bin=$2; shift 2 ;;
    --raw) raw=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --dialects) dialects=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "report_run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ -x $bin ]] || { echo "report_run.sh: no tributary binary at $bin (scripts/build release)" >&2; exit 1; }
[[ -d $raw ]] || { echo "report_run.sh: no raw bucket at $raw (run bench/ingest/whole_run.sh)" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
pg_state=$work/pg
trap '"$root/tests/fixtures/postgres.sh" stop "$pg_state" >/dev/null 2>&1 || true' EXIT
"$root/tests/fixtures/postgres.sh" start "$pg_state" >/dev/null
pg_uri=$(cat "$pg_state/postgres.uri")

seconds() { # runs "$@" quietly, prints its wall time in seconds
  local start end
  start=$(date +%s.%N)
  "$@" >"$work/cmd.out" 2>"$work/cmd.log" || { cat "$work/cmd.log" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }'
}

js=$root/tests/js
[[ -d $js/node_modules/@duckdb ]] || { echo "report_run.sh: run scripts/install-deps first (DuckDB for node)" >&2; exit 1; }
duck_statements=("ATTACH '$work/duck.duckdb' AS w" "USE w")
for s in listen_events page_view_events auth_events status_change_events; do
  duck_statements+=("CREATE TABLE $s AS SELECT DISTINCT ON (ts, sessionId, itemInSession, userId) *
    FROM read_json('$raw/Raw/$s/*', format = 'newline_delimited')")
done
duck_statements+=("SELECT (SELECT count(*) FROM listen_events) + (SELECT count(*) FROM page_view_events)
  + (SELECT count(*) FROM auth_events) + (SELECT count(*) FROM status_change_events) AS events")

printf '%-10s %-28s %10s\n' dialect what seconds
for dialect in $dialects; do
  if [[ $dialect == sqlite ]]; then wh="sqlite://$work/warehouse.db"; else wh=$pg_uri; fi
  rm -rf "$work/lake"
  mkdir -p "$work/lake"
  t=$(seconds "$bin" run --until-idle --no-http --source "file://$raw" --lake "file://$work/lake" \
    --warehouse "$wh")
  printf '%-10s %-28s %10s\n' "$dialect" "load (run --until-idle)" "$t"
  rm -f "$work/duck.duckdb"*
  d=$(seconds node "$js/duckdb_query.mjs" "${duck_statements[@]}")
  events=$(jq -r '.[0].events' "$work/cmd.out")
  printf '%-10s %-28s %10s\n' "$dialect" "duckdb dedup into its file" "$d"
  printf '%-10s %-28s %10.2f\n' "$dialect" "ratio tributary / duckdb" "$(awk -v t="$t" -v d="$d" 'BEGIN { print t / d }')"
  if [[ $dialect == sqlite ]]; then
    size=$(du -sb "$work"/warehouse.db* | awk '{ s += $1 } END { printf "%d", s }')
  else
    size=$(psql "$pg_uri" -Atc "SELECT pg_database_size(current_database())")
    for schema in public tributary_ingest; do
      part=$(psql "$pg_uri" -Atc "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$schema' AND c.relkind = 'r'")
      printf '%-10s %-28s %10s\n' "$dialect" "$schema (bytes/event)" "$((part / events))"
    done
  fi
  printf '%-10s %-28s %10s\n' "$dialect" "size (MB)" "$((size / 1000000))"
  printf '%-10s %-28s %10s\n' "$dialect" "size (bytes/event)" "$((size / events))"
  # The report's default period ends the day after the newest event; seven days before that.
  to=$("$bin" report --warehouse "$wh" --format json --top 1 | jq -r '.to')
  from=$(date -u -d "$to - 7 days" +%F)
  for ((r = 1; r <= rounds; r++)); do
    t=$(seconds "$bin" report --warehouse "$wh" --from "$from" --to "$to")
    printf '%-10s %-28s %10s\n' "$dialect" "report $from..$to ($r)" "$t"
  done
done
