#!/usr/bin/env bash
# `tributary compact` on a lake built by `tributary run`: the manifest lives in the state
# database, so compact refuses to work on the lake's copy alone, and with --warehouse it merges a
# partition's files, keeps every row, and leaves the database and the lake's copy in agreement;
# it takes its URIs from the environment as `run` does.
set -euo pipefail
bin=$1
data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

raw=$work/raw/Raw/listen_events
mkdir -p "$raw"
cp "$data/listen_events.jsonl" "$raw/2023061719_0.json"
run() {
  "$bin" run --source "file://$work/raw" --lake "file://$work/lake" \
    --warehouse "sqlite://$work/wh.db" --until-idle 2>>"$work/log" >/dev/null
}
run
# A second object of other sessions lands in the same event dates: a second file per partition.
sed 's/"sessionId":\([0-9]*\)/"sessionId":9\1/' "$data/listen_events.jsonl" > "$raw/2023061720_0.json"
run
files() { find "$work/lake/silver" -name '*.parquet' | wc -l; }
before=$(files)
rows_before=$(sqlite3 "$work/wh.db" "SELECT sum(rows) FROM lake_file WHERE kind = 'silver'")

if "$bin" compact --lake "file://$work/lake" 2>"$work/err"; then fail "compact without --warehouse"; fi
grep -q "pass --warehouse" "$work/err" || fail "message: $(cat "$work/err")"

# A database that is not the lake's has an empty manifest, by which every silver file is garbage:
# a mistyped path or the wrong database is refused, and nothing is deleted.
if "$bin" compact --lake "file://$work/lake" --warehouse "sqlite://$work/typo.db" \
  --gc-grace-minutes 0 >/dev/null 2>"$work/err"; then fail "compact with a missing database"; fi
[[ $(cat "$work/err") == "tributary: no SQLite warehouse at $work/typo.db" ]] || fail "message: $(cat "$work/err")"
[[ ! -e $work/typo.db ]] || fail "compact created $work/typo.db"
sqlite3 "$work/other.db" "CREATE TABLE unrelated (x)"
if "$bin" compact --lake "file://$work/lake" --warehouse "sqlite://$work/other.db" \
  --gc-grace-minutes 0 >/dev/null 2>"$work/err"; then fail "compact with another database"; fi
grep -q "lists no lake files but this lake's manifest lists" "$work/err" || fail "message: $(cat "$work/err")"
(( $(files) == before )) || fail "a refused compact deleted files: $before -> $(files)"

# With the default retention the replaced files stay for the Iceberg snapshot before the
# compaction (time travel); a retention of 0 expires that snapshot and deletes them.
out=$("$bin" compact --lake "file://$work/lake" --warehouse "sqlite://$work/wh.db" --gc-grace-minutes 0)
[[ $out == *'"removed":2'* ]] || fail "nothing merged: $out"
(( $(files) == before + 1 )) || fail "files $before -> $(files): the replaced files are gone"
# (The retention from the configuration file `run` reads.)
printf 'silver:\n  snapshot_retention_hours: 0\n' >"$work/config.yaml"
out=$("$bin" compact --lake "file://$work/lake" --warehouse "sqlite://$work/wh.db" --gc-grace-minutes 0 \
  --config "$work/config.yaml")
[[ $out == *'"removed":0'* && $out != *'"expired_snapshots":0,'* ]] || fail "nothing expired: $out"
after=$(files)
(( after == before - 1 )) || fail "files $before -> $after"
rows_after=$(sqlite3 "$work/wh.db" "SELECT sum(rows) FROM lake_file WHERE kind = 'silver'")
[[ $rows_after == "$rows_before" ]] || fail "rows $rows_before -> $rows_after"
# Every committed file exists, and every silver file is committed.
sqlite3 "$work/wh.db" "SELECT file_key FROM lake_file WHERE kind = 'silver' ORDER BY 1" > "$work/db"
(cd "$work/lake" && find silver -name '*.parquet' | sort) > "$work/files"
diff "$work/db" "$work/files" || fail "lake_file and silver/ differ"
[[ $(grep -o '"key"' "$work/lake/_tributary/manifest.json" | wc -l) == "$(wc -l < "$work/db")" ]] \
  || fail "the lake's manifest copy is stale"

# A scheduled task passes its URIs the way `run` takes them, in the environment (no password on
# a command line): a third object adds a file to the merged partition, and compact merges it.
sed 's/"sessionId":\([0-9]*\)/"sessionId":8\1/' "$data/listen_events.jsonl" > "$raw/2023061721_0.json"
run
out=$(TRIBUTARY_LAKE="file://$work/lake" TRIBUTARY_WAREHOUSE="sqlite://$work/wh.db" \
  "$bin" compact --gc-grace-minutes 0 --snapshot-retention-hours 0)
[[ $out == *'"removed":2'* ]] || fail "compact from the environment merged nothing: $out"
(( $(files) == after )) || fail "files after the environment's compaction: $(files), want $after"
echo "compact on a run-built lake: ok ($before -> $after files, $rows_after rows)"
