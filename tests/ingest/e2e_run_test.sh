#!/usr/bin/env bash
# `tributary run --until-idle` end to end, on one of three setups:
#   e2e_run_test.sh s3-postgres   source and lake on s3rver, warehouse (and state) on PostgreSQL
#   e2e_run_test.sh file-sqlite   file:// source and lake, the embedded SQLite warehouse
#   e2e_run_test.sh lake-only     file:// source and lake, no warehouse: --state sqlite:///...
# The raw bucket holds all four streams, plain and gzip objects, a replayed loop (duplicates), bad
# lines, an ignored extension, and an object deleted after the ledger saw it but before it was
# claimed. After the run, the lake and the warehouse must equal the oracle (e2e_lib.sh
# check_run); a second run must find nothing to do and change nothing.
set -euo pipefail
# shellcheck source=tests/ingest/e2e_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"
setup=${1:?usage: e2e_run_test.sh s3-postgres|file-sqlite|lake-only}

case $setup in
  s3-postgres)
    use_s3rver
    prefix="e2e-$$-$RANDOM"
    source_uri="s3://tributary-test/$prefix/raw"
    lake_uri="s3://tributary-test/$prefix/lake"
    state=$(new_database postgres)
    target=(--warehouse "$state")
    mode=warehouse
    ;;
  file-sqlite | lake-only)
    source_uri="file://$work/source"
    lake_uri="file://$work/lake"
    mkdir -p "$work/source" "$work/lake"
    state=$(new_database sqlite)
    if [[ $setup == file-sqlite ]]; then
      target=(--warehouse "$state")
      mode=warehouse
    else
      target=(--state "$state")
      mode="lake-only"
    fi
    ;;
  *) fail "unknown setup $setup" ;;
esac

make_bucket 2
upload_bucket "$source_uri"
# The ledger sees an object (as a listing would), then it is deleted before any run claims it.
vanish=$(expected_value vanish_key)
if [[ $source_uri == file://* ]]; then
  # It landed an hour before the ledger saw it (a file's mtime is its LastModified).
  touch -d '1 hour ago' "${source_uri#file://}/$vanish"
fi
"$E2E_TOOL" see "$source_uri" "$state" "$vanish"
# The ledger keeps the LastModified the source gave (HEAD, as for a notification), and `status`
# counts the lag from it, not from when the object was seen; s3rver's objects landed just now.
[[ $(sql "$state" "SELECT count(*) FROM ingest_object WHERE last_modified_ms > 0") == 1 ]] ||
  fail "the ledger has no LastModified for $vanish"
age=$(status_value "$state" oldest_unprocessed_age_s "$mode")
if [[ $source_uri == file://* ]]; then
  ((${age%.*} >= 3600 && ${age%.*} < 3900)) || fail "status: lag $age s, not the hour since it landed"
else
  ((${age%.*} < 300)) || fail "status: lag $age s for an object put moments ago"
fi
"$E2E_TOOL" remove "$source_uri" "$vanish"

"$TRIBUTARY" run --source "$source_uri" --lake "$lake_uri" "${target[@]}" --until-idle \
  >"$work/run1.json" 2>"$work/run1.log" || { cat "$work/run1.log" >&2; fail "run exited non-zero"; }
note "run 1: $(cat "$work/run1.json")"
grep -q '"vanished":1,' "$work/run1.json" || fail "the deleted object was not reported as vanished"
check_run "$lake_uri" "$state" "$mode"
if [[ $setup == s3-postgres ]]; then
  # Idle after committing, the run vacuumed the bookkeeping its batches churned (Ledger::reclaim_space).
  [[ $(sql "$state" "SELECT count(*) FROM pg_stat_all_tables WHERE schemaname = 'tributary_ingest'
    AND relname IN ('ingest_batch', 'ingest_object') AND last_vacuum IS NOT NULL") == 2 ]] ||
    fail "the run did not vacuum ingest_batch and ingest_object when it went idle"
fi

# Nothing new: a second run commits nothing and changes nothing (same lake files, same ledger).
snapshot() {
  sql "$state" "SELECT file_key || ' ' || rows FROM lake_file ORDER BY file_key"
  sql "$state" "SELECT object_key || ' ' || status || ' ' || coalesce(batch_id, '-')
    FROM ingest_object ORDER BY object_key"
  "$E2E_TOOL" keys "$lake_uri" silver/
}
snapshot >"$work/before.txt"
"$TRIBUTARY" run --source "$source_uri" --lake "$lake_uri" "${target[@]}" --until-idle \
  >"$work/run2.json" 2>"$work/run2.log" || { cat "$work/run2.log" >&2; fail "run 2 exited non-zero"; }
grep -q '"batches":0,' "$work/run2.json" || fail "run 2 did work: $(cat "$work/run2.json")"
snapshot >"$work/after.txt"
diff "$work/before.txt" "$work/after.txt" >&2 || fail "run 2 changed the lake or the ledger"
echo "e2e run ($setup): ok"
