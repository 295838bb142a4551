#!/usr/bin/env bash
# The notification path: a streaming `tributary run --listen 127.0.0.1:0` that lists the source
# only at start (poll interval 10 minutes) learns of a new object from a MinIO-style S3 event
# POSTed to /hooks/minio, and its events become queryable in seconds, long before the next poll.
# Then SIGTERM stops it cleanly: exit status 0.
# The source is on s3rver under a prefix (s3://bucket/prefix/raw): notifications name objects by
# their full key in the bucket, the store by its key under the prefix.
set -euo pipefail
# shellcheck source=tests/ingest/e2e_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"

use_s3rver
prefix="e2e-hook-$$-$RANDOM"
source_uri="s3://tributary-test/$prefix/raw"
lake_uri="file://$work/lake"
state=$(new_database postgres)
cat >"$work/config.yaml" <<'YAML'
ingest:
  poll_interval_ms: 600000
  full_sweep_interval_s: 3600
YAML

make_bucket 1
late_key=Raw/listen_events/2023122501_0.json  # arrives while the run is streaming
while read -r key; do
  [[ $key == "$late_key" ]] || "$E2E_TOOL" put "$source_uri" "$key" "$work/bucket/$key"
done < <(bucket_keys)
vanish=$(expected_value vanish_key)
"$E2E_TOOL" see "$source_uri" "$state" "$vanish"
"$E2E_TOOL" remove "$source_uri" "$vanish"

"$TRIBUTARY" run --source "$source_uri" --lake "$lake_uri" --warehouse "$state" \
  --config "$work/config.yaml" --listen 127.0.0.1:0 >"$work/run.json" 2>"$work/run.log" &
run_pid=$!
cleanups+=("kill -9 $run_pid 2>/dev/null")

run_log=$work/run.log  # for wait_for (e2e_lib.sh)
listening_port() { sed -n 's/.*"event":"http.listening".*"port":\([0-9]*\).*/\1/p' "$work/run.log"; }
has_port() { [[ -n $(listening_port) ]]; }
wait_for 30 has_port || fail "no http.listening line: $(cat "$work/run.log")"
port=$(listening_port)
note "listening on 127.0.0.1:$port"

initial_done() {
  [[ $(status_value "$state" objects.seen) == 0 && $(status_value "$state" objects.claimed) == 0 &&
    $(status_value "$state" objects.committed) -gt 0 ]]
}
wait_for 120 initial_done || fail "the start-up sweep was not processed"
listens_before=$(sql "$state" "SELECT count(*) FROM fact_listen")

"$E2E_TOOL" put "$source_uri" "$late_key" "$work/bucket/$late_key"
size=$(stat -c %s "$work/bucket/$late_key")
encoded_key=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "$prefix/raw/$late_key")
cat >"$work/event.json" <<JSON
{"EventName": "s3:ObjectCreated:Put", "Key": "tributary-test/$prefix/raw/$late_key",
 "Records": [{"eventVersion": "2.0", "eventSource": "minio:s3", "awsRegion": "",
   "eventName": "s3:ObjectCreated:Put", "eventTime": "2026-01-01T00:00:00.000Z",
   "s3": {"s3SchemaVersion": "1.0", "configurationId": "Config",
     "bucket": {"name": "tributary-test", "arn": "arn:aws:s3:::tributary-test"},
     "object": {"key": "$encoded_key", "size": $size, "contentType": "application/json",
       "sequencer": "17A1B2C3D4E5F607"}}}]}
JSON
posted=$SECONDS
response=$(curl -sS --fail-with-body -X POST -H 'Content-Type: application/json' \
  --data-binary "@$work/event.json" "http://127.0.0.1:$port/hooks/minio") ||
  fail "webhook refused: $response"
[[ $response == '{"objects":1}' ]] || fail "the webhook did not announce one new object: $response"

late_events=$(grep -c . "$work/bucket/$late_key")
new_listens_loaded() {
  [[ $(sql "$state" "SELECT count(*) FROM fact_listen") -eq $((listens_before + late_events)) ]]
}
wait_for 30 new_listens_loaded || fail "the notified object's events were not loaded within 30 s"
latency=$((SECONDS - posted))
note "the notified object's $late_events events were queryable within $latency s of the POST"
check_run "$lake_uri" "$state" warehouse

kill -TERM "$run_pid"
status=0
wait "$run_pid" || status=$?
[[ $status == 0 ]] || { tail -5 "$work/run.log" >&2; fail "SIGTERM: exit status $status"; }
grep -q '"event":"run.stopping"' "$work/run.log" || fail "no run.stopping log line"
echo "webhook: object loaded within $latency s of its notification (poll interval 600 s); SIGTERM exit 0: ok"
