#!/usr/bin/env bash
# The hostile-input corpus (tests/data/hostile/, its README.md says what each object is) through
# `tributary run --until-idle`, on one of two setups:
#   hostile_test.sh file-sqlite   file:// source and lake, the embedded SQLite warehouse
#   hostile_test.sh s3-postgres   source and lake on s3rver, warehouse on PostgreSQL
# Every hostile object sits between good objects of its stream. After one run, for every object
# of expected.tsv: its ledger row (status, events, quarantined), its quarantine records (reason
# and line number, exactly), its bronze copy (SHA-256 of the raw bytes); then the facts and
# silver hold exactly the good events, nothing is stuck (tributary status), every lake file is in
# the manifest, and the run's peak RSS stayed under a bound set by the decode limits.
set -euo pipefail
# shellcheck source=tests/ingest/e2e_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../ingest/e2e_lib.sh"
setup=${1:?usage: hostile_test.sh file-sqlite|s3-postgres}
corpus=$E2E_DATA/hostile

case $setup in
  s3-postgres)
    use_s3rver
    prefix="hostile-$$-$RANDOM"
    source_uri="s3://tributary-test/$prefix/raw"
    lake_uri="s3://tributary-test/$prefix/lake"
    state=$(new_database postgres)
    ;;
  file-sqlite)
    source_uri="file://$work/source"
    lake_uri="file://$work/lake"
    mkdir -p "$work/source" "$work/lake"
    state=$(new_database sqlite)
    ;;
  *) fail "unknown setup $setup" ;;
esac

# The decode limits the run uses, and so what bounds its memory: a plain object is decoded where
# it lies, a compressed one inflates into a buffer of at most max_object_bytes (grown by
# doubling, so a growth step briefly holds 1.5 times that), next to the batch's other raw objects
# (under batch_max_bytes) and the process itself.
max_object_bytes=$((128 << 20))
huge_line_bytes=100000000
cat >"$work/config.yaml" <<EOF
ingest:
  batch_max_objects: 3        # several batches per stream, each mixing good and hostile objects
decode:
  max_line_bytes: 1048576
  quarantine_line_cap: 16384
  max_object_bytes: $max_object_bytes
EOF

# generated:huge-line: a listen event, a line of $huge_line_bytes bytes (a JSON object with one
# long string), another listen event; plain, so the raw object itself is 100 MB.
make_huge_line() {
  {
    sed -n 31p "$E2E_DATA/listen_events.jsonl"
    printf '{"blob":"'
    head -c $((huge_line_bytes - 11)) /dev/zero | tr '\0' x
    printf '"}\n'
    sed -n 32p "$E2E_DATA/listen_events.jsonl"
  } >"$1"
}
# generated:gzip-bomb: a gzip member holding one listen event, then 4096 members of 1 MiB of
# zero bytes each (1 KiB compressed): 4 MiB that inflate to 4 GiB.
make_gzip_bomb() {
  sed -n 33p "$E2E_DATA/listen_events.jsonl" | gzip -n >"$1"
  head -c $((1 << 20)) /dev/zero | gzip -n -9 >"$work/zeros.gz"
  local i
  for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
    cat "$work/zeros.gz" "$work/zeros.gz" >"$work/zeros2.gz"
    mv "$work/zeros2.gz" "$work/zeros.gz"
  done
  cat "$work/zeros.gz" >>"$1"
  rm "$work/zeros.gz"
}

# The raw objects: each row's file, generated or from the corpus, in $work/raw/<key>.
manifest_rows() { grep -v '^#' "$corpus/expected.tsv"; }
while IFS=$'\t' read -r file key _; do
  mkdir -p "$(dirname "$work/raw/$key")"
  case $file in
    generated:huge-line) make_huge_line "$work/raw/$key" ;;
    generated:gzip-bomb) make_gzip_bomb "$work/raw/$key" ;;
    # One byte over the limit: refused unread (failed), however large such an object may be.
    generated:oversize) truncate -s $((max_object_bytes + 1)) "$work/raw/$key" ;;
    generated:*) fail "unknown generated object $file" ;;
    *) cp "$corpus/$file" "$work/raw/$key" ;;
  esac
  "$E2E_TOOL" put "$source_uri" "$key" "$work/raw/$key"
done < <(manifest_rows)
note "$(manifest_rows | wc -l) objects in the source"

# The one object too large to read ends failed: the run goes through and exits 2 (checked below).
rc=0
/usr/bin/time -f %M -o "$work/peak_rss_kb" "$TRIBUTARY" run --source "$source_uri" \
  --lake "$lake_uri" --warehouse "$state" --config "$work/config.yaml" --until-idle \
  >"$work/run.json" 2>"$work/run.log" || rc=$?
((rc == 2)) || { cat "$work/run.log" >&2; fail "run exited $rc, not 2 for its one failed object"; }
note "run: $(cat "$work/run.json")"

# The ledger: every object's status, events and quarantined count as expected.
expected_records() {
  # One line per expected quarantine record: key, line number, the reasons it may carry ("|").
  manifest_rows | awk -F '\t' '$5 != "-" {
    n = split($5, groups, ";")
    for (g = 1; g <= n; g++) {
      at = index(groups[g], "@")
      reasons = substr(groups[g], 1, at - 1)
      m = split(substr(groups[g], at + 1), parts, ",")
      for (p = 1; p <= m; p++) {
        if (split(parts[p], range, "-") == 2) {
          for (l = range[1]; l <= range[2]; l++) print $2 "\t" l "\t" reasons
        } else {
          print $2 "\t" parts[p] "\t" reasons
        }
      }
    }
  }' | LC_ALL=C sort
}
expected_records >"$work/want_records.tsv"
manifest_rows | while IFS=$'\t' read -r _ key status events _; do
  quarantined=$(awk -F '\t' -v k="$key" '$1 == k' "$work/want_records.tsv" | wc -l)
  [[ $status == ignored || $status == failed ]] && quarantined=-
  printf '%s|%s|%s|%s\n' "$key" "$status" "$events" "$quarantined"
done | LC_ALL=C sort >"$work/want_ledger.txt"
sql "$state" "SELECT object_key || '|' || status || '|' || coalesce(CAST(events AS TEXT), '-')
  || '|' || coalesce(CAST(quarantined AS TEXT), '-') FROM ingest_object" |
  LC_ALL=C sort >"$work/ledger.txt"
diff "$work/want_ledger.txt" "$work/ledger.txt" >&2 ||
  fail "ledger differs from expected.tsv; errors: $(sql "$state" "SELECT object_key || ': ' ||
    last_error FROM ingest_object WHERE last_error IS NOT NULL AND status <> 'ignored'")"

# The quarantine: exactly the expected records, each with an allowed reason.
lake=$(local_lake "$lake_uri")
find "$lake/quarantine" -name '*.jsonl' -exec cat {} + >"$work/quarantine.jsonl"
jq -r '[.source_key, .line_number, .reason] | @tsv' "$work/quarantine.jsonl" |
  LC_ALL=C sort >"$work/records.tsv"
awk -F '\t' 'NR == FNR { allowed[$1 "\t" $2] = $3; next }
  !(($1 "\t" $2) in allowed) { print "unexpected record: " $0; bad = 1; next }
  { n = split(allowed[$1 "\t" $2], r, "|"); ok = 0
    for (i = 1; i <= n; i++) if (r[i] == $3) ok = 1
    if (!ok) { print "wrong reason: " $0 " (expected " allowed[$1 "\t" $2] ")"; bad = 1 }
    seen[$1 "\t" $2]++ }
  END { for (k in allowed) if (seen[k] != 1) { print "record missing or repeated: " k; bad = 1 }
        exit bad }' "$work/want_records.tsv" "$work/records.tsv" >&2 ||
  fail "quarantine records differ from expected.tsv"
note "$(wc -l <"$work/records.tsv") quarantine records, reasons: $(cut -f3 "$work/records.tsv" |
  LC_ALL=C sort | uniq -c | awk '{printf "%s %s, ", $2, $1}')"

# What the records keep: a capped prefix and the full length of the 100 MB line, the length of
# the bomb's cut tail, and the exact bytes (base64) of every line that is not valid UTF-8.
record() { jq -c --arg k "$1" --argjson n "$2" 'select(.source_key == $k and .line_number == $n)' \
  "$work/quarantine.jsonl"; }
key_of() { manifest_rows | awk -F '\t' -v f="$1" '$1 == f { print $2 }'; }
huge=$(record "$(key_of generated:huge-line)" 2)
[[ $(jq '.line_bytes' <<<"$huge") == "$huge_line_bytes" ]] || fail "huge line: line_bytes"
[[ $(jq '.line | length' <<<"$huge") == 16384 ]] || fail "huge line: not capped at 16 KiB"
bomb_first_line=$(($(sed -n 33p "$E2E_DATA/listen_events.jsonl" | wc -c)))
bomb=$(record "$(key_of generated:gzip-bomb)" 2)
[[ $(jq '.line_bytes' <<<"$bomb") == $((max_object_bytes - bomb_first_line)) ]] ||
  fail "gzip bomb: not cut at max_object_bytes ($(jq -c '{byte_offset, line_bytes}' <<<"$bomb"))"
utf8_key=$(key_of page_view_events/invalid-utf8.json)
for n in 2 3 4 5 7; do
  r=$(record "$utf8_key" "$n")
  [[ $(jq -r '.line_base64' <<<"$r" | base64 -d | od -An -tx1) == \
    $(sed -n "${n}p" "$work/raw/$utf8_key" | head -c -1 | od -An -tx1) ]] ||
    fail "invalid UTF-8 line $n: line_base64 is not the line's bytes"
done

# Bronze: every committed object archived with the SHA-256 of its raw bytes, in its batch's
# archive; every archive in the lake is a committed batch's.
while IFS='|' read -r key sha bronze; do
  [[ $(sha256sum <"$work/raw/$key" | cut -d' ' -f1) == "$sha" ]] || fail "$key: wrong sha256"
  [[ -n $bronze ]] || fail "$key: no bronze copy"
  printf '%s\n' "$bronze"
done < <(sql "$state" "SELECT object_key || '|' || sha256 || '|' || bronze_key FROM ingest_object
  WHERE status = 'committed'") >"$work/bronze_keys.txt"
"$E2E_TOOL" keys "$lake_uri" bronze/ | LC_ALL=C sort >"$work/bronze_listed.txt"
LC_ALL=C sort -u "$work/bronze_keys.txt" | diff - "$work/bronze_listed.txt" >&2 ||
  fail "bronze copies differ from the ledger's bronze keys"

# The good events around the hostile ones: all loaded, once, in facts and silver.
for stream in listen page_view; do
  want=$(manifest_rows | awk -F '\t' -v s="Raw/${stream}_events/" \
    'index($2, s) == 1 && $4 != "-" { n += $4 } END { print n + 0 }')
  [[ $(sql "$state" "SELECT count(*) || '|' || count(DISTINCT event_key) FROM fact_$stream") == \
    "$want|$want" ]] || fail "fact_$stream does not hold the $want good events once each"
  [[ $(sql "$state" "SELECT coalesce(sum(rows), 0) FROM lake_file WHERE kind = 'silver'
    AND table_name = '${stream}_events'") == "$want" ]] ||
    fail "silver ${stream}_events does not hold the $want good events"
done

# Nothing stuck, nothing orphaned; the one object too large to read is failed with its reason.
for status in objects.seen objects.claimed batches.claimed batches.committed; do
  [[ $(status_value "$state" "$status") == 0 ]] || fail "status $status is not 0"
done
[[ $(status_value "$state" objects.ignored) == 2 ]] || fail "status objects.ignored is not 2"
[[ $(status_value "$state" objects.failed) == 1 ]] || fail "status objects.failed is not 1"
oversize=$(key_of generated:oversize)
[[ $(sql "$state" "SELECT last_error FROM ingest_object WHERE object_key = '$oversize'") == \
  "object_too_large: $((max_object_bytes + 1)) bytes, more than decode.max_object_bytes ($max_object_bytes); not read" ]] ||
  fail "$oversize: not failed as object_too_large"
[[ $(tail -n 1 "$work/run.log") == "tributary: 1 object failed: $oversize (object_too_large: "* ]] ||
  fail "the run's last line does not name the failed object: $(tail -n 1 "$work/run.log")"
(cd "$lake" && find silver quarantine -type f -not -path 'silver/*/metadata/*' | LC_ALL=C sort) \
  >"$work/lake_files.txt"
sql "$state" "SELECT file_key FROM lake_file" | LC_ALL=C sort >"$work/lake_file_rows.txt"
diff "$work/lake_file_rows.txt" "$work/lake_files.txt" >&2 || fail "lake files and lake_file differ"

# Memory: the bomb inflates to 4 GiB and the longest line is 100 MB, yet the run must stay within
# twice max_object_bytes (see the config above; a decoder that copied plain objects, or a
# zero-filled bronze buffer, needed three times the 100 MB object). ASan's shadow memory and
# quarantine multiply memory use, so under E2E_SHORT (sanitizer builds) only the figure is printed.
peak_mb=$(($(tail -n 1 "$work/peak_rss_kb") / 1024))
bound_mb=$((2 * (max_object_bytes >> 20)))
if [[ -n ${E2E_SHORT:-} ]]; then
  note "peak RSS ${peak_mb} MiB (sanitizer build: not held to the ${bound_mb} MiB bound)"
elif ((peak_mb > bound_mb)); then
  fail "peak RSS ${peak_mb} MiB exceeds ${bound_mb} MiB"
else
  note "peak RSS ${peak_mb} MiB (bound ${bound_mb} MiB)"
fi
echo "hostile input ($setup): ok"
