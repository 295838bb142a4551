#!/usr/bin/env bash
# Shared steps of the end-to-end tests of `tributary run` (tests/ingest/*_test.sh): build a raw
# bucket, put it in a source, make a state database, and check what a run left behind against the
# independent oracle (tests/js/ingest_oracle.mjs, DuckDB over the raw JSON).
#
# CTest sets (tests/ingest/CMakeLists.txt):
#   TRIBUTARY      the tributary binary           E2E_TOOL  tests/ingest/e2e_store_tool
#   E2E_JS         tests/js                       E2E_DATA  tests/data
#   E2E_PG_STATE   the PostgreSQL fixture's state directory (postgres.uri)
#   E2E_S3RVER     the s3rver fixture's state directory (s3rver.env; bucket tributary-test)
# Sourced; callers have `set -euo pipefail`.

: "${TRIBUTARY:?} ${E2E_TOOL:?} ${E2E_JS:?} ${E2E_DATA:?}"
work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-e2e.XXXXXX")
cleanups=("rm -rf '$work'")
# Runs the cleanups in reverse order of registration, keeping the test's exit status.
on_exit() {
  local status=$? i
  for ((i = ${#cleanups[@]} - 1; i >= 0; i--)); do eval "${cleanups[i]}" || true; done
  exit "$status"
}
trap on_exit EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "-- $*" >&2; }

# Polls `$@` until it succeeds, for at most $1 seconds (shifted off). While $run_pid names a
# running `tributary run`, fails the test if it exits meanwhile, showing the end of $run_log.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    if [[ -n ${run_pid:-} ]] && ! kill -0 "$run_pid" 2>/dev/null; then
      tail -20 "${run_log:-/dev/null}" >&2
      fail "tributary run exited"
    fi
    sleep 0.1
  done
}

# The raw bucket, built in $work/bucket (see make_raw_bucket.mjs); $1 = extra rounds of events.
make_bucket() {
  node "$E2E_JS/make_raw_bucket.mjs" --data "$E2E_DATA" --out "$work/bucket" --copies "$1"
}
# Every key of the bucket, including the ones tributary must not turn into events.
bucket_keys() {
  node -e 'const e = require(process.argv[1]); for (const k of e.objects) console.log(k)' \
    "$work/bucket/expected.json"
}
expected_value() {
  node -e 'console.log(require(process.argv[1])[process.argv[2]])' "$work/bucket/expected.json" "$1"
}
# Puts every object of the bucket into the store $1.
upload_bucket() {
  local key
  while read -r key; do "$E2E_TOOL" put "$1" "$key" "$work/bucket/$key"; done < <(bucket_keys)
}

# Points the AWS client settings of tributary and e2e_store_tool at the s3rver fixture.
use_s3rver() {
  local endpoint
  endpoint=$(sed -n 's/^S3_ENDPOINT=//p' "${E2E_S3RVER:?}/s3rver.env")
  [[ -n $endpoint ]] || fail "no s3rver (run through ctest, which starts the fixture)"
  export AWS_ENDPOINT_URL=$endpoint AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=S3RVER \
    AWS_SECRET_ACCESS_KEY=S3RVER AWS_MAX_ATTEMPTS=4
}

# Prints the URI of a fresh, empty state database: $1 = postgres or sqlite.
new_database() {
  if [[ $1 == postgres ]]; then
    local server db
    server=$(cat "${E2E_PG_STATE:?}/postgres.uri")
    db="e2e_$$_$RANDOM"
    psql -q "$server" -c "CREATE DATABASE $db" >&2
    cleanups+=("psql -q '$server' -c 'DROP DATABASE IF EXISTS $db WITH (FORCE)' >/dev/null")
    echo "${server%/*}/$db"
  else
    echo "sqlite://$work/state-$RANDOM.db"
  fi
}

# Runs SQL on the state database $1; prints rows as "a|b|c".
sql() {
  if [[ $1 == postgresql://* ]]; then
    psql -X -q -A -t -F '|' "$1" -c "$2"
  else
    sqlite3 -separator '|' "${1#sqlite://}" "$2"
  fi
}

# A JSON number from `tributary status`: $1 = state URI (warehouse), $2 = jq-like path "a.b".
status_value() {
  local flag=--warehouse
  [[ ${3:-} == lake-only ]] && flag=--state
  "$TRIBUTARY" status "$flag" "$1" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      let v = JSON.parse(s); for (const k of process.argv[1].split(".")) v = v[k]; console.log(v); });' "$2"
}

# A local directory with the lake's files: the lake itself for file://, a download for s3://.
local_lake() {
  if [[ $1 == file://* ]]; then
    echo "${1#file://}"
  else
    rm -rf "$work/lake-copy"
    "$E2E_TOOL" download "$1" silver/ "$work/lake-copy"
    "$E2E_TOOL" download "$1" quarantine/ "$work/lake-copy"
    echo "$work/lake-copy"
  fi
}

# Everything a finished run must have left: $1 = lake URI, $2 = state URI, $3 = "warehouse" or
# "lake-only".
#  - silver and quarantine equal the oracle (ingest_oracle.mjs);
#  - every fact table holds exactly the oracle's event identities (warehouse);
#  - `tributary report --format json` equals DuckDB's answers over the raw JSON (warehouse);
#  - the ledger: nothing left to do, no batch claimed or committed-but-unpublished; the vanished
#    object recorded as vanished, the ignored one as ignored;
#  - the files under silver/ and quarantine/ are exactly the lake_file table's.
check_run() {
  local lake_uri=$1 state=$2 mode=$3 lake stream
  lake=$(local_lake "$lake_uri")
  rm -rf "$work/oracle"
  node "$E2E_JS/ingest_oracle.mjs" --raw "$work/bucket" --expected "$work/bucket/expected.json" \
    --lake "$lake" --out "$work/oracle" >"$work/oracle.json" || fail "lake differs from the oracle"
  note "oracle: $(cat "$work/oracle.json")"

  if [[ $mode == warehouse ]]; then
    # The event time as epoch milliseconds, as the oracle writes it: PostgreSQL stores a
    # timestamptz, SQLite the milliseconds.
    local ts=ts
    [[ $state == postgresql://* ]] && ts="CAST(extract(epoch FROM ts) * 1000 AS bigint)"
    for stream in listen page_view auth status_change; do
      sql "$state" "SELECT $ts || '|' || session_id || '|' || item_in_session || '|' ||
          coalesce(CAST(user_id AS TEXT), '-') FROM fact_$stream" | LC_ALL=C sort >"$work/fact_$stream.txt"
      LC_ALL=C sort "$work/oracle/expected/${stream}_events.txt" >"$work/want_$stream.txt"
      diff -q "$work/want_$stream.txt" "$work/fact_$stream.txt" >/dev/null ||
        fail "fact_$stream differs from the oracle: $(diff "$work/want_$stream.txt" "$work/fact_$stream.txt" | head -5)"
    done
    "$TRIBUTARY" report --warehouse "$state" --from 2020-01-01 --to 2030-01-01 --top 100000 \
      --format json >"$work/report.json"
    node "$E2E_JS/report_oracle.mjs" --from 2020-01-01 --to 2030-01-01 --top 100000 \
      --report "$work/report.json" --listens "$work/oracle/clean/listen_events.jsonl" \
      --page-views "$work/oracle/clean/page_view_events.jsonl" || fail "report differs from the oracle"
  fi

  local status
  for status in objects.seen objects.claimed objects.failed batches.claimed batches.committed; do
    [[ $(status_value "$state" "$status" "$mode") == 0 ]] || fail "status $status is not 0"
  done
  local vanish ignored
  vanish=$(expected_value vanish_key)
  ignored=$(expected_value ignored_key)
  [[ $(sql "$state" "SELECT status FROM ingest_object WHERE object_key = '$vanish'") == vanished ]] ||
    fail "$vanish is not recorded as vanished"
  [[ $(sql "$state" "SELECT status FROM ingest_object WHERE object_key = '$ignored'") == ignored ]] ||
    fail "$ignored is not recorded as ignored"

  # The tables' Iceberg metadata (silver/<stream>/metadata/) is not in lake_file.
  (cd "$lake" && find silver quarantine -type f -not -path 'silver/*/metadata/*' | LC_ALL=C sort) \
    >"$work/lake_files.txt"
  sql "$state" "SELECT file_key FROM lake_file" | LC_ALL=C sort >"$work/lake_file_rows.txt"
  diff -q "$work/lake_file_rows.txt" "$work/lake_files.txt" >/dev/null ||
    fail "lake files and lake_file rows differ: $(diff "$work/lake_file_rows.txt" "$work/lake_files.txt" | head -5)"
  # Every Iceberg reader sees exactly the committed events: icebird through version-hint.text,
  # DuckDB over the data files the manifests list, avsc over the manifests (iceberg_check.mjs).
  node "$E2E_JS/iceberg_check.mjs" "$lake" "$lake_uri" "$work/oracle" listen_events \
    page_view_events auth_events status_change_events >"$work/iceberg.json" ||
    fail "the silver Iceberg tables differ from the oracle"
  note "iceberg: $(cat "$work/iceberg.json")"
  note "lake and warehouse equal the oracle ($(wc -l <"$work/lake_files.txt") files)"
}
