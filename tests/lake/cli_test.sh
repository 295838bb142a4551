#!/usr/bin/env bash
# Contract tests for `tributary catalog` and `tributary compact` on a real lake directory, with
# DuckDB (node) running the catalog's fallback read_parquet views (the lake written here has no
# Iceberg metadata; the iceberg_scan views and the Athena script are tested in catalog_test.cc).
#   cli_test.sh TRIBUTARY WRITE_LAKE NODE JS_DIR DATA_DIR WORK_DIR
set -euo pipefail
bin=$1
write_lake=$2
node=$3
js=$4
data=$5
work=$6/cli.$$
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
duckdb() { "$node" "$js/duckdb_query.mjs" "$@"; }

for cmd in catalog compact; do
  "$bin" "$cmd" --help | grep -q -- '--lake' || fail "$cmd --help"
done

lake="file://$work/lake"
raw=("$data/listen_events.jsonl" "$data/page_view_events.jsonl" "$data/auth_events.jsonl")
listens=$(grep -c . "$data/listen_events.jsonl")
# Two batches of the same events: duplicates (dedup is not the lake's job) and small files.
"$write_lake" "$lake" b1 "${raw[@]}"
"$write_lake" "$lake" b2 "${raw[@]}"

# The fallback views, uncommented: DuckDB without the iceberg extension (none can be installed
# here).
fallback_views() { sed -n 's/^-- \(CREATE OR REPLACE VIEW .*read_parquet\)/\1/p' <<<"$1"; }
out=$("$bin" catalog --lake "$lake" --dialect duckdb)
[[ $(grep -c 'no Iceberg metadata yet' <<<"$out") == 4 ]] || fail "tables without metadata: $out"
[[ $(grep -c '^CREATE' <<<"$out") == 0 ]] || fail "iceberg_scan views without metadata: $out"
ddl=$(fallback_views "$out")
[[ $(grep -c 'CREATE OR REPLACE VIEW' <<<"$ddl") == 3 ]] || fail "three views expected: $out"
count_sql='SELECT count(*)::VARCHAR AS n FROM listen_events'
out=$(duckdb "$ddl" "$count_sql")
[[ $out == "[{\"n\":\"$((2 * listens))\"}]" ]] || fail "listen count before compaction: $out"
files_before=$(find "$work/lake/silver" -name '*.parquet' | wc -l)

out=$("$bin" compact --lake "$lake" --stream listen_events)
[[ $out == '{"partitions":'*'"removed":'*'"added":[{"key":"silver/listen_events/event_date='* ]] \
  || fail "compact output: $out"
removed=$(sed -E 's/.*"removed":([0-9]+).*/\1/' <<<"$out")
((removed >= 2)) || fail "nothing compacted: $out"
files_after=$(find "$work/lake/silver" -name '*.parquet' | wc -l)
((files_after < files_before)) || fail "file count $files_before -> $files_after"
out=$(duckdb "$ddl" "$count_sql")
[[ $out == "[{\"n\":\"$((2 * listens))\"}]" ]] || fail "listen count after compaction: $out"
out=$("$bin" compact --lake "$lake" --stream listen_events)
[[ $out == *'"removed":0,"added":[],"expired_snapshots":0,"garbage_collected":0}' ]] \
  || fail "second compaction did something: $out"

# Garbage: a file no manifest names (a crashed batch's) goes once older than the grace period.
partition=$(find "$work/lake/silver/listen_events" -mindepth 1 -maxdepth 1 -type d | head -n 1)
cp "$(find "$partition" -name '*.parquet' | head -n 1)" "$partition/part-crashed-0.parquet"
out=$("$bin" compact --lake "$lake" --stream listen_events)
[[ $out == *'"garbage_collected":0}' && -f $partition/part-crashed-0.parquet ]] \
  || fail "young orphan collected: $out"
out=$("$bin" compact --lake "$lake" --stream listen_events --gc-grace-minutes 0)
[[ $out == *'"garbage_collected":1}' && ! -e $partition/part-crashed-0.parquet ]] \
  || fail "orphan kept: $out"
out=$(duckdb "$ddl" "$count_sql")
[[ $out == "[{\"n\":\"$((2 * listens))\"}]" ]] || fail "listen count after gc: $out"

# A lake URI with a percent-escape names the decoded directory, and so must the views.
spaced="file://$work/my%20lake"
"$write_lake" "$spaced" b1 "${raw[@]}"
[[ -d "$work/my lake/silver" ]] || fail "the store did not decode %20"
ddl=$(fallback_views "$("$bin" catalog --lake "$spaced" --dialect duckdb)")
out=$(duckdb "$ddl" "$count_sql")
[[ $out == "[{\"n\":\"$listens\"}]" ]] || fail "listen count through an escaped URI: $out"

# Errors: one line naming the problem, non-zero exit.
expect_error() {
  local pattern=$1
  shift
  local err rc=0
  err=$("$@" 2>&1 >/dev/null) || rc=$?
  ((rc != 0)) || fail "expected failure: $*"
  [[ $(wc -l <<<"$err") == 1 && $err == *"$pattern"* ]] || fail "message for $*: $err"
}
expect_error 'athena reads only s3:// lakes' "$bin" catalog --lake "$lake" --dialect athena
expect_error 'must be athena or duckdb' "$bin" catalog --lake "$lake" --dialect hive
expect_error 'root directory does not exist' "$bin" catalog --lake "file://$work/no-lake" --dialect duckdb
expect_error 'YYYY-MM-DD' "$bin" compact --lake "$lake" --partition yesterday
expect_error 'YYYY-MM-DD' "$bin" compact --lake "$lake" --partition 2023-02-30
expect_error 'unknown table' "$bin" compact --lake "$lake" --stream songs
echo '{"version":7}' >"$work/lake/_tributary/manifest.json"
expect_error 'manifest.json' "$bin" compact --lake "$lake"
echo "cli lake: ok"
