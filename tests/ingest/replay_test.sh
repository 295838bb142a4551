#!/usr/bin/env bash
# `tributary replay --from-bronze`: ingest the samples, delete every raw object, replay the bronze
# archive into a fresh lake and warehouse, and into the same lake in place; the report, the fact
# tables' ordered event keys, silver's rows and lineage (read by DuckDB) and the ledger's record
# of every object must equal the original ingest's.
#
#   replay_test.sh TRIBUTARY NODE JS_DIR DATA_DIR sqlite|postgres [PG_STATE_DIR]
# With postgres, every warehouse is a fresh database on the warehouse.postgres fixture's server.
set -euo pipefail
bin=$1
node=$2
js=$3
data=$4
dialect=$5
work=$(mktemp -d)
fail() { echo "FAIL: $*" >&2; exit 1; }
dbs=()
if [[ $dialect == postgres ]]; then
  admin=$(cat "$6/postgres.uri")
  suffix="_$$_${RANDOM}"
fi
cleanup() {
  for db in "${dbs[@]}"; do psql "$admin" -qAtc "DROP DATABASE IF EXISTS $db$suffix" >/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
# The warehouse URI of database NAME (created on first use with postgres).
wh() {
  if [[ $dialect == sqlite ]]; then echo "sqlite://$work/$1.db"; return; fi
  echo "${admin%/*}/replay_$1$suffix"
}
for name in original fresh inplace x empty; do
  if [[ $dialect == postgres ]]; then
    psql "$admin" -qAtc "CREATE DATABASE replay_$name$suffix" >/dev/null
    dbs+=("replay_$name")
  fi
done
# Runs SQL on database NAME; rows as a|b|c lines.
sql() {
  if [[ $dialect == sqlite ]]; then sqlite3 "$work/$1.db" "$2"; else psql "$(wh "$1")" -qAtc "$2"; fi
}
duckdb() { "$node" "$js/duckdb_query.mjs" "$@"; }

# Raw objects: each sample split in three, the real fluentd object, a gzip copy of the listens
# (all duplicates) and an object with bad lines (quarantined).
for s in listen_events page_view_events auth_events; do
  mkdir -p "$work/raw/Raw/$s"
  split -n l/3 -d --additional-suffix=.json "$data/$s.jsonl" "$work/raw/Raw/$s/2024010112_"
done
cp "$data/fluentd-s3-object_2023061719_20.json" "$work/raw/Raw/listen_events/2023061719_20.json"
gzip -c "$data/listen_events.jsonl" >"$work/raw/Raw/listen_events/2023061720_0.gz"
{ head -n 3 "$data/page_view_events.jsonl"; echo 'not json'; echo '{"ts":"x"}'; } \
  >"$work/raw/Raw/page_view_events/2023061720_1.json"

"$bin" run --source "file://$work/raw" --lake "file://$work/lake" \
  --warehouse "$(wh original)" --until-idle 2>"$work/run.log" >"$work/run.json" \
  || { cat "$work/run.log" >&2; fail "run"; }
rm -rf "$work/raw"

replay() {
  "$bin" replay --from-bronze "$@" 2>>"$work/replay.log" || { cat "$work/replay.log" >&2; fail "replay $*"; }
}
# Fresh lake and warehouse.
out=$(replay --lake "file://$work/lake" --to-lake "file://$work/fresh" \
  --warehouse "$(wh fresh)")
[[ $out == '{"in_place":false,"bronze_objects":12,"unparsed_names":0,'*'"failed_batches":0,'*'"quarantined":2,"not_committed":0,"replaced_files":0}' ]] \
  || fail "fresh summary: $out"
# In place, on a copy of the original lake.
cp -r "$work/lake" "$work/inplace"
# (The tables' Iceberg metadata is rebuilt under the same names: v1.metadata.json, ...)
data_files() { (cd "$work/$1" && find silver quarantine -type f -not -path 'silver/*/metadata/*' | sort); }
old_silver=$(data_files inplace)
out=$(replay --lake "file://$work/inplace" --warehouse "$(wh inplace)")
[[ $out == '{"in_place":true,"bronze_objects":12,'*'"not_committed":0,"replaced_files":'[1-9]*'}' ]] \
  || fail "in-place summary: $out"
new_silver=$(data_files inplace)
[[ -z $(comm -12 <(echo "$old_silver") <(echo "$new_silver")) ]] || fail "old silver files kept"
# Running it again finds everything committed: nothing changes. (--to-lake naming the same lake,
# spelled differently, is in place too.)
out=$(replay --lake "file://$work/inplace" --to-lake "file://$work/inplace/" --warehouse "$(wh inplace)")
[[ $out == '{"in_place":true,'*'"batches":0,'*'"replaced_files":0}' ]] || fail "second in-place run: $out"
[[ $(data_files inplace) == "$new_silver" ]] || fail "second in-place run changed files"

report() { "$bin" report --warehouse "$(wh "$1")" --from 2000-01-01 --to 2100-01-01 --top 50 --format json; }
facts() {
  for t in fact_listen fact_page_view fact_auth fact_status_change; do
    sql "$1" "SELECT count(*) FROM $t"
    # The lake's 32 hex digits, as the warehouse's views show the key it stores as bytes.
    if [[ $dialect == sqlite ]]; then key="lower(hex(event_key))"; else key="replace(event_key::text, '-', '')"; fi
    sql "$1" "SELECT $key FROM $t ORDER BY 1" | md5sum
  done
}
# The bronze key is left out: a replay into a fresh lake archives each batch anew (another batch
# id); archived_in() checks that every key a ledger names is an archive of its lake.
ledger() { sql "$1" "SELECT object_key, etag, sha256, status, events, quarantined FROM ingest_object ORDER BY 1, 2"; }
archived_in() {
  local key
  while read -r key; do
    [[ -f $work/$2/$key ]] || fail "$1: bronze key $key is not in lake $2"
  done < <(sql "$1" "SELECT DISTINCT bronze_key FROM ingest_object WHERE status = 'committed'")
}
silver() {
  duckdb "SELECT count(*) AS n, count(DISTINCT event_key) AS keys, string_agg(DISTINCT source_key, ',' ORDER BY source_key) AS sources
          FROM read_parquet('$work/$1/silver/*/*/*.parquet', union_by_name = true)"
}
expected_report=$(report original)
[[ $expected_report == *'"plays":'* ]] || fail "original report has no plays: $expected_report"
expected_silver=$(silver lake)
[[ $expected_silver == *'Raw/listen_events/2023061719_20.json'* ]] || fail "silver lineage: $expected_silver"
for target in fresh:fresh inplace:inplace; do
  db=${target%%:*}
  lake=${target##*:}
  [[ $(report "$db") == "$expected_report" ]] || fail "$db: report differs"
  [[ $(facts "$db") == "$(facts original)" ]] || fail "$db: fact event keys differ"
  [[ $(ledger "$db") == "$(ledger original)" ]] || fail "$db: ledger differs"
  archived_in "$db" "$lake"
  [[ $(silver "$lake") == "$expected_silver" ]] || fail "$db: silver differs: $(silver "$lake")"
done
archived_in original lake
# The replays rebuilt the Iceberg tables: icebird, through version-hint.text, reads the same events
# from each lake's table, each once, and DuckDB reads them from the data files the manifests list.
iceberg() {
  "$node" "$js/iceberg_read.mjs" "$work/$1" "file://$work/$1/silver/$2" | "$node" -e '
    let text = ""
    process.stdin.on("data", (d) => { text += d }).on("end", () => {
      const r = JSON.parse(text)
      const ids = (t) => t.rows.map((row) => row[t.columns.indexOf("event_key")]).sort()
      const got = ids(r.icebird)
      if (new Set(got).size !== got.length) { console.error("an event twice"); process.exit(1) }
      if (JSON.stringify(ids(r.duckdb)) !== JSON.stringify(got)) { console.error("duckdb differs"); process.exit(1) }
      console.log(got.length + " " + require("node:crypto").createHash("md5").update(got.join()).digest("hex"))
    })'
}
for stream in listen_events page_view_events auth_events; do
  want=$(iceberg lake "$stream") || fail "lake: Iceberg table $stream unreadable"
  [[ $want != "0 "* ]] || fail "lake: Iceberg table $stream is empty"
  for lake in fresh inplace; do
    [[ $(iceberg "$lake" "$stream") == "$want" ]] || fail "$lake: Iceberg table $stream differs"
  done
done
# The fresh lake's bronze holds the same raw objects under the same keys, byte for byte, as GNU tar
# extracts them.
for lake in lake fresh; do
  mkdir -p "$work/extracted-$lake"
  find "$work/$lake/bronze" -name '*.tar' -exec tar -xf {} -C "$work/extracted-$lake" \;
done
[[ -n $(find "$work/extracted-lake" -type f) ]] || fail "no object in the bronze archives"
diff -r "$work/extracted-lake" "$work/extracted-fresh" >/dev/null || fail "fresh bronze differs"

# Options that cannot work are refused with a reason.
if err=$("$bin" replay --from-bronze --lake "file://$work/inplace" --warehouse "$(wh x)" \
  --since 2024-01-01 2>&1); then fail "in place with --since accepted"; fi
[[ $err == *'--to-lake'* ]] || fail "since without to-lake: $err"
if err=$("$bin" replay --from-bronze --lake "file://$work/lake" --to-lake "file://$work/never" \
  --warehouse "$(wh x)" --until 2024-02-30 2>&1); then fail "--until 2024-02-30 accepted"; fi
[[ $err == "tributary: not a YYYY-MM-DD date: 2024-02-30" ]] || fail "impossible date: $err"
if err=$("$bin" replay --lake "file://$work/lake" --warehouse "$(wh x)" 2>&1); then
  fail "replay without --from-bronze accepted"
fi
# --since after every ingest date selects nothing.
out=$(replay --lake "file://$work/lake" --to-lake "file://$work/empty" \
  --warehouse "$(wh empty)" --since 2999-01-01)
[[ $out == '{"in_place":false,"bronze_objects":0,'* ]] || fail "since: $out"
# Only the selected objects count as not committed: in the original warehouse, whose ledger also
# holds a raw object that vanished before it was read (never archived), a replay of every stream
# or of one finds all of them committed and changes nothing.
sql original "INSERT INTO ingest_object (object_key, etag, stream, size_bytes, status, last_error,
  first_seen_ms, updated_ms) VALUES ('Raw/listen_events/2024010113_0.json',
  'd41d8cd98f00b204e9800998ecf8427e', 'listen_events', 0, 'vanished',
  'deleted before it could be read', 0, 0)"
before=$(cd "$work/lake" && find . -type f | sort | xargs md5sum)
for streams in "" "--stream page_view_events"; do
  # shellcheck disable=SC2086 # $streams: no option, or one with its value
  out=$(replay --lake "file://$work/lake" --warehouse "$(wh original)" $streams)
  [[ $out == '{"in_place":true,'*'"batches":0,'*'"not_committed":0,"replaced_files":0}' ]] \
    || fail "replay into the original warehouse ($streams): $out"
done
[[ $(cd "$work/lake" && find . -type f | sort | xargs md5sum) == "$before" ]] \
  || fail "replay into the original warehouse changed the lake"
echo "replay: ok"
