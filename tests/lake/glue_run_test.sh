#!/usr/bin/env bash
# `tributary run --until-idle` with a Glue database configured, against the Glue test server
# (tests/fixtures/glue_server.mjs: no Glue can run here, so a local server speaking Glue's JSON
# protocol stands in for it): afterwards every silver table's Glue metadata_location must be
# <lake>/silver/<stream>/metadata/v<N>.metadata.json, N the table's version-hint.text, with
# table_type=ICEBERG. One object per batch makes several commits per table, so the pointer has
# moved, and previous_metadata_location names the version before; `compact` then moves it to the
# replace snapshots.
#
# CTest sets the e2e environment (tests/ingest/e2e_lib.sh) and GLUE_ENV, the `glue` fixture's
# env file. Needs the commit path's Iceberg publishing (CommitOptions::external_catalog).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/ingest/e2e_lib.sh
source "$here/../ingest/e2e_lib.sh"

endpoint=$(sed -n 's/^GLUE_ENDPOINT=//p' "${GLUE_ENV:?}")
[[ -n $endpoint ]] || fail "no Glue test server (run through ctest, which starts the fixture)"
database="test_run_$$"

make_bucket 0
source_uri="file://$work/source"
lake_uri="file://$work/lake"
mkdir -p "$work/source" "$work/lake"
upload_bucket "$source_uri"
cat >"$work/tributary.yaml" <<YAML
ingest:
  batch_max_objects: 1
glue:
  database: $database
  region: eu-west-1
YAML
# The server knows this key; the lake and the source are directories and need none.
export AWS_ACCESS_KEY_ID=AKIDGLUETEST AWS_SECRET_ACCESS_KEY=glue-test-secret \
  AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
  AWS_ENDPOINT_URL_GLUE=$endpoint
run() {
  "$TRIBUTARY" run --config "$work/tributary.yaml" --source "$source_uri" --lake "$lake_uri" \
    --state "sqlite://$work/state.db" --until-idle >"$work/$1.json" 2>"$work/$1.log" ||
    { cat "$work/$1.log" >&2; fail "$1 exited non-zero"; }
  ! grep -q 'glue_secret\|glue-test-secret' "$work/$1.log" || fail "$1 logged the secret"
}
run run1
note "run 1: $(cat "$work/run1.json")"

tables() { curl -fsS "$endpoint/_fixture/tables"; }
check_glue() {
  local glue checked=0 stream hint
  glue=$(tables)
  for stream in listen_events page_view_events auth_events status_change_events; do
    [[ -d $work/lake/silver/$stream ]] || continue
    hint=$(cat "$work/lake/silver/$stream/metadata/version-hint.text") ||
      fail "$stream has silver files but no version-hint.text"
    local want="$lake_uri/silver/$stream/metadata/v$hint.metadata.json"
    [[ -f $work/lake/silver/$stream/metadata/v$hint.metadata.json ]] || fail "no $want"
    local got type
    got=$(jq -r --arg t "$database.$stream" '.[$t].Parameters.metadata_location' <<<"$glue")
    type=$(jq -r --arg t "$database.$stream" '.[$t].Parameters.table_type' <<<"$glue")
    [[ $got == "$want" ]] || fail "$stream: Glue points at $got, the lake's current is $want"
    [[ $type == ICEBERG ]] || fail "$stream: table_type $type"
    checked=$((checked + 1))
  done
  ((checked >= 2)) || fail "only $checked tables checked"
  [[ -d $work/lake/silver/listen_events ]] || fail "no listen_events table"
  ((checked == $(jq --arg p "$database." '[keys[] | select(startswith($p))] | length' <<<"$glue"))) ||
    fail "Glue has tables the lake does not: $glue"
}
check_glue
hint=$(cat "$work/lake/silver/listen_events/metadata/version-hint.text")
((hint >= 2)) || fail "listen_events has one commit only; the test means to move the pointer"
previous=$(tables | jq -r --arg t "$database.listen_events" '.[$t].Parameters.previous_metadata_location')
[[ $previous == "$lake_uri/silver/listen_events/metadata/v$((hint - 1)).metadata.json" ]] ||
  fail "listen_events at v$hint: previous_metadata_location $previous"

# A second run with nothing new commits nothing; Glue stays where it is.
before=$(tables)
run run2
grep -q '"batches":0,' "$work/run2.json" || fail "run 2 did work: $(cat "$work/run2.json")"
[[ $(tables) == "$before" ]] || fail "run 2 changed Glue"
check_glue

# compact merges the one-object files into replace snapshots and moves Glue to them, as run moves
# it after a commit.
hints() { cat "$work"/lake/silver/*/metadata/version-hint.text | awk '{ s += $1 } END { print s }'; }
versions_before=$(hints)
"$TRIBUTARY" compact --config "$work/tributary.yaml" --lake "$lake_uri" \
  --state "sqlite://$work/state.db" >"$work/compact.json" 2>"$work/compact.log" ||
  { cat "$work/compact.log" >&2; fail "compact exited non-zero"; }
note "compact: $(cat "$work/compact.json")"
jq -e '.removed > 0' "$work/compact.json" >/dev/null || fail "compact merged nothing"
(($(hints) > versions_before)) || fail "compact made no new table version"
check_glue
echo "glue run: ok"
