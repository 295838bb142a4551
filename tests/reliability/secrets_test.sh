#!/usr/bin/env bash
# Secrets never leave tributary, whatever fails. The real binary gets distinctive secrets through
# the environment, URIs and a config file (AWS secret key and session token, PostgreSQL passwords
# in the URI's user info, in ?password= and in PGPASSWORD, the webhook token), then every error
# path this test can reach is driven: S3 refusing the key (403) and unreachable, PostgreSQL refusing
# the password and unreachable, bad config files, invalid URIs carrying passwords, a misplaced
# argument, each command (run, report, status, replay, catalog, compact, generate), both log
# formats and the debug level, and a streaming run with a listener: webhooks without or with a
# wrong token, a batch that fails on the warehouse, and every page it serves. Everything printed
# (stdout, stderr, HTTP responses) is kept, and at the end no secret may appear in it, in any
# spelling (as given, percent-encoded, or its distinctive core alone, which catches a secret cut
# in two), while each failure's message must still name what failed.
set -euo pipefail
# shellcheck source=tests/ingest/e2e_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../ingest/e2e_lib.sh"

out=$work/out
mkdir -p "$out"
use_s3rver
endpoint=$AWS_ENDPOINT_URL
prefix="secrets-$$-$RANDOM"
pg_server=$(cat "${E2E_PG_STATE:?}/postgres.uri")  # postgresql://tributary:<pw>@127.0.0.1:<port>/postgres
pg_hostport=${pg_server#*@}
pg_hostport=${pg_hostport%%/*}
pg_password=${pg_server#postgresql://tributary:}
pg_password=${pg_password%%@*}

# The secrets. Each has a distinctive core (qx1..qx9) that the final check also looks for alone.
aws_secret='wJalrXUtnFEMI/K7MDENG+qx1AwsSecret/EXAMPLEKEY='
session_token='FwoGZXIvYXdzEB8aD/qx2SessionToken+Zm9vYmFy=='
uri_password='pg:qx3UriPassword/@x'  # written percent-encoded in URIs
uri_password_encoded='pg%3Aqx3UriPassword%2F%40x'
pgpassword='qx4PgPasswordEnv-7c1'
webhook_token='qx5WebhookToken-Zq81'
status_token='qx9StatusToken-Lm40'
config_password='qx6ConfigPassword-42'
query_password='qx7QueryPassword-9a'
bad_uri_password='qx8BadUriPassword'
secrets=("$aws_secret" "$session_token" "$uri_password" "$pgpassword" "$webhook_token"
  "$config_password" "$query_password" "$bad_uri_password" "$pg_password" "$status_token")
cores=(qx1AwsSecret qx2SessionToken qx3UriPassword qx4PgPasswordEnv qx5WebhookToken
  qx6ConfigPassword qx7QueryPassword qx8BadUriPassword qx9StatusToken)

# The fixture checks signatures: it is told this key's secret (on stdin, never as an argument).
aws_key_id=AKIAQXSECRETSTEST001
printf '%s' "$aws_secret" |
  "$(dirname "${BASH_SOURCE[0]}")/../fixtures/s3rver.sh" add-key "$E2E_S3RVER" "$aws_key_id"
export AWS_ACCESS_KEY_ID=$aws_key_id AWS_SECRET_ACCESS_KEY=$aws_secret
export AWS_SESSION_TOKEN=$session_token AWS_MAX_ATTEMPTS=2
export TRIBUTARY_WEBHOOK_TOKEN=$webhook_token TRIBUTARY_STATUS_TOKEN=$status_token
unset PGPASSWORD TRIBUTARY_WAREHOUSE TRIBUTARY_STATE TRIBUTARY_CONFIG
wrong_key=AKIAWRONGKEYID000000  # s3rver answers an unknown key id with 403 InvalidAccessKeyId
bad_pg_uri="postgresql://tributary:$uri_password_encoded@$pg_hostport/postgres"

cases=0
# expect_failure NAME REGEX COMMAND...: COMMAND must fail, its output (stdout and stderr, kept in
# $out/NAME.txt) must match REGEX, the specific reason.
expect_failure() {
  local name=$1 want=$2 status=0
  shift 2
  "$@" >"$out/$name.txt" 2>&1 || status=$?
  ((status != 0)) || fail "$name: exit status 0, expected a failure: $(tail -3 "$out/$name.txt")"
  grep -Eq -- "$want" "$out/$name.txt" ||
    fail "$name: the error does not say '$want': $(tail -3 "$out/$name.txt")"
  cases=$((cases + 1))
}
t() { "$TRIBUTARY" "$@"; }

# A small raw bucket on s3rver, and a lake with bronze from a first good run (for replay and
# compact against a refusing warehouse).
t generate --store "s3://tributary-test/$prefix/raw" --users 20 \
  --from-days 0.3 --seed 5 --now 2026-01-01T00:00:00Z >"$out/generate.ok.txt" 2>&1 ||
  fail "generate: $(tail -3 "$out/generate.ok.txt")"
t run --source "s3://tributary-test/$prefix/raw" --lake "file://$work/lake-ok" \
  --warehouse "sqlite://$work/ok.db" --until-idle >"$out/run.ok.txt" 2>&1 ||
  fail "first run: $(tail -3 "$out/run.ok.txt")"

# --- run: stores, warehouses, config files, in both log formats and at the debug level ---------
for format in json logfmt; do
  for level in info debug; do
    fl="$format.$level"
    export TRIBUTARY_LOG_FORMAT=$format TRIBUTARY_LOG_LEVEL=$level
    expect_failure "run.s3-403.$fl" 'InvalidAccessKeyId \(HTTP 403\)' \
      env AWS_ACCESS_KEY_ID=$wrong_key "$TRIBUTARY" run --source "s3://tributary-test/$prefix/raw" \
      --lake "file://$work/lake-$fl" --warehouse "sqlite://$work/$fl.db" --until-idle
    expect_failure "run.s3-unreachable.$fl" 'network error' \
      env AWS_ENDPOINT_URL=http://127.0.0.1:1 "$TRIBUTARY" run \
      --source "s3://tributary-test/$prefix/raw" --lake "file://$work/lake-$fl" \
      --warehouse "sqlite://$work/$fl.db" --until-idle
    expect_failure "run.pg-password.$fl" 'password authentication failed' \
      t run --source "file://$work/none" --lake "file://$work/lake-$fl" --warehouse "$bad_pg_uri" \
      --until-idle
    expect_failure "run.pg-unreachable.$fl" 'Connection refused' \
      t run --source "file://$work/none" --lake "file://$work/lake-$fl" \
      --warehouse "postgresql://tributary:$uri_password_encoded@127.0.0.1:1/postgres" --until-idle
  done
done
unset TRIBUTARY_LOG_FORMAT TRIBUTARY_LOG_LEVEL
expect_failure run.pgpassword-env 'password authentication failed' \
  env PGPASSWORD=$pgpassword "$TRIBUTARY" run --source "file://$work/none" \
  --lake "file://$work/lake-x" --warehouse "postgresql://tributary@$pg_hostport/postgres" --until-idle
expect_failure run.query-password 'password authentication failed' \
  t run --source "file://$work/none" --lake "file://$work/lake-x" \
  --warehouse "postgresql://tributary@$pg_hostport/postgres?password=$query_password" --until-idle
expect_failure run.env-warehouse 'password authentication failed' \
  env TRIBUTARY_WAREHOUSE="$bad_pg_uri" "$TRIBUTARY" run --source "file://$work/none" \
  --lake "file://$work/lake-x" --until-idle
expect_failure run.env-state-unreachable 'Connection refused' \
  env TRIBUTARY_STATE="postgresql://u:$bad_uri_password@127.0.0.1:1/db" "$TRIBUTARY" run \
  --source "file://$work/none" --lake "file://$work/lake-x" --until-idle

config_uri="postgresql://tributary:$config_password@$pg_hostport/postgres"
printf 'warehouse: %s\nhttp:\n  webhook_token: %s\ningest: [oops\n' "$config_uri" "$webhook_token" \
  >"$work/syntax.yaml"
expect_failure config.syntax 'config .*syntax.yaml.*end of sequence flow not found' \
  t run --config "$work/syntax.yaml" --source "file://$work/none" --lake "file://$work/lake-x"
printf 'warehouse: %s\nhttp:\n  webhook_token: %s\n  token: %s\n' "$config_uri" "$webhook_token" \
  "$webhook_token" >"$work/key.yaml"
expect_failure config.unknown-key "unknown key 'token'" \
  t run --config "$work/key.yaml" --source "file://$work/none" --lake "file://$work/lake-x"
printf 'warehouse: %s\ningest:\n  max_attempts: 0\n' "$config_uri" >"$work/value.yaml"
expect_failure config.bad-value 'max_attempts must be >= 1' \
  t run --config "$work/value.yaml" --source "file://$work/none" --lake "file://$work/lake-x"
printf 'warehouse: %s\n' "$config_uri" >"$work/auth.yaml"
expect_failure config.pg-password 'password authentication failed' \
  t run --config "$work/auth.yaml" --source "file://$work/none" --lake "file://$work/lake-x" \
  --until-idle

# --- invalid URIs that carry passwords, and a misplaced argument --------------------------------
expect_failure uri.needs-encoding 'percent-encode' \
  t run --source "file://$work/none" --lake "file://$work/lake-x" --until-idle \
  --warehouse "postgresql://tributary:p@$bad_uri_password@$pg_hostport/postgres"
expect_failure uri.slash-in-password 'percent-encode' \
  t report --from 2020-01-01 --to 2021-01-01 \
  --warehouse "postgresql://tributary:p/$bad_uri_password@$pg_hostport/postgres"
expect_failure uri.libpq-refuses 'invalid sslmode value' \
  t status --warehouse "postgresql://tributary:$bad_uri_password@$pg_hostport/postgres?sslmode=bogus"
expect_failure uri.scheme 'unknown warehouse URI scheme' \
  t status --warehouse "mysql://root:$bad_uri_password@localhost/db"
expect_failure uri.s3-userinfo 'takes no user info' \
  t run --source "s3://AKIAX:$bad_uri_password@tributary-test/raw" --lake "file://$work/lake-x" \
  --until-idle
expect_failure uri.file-userinfo 'needs an absolute path' \
  t catalog --lake "file://u:$bad_uri_password@/tmp/lake" --dialect duckdb
expect_failure uri.endpoint-userinfo 'S3 endpoint .* without path, query or user info' \
  env AWS_ENDPOINT_URL="http://minio:$bad_uri_password@127.0.0.1:9" "$TRIBUTARY" catalog \
  --lake s3://tributary-test/x --dialect duckdb
expect_failure cli.misplaced-uri 'argument was not expected' t status "$bad_pg_uri"
expect_failure cli.extra-uri 'not expected' \
  t report --from 2020-01-01 --to 2021-01-01 --warehouse="$bad_pg_uri" "$bad_pg_uri"

# --- the other commands --------------------------------------------------------------------------
expect_failure report.pg-password 'password authentication failed' \
  t report --warehouse "$bad_pg_uri" --from 2020-01-01 --to 2021-01-01 --format json
expect_failure report.pgpassword-env 'password authentication failed' \
  env PGPASSWORD=$pgpassword "$TRIBUTARY" report --from 2020-01-01 --to 2021-01-01 \
  --warehouse "postgresql://tributary@$pg_hostport/postgres"
expect_failure status.pg-password 'password authentication failed' t status --warehouse "$bad_pg_uri"
expect_failure status.pg-unreachable 'Connection refused' \
  t status --warehouse "postgresql://tributary:$uri_password_encoded@127.0.0.1:1/postgres"
expect_failure replay.s3-403 'InvalidAccessKeyId \(HTTP 403\)' \
  env AWS_ACCESS_KEY_ID=$wrong_key "$TRIBUTARY" replay --from-bronze \
  --lake "s3://tributary-test/$prefix/lake" --warehouse "sqlite://$work/replay.db"
expect_failure replay.pg-password 'password authentication failed' \
  t replay --from-bronze --lake "file://$work/lake-ok" --to-lake "file://$work/lake-replay" \
  --warehouse "$bad_pg_uri"
expect_failure catalog.s3-403 'InvalidAccessKeyId \(HTTP 403\)' \
  env AWS_ACCESS_KEY_ID=$wrong_key "$TRIBUTARY" catalog --lake "s3://tributary-test/$prefix/lake" \
  --dialect duckdb
expect_failure compact.s3-403 "head '_tributary/manifest-in-state-database': HTTP 403" \
  env AWS_ACCESS_KEY_ID=$wrong_key "$TRIBUTARY" compact --lake "s3://tributary-test/$prefix/lake"
expect_failure compact.pg-password 'password authentication failed' \
  t compact --lake "file://$work/lake-ok" --warehouse "$bad_pg_uri"
expect_failure generate.s3-403 'InvalidAccessKeyId \(HTTP 403\)' \
  env AWS_ACCESS_KEY_ID=$wrong_key "$TRIBUTARY" generate --store "s3://tributary-test/$prefix/gen" \
  --users 20 --from-days 0.3 --seed 5 --now 2026-01-01T00:00:00Z  # as above: it ships objects
note "$cases failing commands, each with a specific reason"

# --- a streaming run with a listener ------------------------------------------------------------
state=$(new_database postgres)
cat >"$work/stream.yaml" <<'YAML'
ingest:
  poll_interval_ms: 200
  max_attempts: 1000
YAML
PGPASSWORD=$pgpassword TRIBUTARY_LOG_LEVEL=debug "$TRIBUTARY" run --config "$work/stream.yaml" \
  --source "s3://tributary-test/$prefix/raw" --lake "file://$work/lake-stream" \
  --warehouse "$state" --listen 127.0.0.1:0 >"$out/stream.stdout.txt" 2>"$out/stream.log.txt" &
run_pid=$!
cleanups+=("kill -9 $run_pid 2>/dev/null")

run_log=$out/stream.log.txt  # for wait_for (e2e_lib.sh)
listening() { grep -q '"event":"http.listening"' "$out/stream.log.txt"; }
wait_for 30 listening || fail "no http.listening line: $(cat "$out/stream.log.txt")"
grep -q '"event":"http.listening","host":"127.0.0.1"' "$out/stream.log.txt" ||
  fail "the listener is not on 127.0.0.1: $(grep http.listening "$out/stream.log.txt")"
port=$(sed -n 's/.*"event":"http.listening".*"port":\([0-9]*\).*/\1/p' "$out/stream.log.txt")
base="http://127.0.0.1:$port"
objects=$(sed -n 's/.*"objects":\([0-9]*\).*/\1/p' "$out/generate.ok.txt")
all_committed() { [[ $(status_value "$state" objects.committed) -ge $1 ]]; }
wait_for 60 all_committed "$objects" || fail "the stream did not commit the $objects objects"

# http NAME CURL-ARGS...: the response (status line, headers, body) goes to $out/http.NAME.txt;
# prints the status code.
http() {
  local name=$1
  shift
  curl -sS -i --max-time 10 "$@" >"$out/http.$name.txt"
  sed -n '1s/^HTTP\/1.1 \([0-9]*\).*/\1/p' "$out/http.$name.txt"
}
hook() { http "$1" -X POST -H 'Content-Type: application/json' "${@:2}" "$base/hooks/minio"; }
[[ $(hook no-token --data-binary '{}') == 401 ]] || fail "a webhook without a token was not refused"
[[ $(hook wrong-token -H 'Authorization: Bearer qx5WebhookToken' --data-binary '{}') == 401 ]] ||
  fail "a webhook with a wrong token was not refused"
[[ $(hook bad-body -H "Authorization: Bearer $webhook_token" --data-binary 'not json') == 400 ]] ||
  fail "a webhook with the token and a bad body was not a 400"
[[ $(hook good -H "Authorization: Bearer $webhook_token" --data-binary '{"Records":[]}') == 200 ]] ||
  fail "a webhook with the token was refused: $(cat "$out/http.good.txt")"
grep -q 'missing or wrong bearer token' "$out/http.no-token.txt" || fail "401 without its reason"

# A batch that fails on the warehouse: the facts table is renamed away while new objects arrive,
# so loads fail (the error names the warehouse by its URI) until it is renamed back.
sql "$state" "ALTER TABLE fact_listen RENAME TO fact_listen_away" >/dev/null
t generate --store "s3://tributary-test/$prefix/raw" --users 20 \
  --from-days 0.3 --seed 6 --now 2026-01-02T00:00:00Z >"$out/generate.more.txt" 2>&1 ||
  fail "generate: $(tail -3 "$out/generate.more.txt")"
has_error() {
  curl -sS --max-time 10 -u "tributary:$status_token" "$base/status.json" \
    >"$out/http.status-with-error.json" &&
    grep -q '"errors":\[{' "$out/http.status-with-error.json"
}
wait_for 60 has_error || fail "the failing batch never showed on the status page"
grep -q 'postgresql://tributary:\*\*\*@' "$out/http.status-with-error.json" ||
  fail "the status page's error does not name the warehouse (redacted): $(grep -o '"errors":.*' "$out/http.status-with-error.json" | head -c 600)"
t status --warehouse "$state" >"$out/status.with-error.txt" 2>&1 || fail "status failed"
grep -q 'fact_listen' "$out/status.with-error.txt" || fail "status shows no recent error"
sql "$state" "ALTER TABLE fact_listen_away RENAME TO fact_listen" >/dev/null
more=$(sed -n 's/.*"objects":\([0-9]*\).*/\1/p' "$out/generate.more.txt")
wait_for 60 all_committed $((objects + more)) || fail "the stream did not recover"

for page in healthz readyz metrics; do
  [[ $(http "${page//./-}" "$base/$page") == 200 ]] || fail "GET /$page: $(head -3 "$out/http.${page//./-}.txt")"
done
# The status page, its data and the report ask for the status token (TRIBUTARY_STATUS_TOKEN).
for page in status.json report; do
  [[ $(http "${page//./-}-anonymous" "$base/$page") == 401 ]] || fail "GET /$page without credentials was not refused"
  [[ $(http "${page//./-}" -u "tributary:$status_token" "$base/$page") == 200 ]] ||
    fail "GET /$page: $(head -3 "$out/http.${page//./-}.txt")"
done
[[ $(http wrong-status-token -u "tributary:qx9StatusToken" "$base/status.json") == 401 ]] ||
  fail "a wrong status token was accepted"
[[ $(http root -H "Authorization: Bearer $status_token" "$base/") == 200 ]] || fail "GET /"
grep -q 'tributary_webhook_rejected_total 3' "$out/http.metrics.txt" ||
  fail "metrics do not count the 3 refused webhooks: $(grep webhook "$out/http.metrics.txt")"

kill -TERM "$run_pid"
status=0
wait "$run_pid" || status=$?
[[ $status == 0 ]] || fail "SIGTERM: exit status $status"
grep -q '"event":"webhook.unauthorized"' "$out/stream.log.txt" || fail "no webhook.unauthorized log line"
grep -q 'loading listen_events into postgresql://tributary:\*\*\*@' "$out/stream.log.txt" ||
  fail "the failed load's log line does not name the warehouse: $(grep -m1 error "$out/stream.log.txt")"

# --- nothing printed anywhere holds a secret -----------------------------------------------------
files=("$out"/*)
leaks=()
for secret in "${secrets[@]}"; do
  encoded=$(node -e 'console.log(encodeURIComponent(process.argv[1]))' "$secret")
  lower_hex=$(node -e 'console.log(encodeURIComponent(process.argv[1]).replace(/%[0-9A-F]{2}/g,
    (m) => m.toLowerCase()))' "$secret")
  for form in "$secret" "$encoded" "$lower_hex"; do
    if hits=$(grep -lF -- "$form" "${files[@]}"); then leaks+=("'$form' in ${hits//$'\n'/, }"); fi
  done
done
for core in "${cores[@]}"; do
  if hits=$(grep -lF -- "$core" "${files[@]}"); then leaks+=("'$core' in ${hits//$'\n'/, }"); fi
done
((${#leaks[@]} == 0)) || fail "secrets leaked: ${leaks[*]}"
bytes=$(cat "${files[@]}" | wc -c)
echo "secrets: ${#secrets[@]} secrets absent from ${#files[@]} outputs ($bytes bytes) of $cases failing commands and a streaming run with its listener; every error specific: ok"
