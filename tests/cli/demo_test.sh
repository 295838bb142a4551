#!/usr/bin/env bash
# Contract tests for `tributary demo`: the whole pipeline in a working directory, its report,
# re-runs that continue without duplicating anything, and bad options.
#   demo_test.sh TRIBUTARY NODE JS_DIR
set -euo pipefail
bin=$1
node=$2
js=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" demo --help | grep -q -- '--pace' || fail "--help"

# Bad options: a one-line reason and a non-zero exit, nothing run.
expect_error() {
  local pattern=$1 out
  shift
  if out=$("$bin" demo "$@" 2>&1); then fail "accepted: $*"; fi
  [[ $(wc -l <<<"$out") == 1 && $out == *"$pattern"* ]] || fail "$*: $out"
}
expect_error "--users" --dir "$work/bad" --users 0
expect_error "--days" --dir "$work/bad" --days 0
expect_error "--pace" --dir "$work/bad" --pace -1
expect_error "--dir" --dir ""
touch "$work/file"
expect_error "file" --dir "$work/file"
mkdir "$work/corrupt" && echo 'users=many' >"$work/corrupt/demo.state"
expect_error "demo.state: malformed value" --dir "$work/corrupt"

# A demo with a fixed start (the state file a first run writes), so that directories compare.
# Small: 60 users over one day. Paced over 2 s, so the ingester follows the generator.
state() {
  mkdir -p "$1"
  printf 'users=60\ndays=1\nseed=1\nstart_ms=1686970800902\ngenerated=false\n' >"$1/demo.state"
}
demo() { "$bin" demo --dir "$1" --users 60 --days 1 "${@:2}"; }
facts() {
  sqlite3 "$1/warehouse.db" "SELECT (SELECT count(*) FROM fact_listen), \
    (SELECT count(*) FROM fact_page_view), (SELECT count(*) FROM fact_auth), \
    (SELECT count(*) FROM fact_status_change), (SELECT count(*) FROM dim_user)"
}
state "$work/a"
out=$(demo "$work/a" --pace 2)
grep -q '^generated [1-9][0-9]* events in [1-9][0-9]* objects | committed ' <<<"$out" \
  || fail "no progress line: $out"
for text in "$work/a/warehouse.db" v_listens v_page_views mart_song_daily "$work/a/duckdb.sql" \
  "Top songs"; do
  grep -qF -- "$text" <<<"$out" || fail "output lacks '$text'"
done
grep -q '^generated=true$' "$work/a/demo.state" || fail "state not marked generated"
report=$(cat "$work/a/report.json")
[[ $(jq -r '.from + " " + .to' <<<"$report") == "2023-06-17 2023-06-19" ]] || fail "period: $report"
(($(jq '.top_songs | length' <<<"$report") > 0)) || fail "no songs: $report"
(($(jq '.top_locations[0].page_views' <<<"$report") > 0)) || fail "no page views: $report"
(($(jq '.user_listening | length' <<<"$report") > 0)) || fail "no listeners: $report"
# The report file is what `tributary report` answers for the period.
[[ $("$bin" report --warehouse "sqlite://$work/a/warehouse.db" --from 2023-06-17 --to 2023-06-19 \
  --format json) == "$report" ]] || fail "report.json differs from tributary report"
# Without dates, the report covers the 30 days up to the day of the newest committed event: here
# all of the demo's data.
period=$(sqlite3 "$work/a/warehouse.db" "SELECT date(max(max_event_ts_ms) / 1000, 'unixepoch', '-29 days')
  || ' ' || date(max(max_event_ts_ms) / 1000, 'unixepoch', '+1 day') FROM ingest_batch")
[[ $period == 2023-05-1[89]\ 2023-06-1[89] ]] || fail "newest event: $period"
default=$("$bin" report --warehouse "sqlite://$work/a/warehouse.db" --format json)
[[ $(jq -r '.from + " " + .to' <<<"$default") == "$period" ]] || fail "default period: $default"
[[ $(jq -c '[.top_locations, .top_songs, .user_listening]' <<<"$default") == \
  "$(jq -c '[.top_locations, .top_songs, .user_listening]' <<<"$report")" ]] || fail "default report: $default"
# The HTML report is there, said, and is `tributary report --format html` for the period.
grep -qF "$work/a/report.html" <<<"$out" || fail "output does not name report.html: $out"
"$bin" report --warehouse "sqlite://$work/a/warehouse.db" --from 2023-06-17 --to 2023-06-19 \
  --format html --out "$work/expected.html"
cmp -s "$work/a/report.html" "$work/expected.html" || fail "report.html differs from tributary report"
# The commands it suggests name this binary (not on PATH), and it lists only what exists.
grep -qF "$(realpath "$bin") status --warehouse sqlite://$work/a/warehouse.db" <<<"$out" \
  || fail "no runnable status command: $out"
grep -qF "$(realpath "$bin") demo --dir $work/a --users 60 --days 1\`" <<<"$out" \
  || fail "the re-run command lacks the demo's options: $out"
if [[ -d $work/a/lake/quarantine ]]; then
  grep -q 'lake/quarantine/' <<<"$out" || fail "quarantine exists but is not listed"
else
  grep -q 'quarantine/' <<<"$out" && fail "lists lake/quarantine/, which does not exist: $out"
fi

# Every stream that was generated has committed silver files; nothing is left unprocessed.
raw_objects=$(find "$work/a/raw/Raw" -type f | wc -l)
for s in listen_events page_view_events auth_events status_change_events; do
  # A small demo may have no logins or level changes; listens and page views it has.
  if [[ ! -d $work/a/raw/Raw/$s ]]; then
    [[ $s == auth_events || $s == status_change_events ]] || fail "no raw $s"
    continue
  fi
  [[ -n $(find "$work/a/lake/silver/$s" -name '*.parquet' -size +0) ]] || fail "no silver $s"
  grep -q "VIEW \"$s\"" "$work/a/duckdb.sql" || fail "duckdb.sql lacks $s"
done
status=$("$bin" status --warehouse "sqlite://$work/a/warehouse.db")
[[ $(jq -c '.objects' <<<"$status") == \
  '{"seen":0,"claimed":0,"committed":'"$raw_objects"',"vanished":0,"failed":0,"ignored":0}' ]] \
  || fail "status: $status"
[[ $(jq '.events.quarantined' <<<"$status") == 0 ]] || fail "quarantined: $status"
facts_a=$(facts "$work/a")
# DuckDB reads, through the demo's views, exactly the listens the warehouse holds.
mapfile -t views <"$work/a/duckdb.sql"
listens=$("$node" "$js/duckdb_query.mjs" "${views[@]}" "SELECT count(*) AS n FROM listen_events")
[[ $(jq -r '.[0].n' <<<"$listens") == "${facts_a%%|*}" ]] || fail "DuckDB: $listens, facts $facts_a"

# A re-run continues: nothing generated again, nothing duplicated, the same report.
out=$(demo "$work/a" --pace 2)
grep -q 'already generated' <<<"$out" || fail "re-run generated again: $out"
[[ $(cat "$work/a/report.json") == "$report" ]] || fail "re-run changed the report"
[[ $(facts "$work/a") == "$facts_a" ]] || fail "re-run changed the facts"
[[ $(find "$work/a/raw/Raw" -type f | wc -l) == "$raw_objects" ]] || fail "re-run shipped objects"

# A generation that was interrupted is redone: the same events again under new keys, which the
# ingester drops as duplicates.
sed -i 's/^generated=true$/generated=false/' "$work/a/demo.state"
demo "$work/a" --pace 0 >/dev/null
(($(find "$work/a/raw/Raw" -type f | wc -l) > raw_objects)) || fail "not regenerated"
[[ $(cat "$work/a/report.json") == "$report" ]] || fail "regeneration changed the report"
[[ $(facts "$work/a") == "$facts_a" ]] || fail "regeneration duplicated facts"

# Generating as fast as possible (--pace 0) gives the same events as paced generation.
state "$work/b"
demo "$work/b/" --pace 0 >/dev/null
[[ $(cat "$work/b/report.json") == "$report" ]] || fail "--pace 0 changed the report"
[[ $(facts "$work/b") == "$facts_a" ]] || fail "--pace 0 changed the facts"

# Other options than the demo's in that directory: refused, nothing touched.
expect_error "holds a demo of --users 60" --dir "$work/b" --users 61 --days 1
echo "demo: ok"
