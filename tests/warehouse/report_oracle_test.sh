#!/usr/bin/env bash
# `tributary report --format json` against DuckDB over the same raw JSON (tests/js/
# report_oracle.mjs), on a warehouse loaded with duplicates: files twice, lines repeated inside a
# file. Also the CLI contract of `tributary report` (formats, errors).
#
#   report_oracle_test.sh TRIBUTARY LOAD_FILES DATA_DIR JS_DIR sqlite
#   report_oracle_test.sh TRIBUTARY LOAD_FILES DATA_DIR JS_DIR postgres POSTGRES_STATE_DIR
set -euo pipefail
bin=$1
load=$2
data=$3
js=$4
dialect=$5
work=$(mktemp -d)
fail() { echo "FAIL: $*" >&2; exit 1; }

if [[ $dialect == sqlite ]]; then
  uri="sqlite://$work/warehouse.db"
  trap 'rm -rf "$work"' EXIT
else
  server=$(cat "$6/postgres.uri")
  db="oracle_$$_$RANDOM"
  psql -q "$server" -c "CREATE DATABASE $db"
  uri="${server%/*}/$db"
  trap 'psql -q "$server" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"; rm -rf "$work"' EXIT
fi

[[ -d $js/node_modules/@duckdb/node-api ]] || { echo "tests/js/node_modules missing: run scripts/install-deps" >&2; exit 1; }

mkdir -p "$work/listen_events" "$work/page_view_events"
cp "$data/fluentd-s3-object_2023061719_20.json" "$work/listen_events/2023061719_20.json"
cat "$data/listen_events.jsonl" "$data/listen_events.jsonl" > "$work/listen_events/2023122417_0.json"
cp "$data/page_view_events.jsonl" "$work/page_view_events/2023122417_0.json"
listens=("$work/listen_events/2023061719_20.json" "$work/listen_events/2023122417_0.json")
page_views=("$work/page_view_events/2023122417_0.json")

"$load" "$uri" "${listens[@]}" "${page_views[@]}" > "$work/load1.json"
"$load" "$uri" "${listens[1]}" "${listens[0]}" > "$work/load2.json"
grep -q '"new":76,"duplicates":76' "$work/load1.json" || { cat "$work/load1.json" >&2; exit 1; }
if grep -v -q '"new":0,' "$work/load2.json"; then cat "$work/load2.json" >&2; exit 1; fi

check() {
  local from=$1 to=$2 top=$3
  "$bin" report --warehouse "$uri" --from "$from" --to "$to" --top "$top" --format json > "$work/report.json"
  node "$js/report_oracle.mjs" --from "$from" --to "$to" --top "$top" --report "$work/report.json" \
    --listens "${listens[@]}" --page-views "${page_views[@]}"
}
check 2022-01-01 2024-01-01 100000
check 2022-08-22 2022-08-23 5
check 2023-12-24 2023-12-25 3

# The CLI contract: formats, and a one-line reason with a non-zero exit for bad input.
out=$("$bin" report --warehouse "$uri" --from 2023-12-24 --to 2023-12-25 --top 2)
[[ $out == *'Top locations (by page views, then listens)'*'Top songs (by plays)'*'Hours of music per user'* ]] \
  || fail "table: $out"
out=$("$bin" report --warehouse "$uri" --from 2023-12-24 --to 2023-12-25 --top 2 --format csv)
[[ $(head -1 <<<"$out") == $'section,period_from,period_to,rank,city,state,page_views,listens,listening_hours,users,sessions,artist,song,plays,listeners,user_id,first_name,last_name,hours\r' ]] \
  || fail "csv header: $out"
[[ $(grep -c '^top_songs,' <<<"$out") == 2 ]] || fail "csv top 2: $out"
# One table: every row has the header's 19 fields (no field here holds a comma or a quote).
[[ $(tail -n +2 <<<"$out" | grep -v '"' | awk -F, 'NF != 19' | wc -l) == 0 ]] || fail "csv fields: $out"
if err=$("$bin" report --warehouse "$uri" --from 2023-12-24 --to 2023-12-24T10 2>&1); then fail "accepted a malformed date"; fi
[[ $err == "tributary: --to '2023-12-24T10' is not a YYYY-MM-DD date" ]] || fail "bad date message: $err"
if err=$("$bin" report --warehouse "$uri" --from 2023-12-25 --to 2023-12-24 2>&1); then fail "accepted an empty period"; fi
[[ $err == *"empty period"* ]] || fail "empty period message: $err"
if err=$("$bin" report --warehouse "$uri" --from 2023-12-24 --to 2023-12-25 --format xml 2>&1); then fail "accepted --format xml"; fi
for user in abc -5 1.5; do
  if err=$("$bin" report --warehouse "$uri" --from 2023-12-24 --to 2023-12-25 --user "$user" 2>&1); then fail "accepted --user $user"; fi
  [[ $err == "tributary: --user: not a user id (an integer >= 0): $user (see --help)" ]] || fail "--user $user message: $err"
done
if err=$("$bin" report --warehouse "$uri" --from 2023-12-24 --to 2023-12-25 --user 999999 2>&1); then fail "accepted an unknown --user"; fi
[[ $err == "tributary: --user 999999: no such user in the warehouse" ]] || fail "unknown user message: $err"
if err=$("$bin" report --warehouse "sqlite://$work/missing.db" --from 2023-12-24 --to 2023-12-25 2>&1); then fail "created a warehouse to report on"; fi
[[ $err == "tributary: no SQLite warehouse at $work/missing.db" ]] || fail "missing warehouse: $err"
if err=$("$bin" report --warehouse "mysql://u:hunter2@h/db" --from 2023-12-24 --to 2023-12-25 2>&1); then fail "accepted mysql://"; fi
[[ $err != *hunter2* && $err == *"unknown warehouse URI scheme"* ]] || fail "bad URI message: $err"
"$bin" report --help | grep -q -- '--format' || fail "report --help"
echo "report oracle and CLI contract ($dialect): ok"
