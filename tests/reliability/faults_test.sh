#!/usr/bin/env bash
# Faults injected into end-to-end runs: a streaming `tributary run` keeps going through them, and
# once they stop, the lake and the warehouse equal the oracle, with no batch stuck and no object
# failed (e2e_lib.sh check_run). ingest.max_attempts is 1: a fault that cost an object an attempt
# would mark it failed, so the run also proves that outages are waited out, not counted.
#
#   faults_test.sh s3-faults            source and lake on s3rver through fault_proxy_server: a
#                                       share of all requests fails (503 SlowDown, 500, reset,
#                                       truncated or corrupted bodies, lost responses), some are
#                                       slow; PostgreSQL state. Two attempts per S3 request, so
#                                       some requests fail for good and fail their batch.
#   faults_test.sh lake-write-failures  the lake (s3rver through the proxy) refuses every PUT for a
#                                       window, then a share of them; while it does, no file of an
#                                       uncommitted batch may become visible
#   faults_test.sh postgres-restart     a PostgreSQL server of the test's own is stopped (crash,
#                                       then fast shutdown) and started again under the run
#   faults_test.sh poison-object        one raw object's GETs always fail (500) on s3rver through
#                                       the proxy, everything else is served: the rest commits
#                                       around it, it ends failed after ingest.max_refusals (no
#                                       attempt spent, no outage), and once the store serves it
#                                       again, the runbook's UPDATE gives it back
#   faults_test.sh soak                 all of it at once, rounds of: the next part of the bucket
#                                       arrives, then at a random moment the worker is killed
#                                       (SIGKILL; restarted next round), or PostgreSQL stops and
#                                       restarts, or S3 fails every request for a while; under
#                                       10% S3 faults throughout. max_attempts 5 here: a kill
#                                       mid-batch rightly costs an attempt (its lease expires).
#
# Environment: as e2e_lib.sh, plus FAULT_PROXY (fault_proxy_server); E2E_SEED (default: the
# clock; printed) seeds the bucket's upload order, the proxy's draws and the soak's moments;
# E2E_ROUNDS the soak's rounds (default 9; 4 when E2E_SHORT is set, as under ASan).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/ingest/e2e_lib.sh
source "$here/../ingest/e2e_lib.sh"
: "${FAULT_PROXY:?}"
scenario=${1:?usage: faults_test.sh s3-faults|lake-write-failures|postgres-restart|poison-object|soak}
seed=${E2E_SEED:-$(date +%s)}
RANDOM=$seed
echo "faults test ($scenario): seed $seed (replay with E2E_SEED=$seed)"

run_log=$work/run.log  # wait_for (e2e_lib.sh): the worker must survive every fault

# Starts fault_proxy_server in front of the s3rver fixture with the options $@; sets $proxy.
start_proxy() {
  local upstream
  upstream=$(sed -n 's/^S3_ENDPOINT=//p' "${E2E_S3RVER:?}/s3rver.env")
  "$FAULT_PROXY" --upstream "$upstream" --ready "$work/proxy.env" --stats "$work/proxy.json" \
    --seed "$seed" "$@" 2>"$work/proxy.log" &
  proxy_pid=$!
  cleanups+=("kill $proxy_pid 2>/dev/null")
  local deadline=$((SECONDS + 30))
  until [[ -f $work/proxy.env ]]; do
    kill -0 "$proxy_pid" 2>/dev/null || fail "fault_proxy_server exited: $(cat "$work/proxy.log")"
    ((SECONDS < deadline)) || fail "fault_proxy_server did not start within 30 s"
    sleep 0.05
  done
  proxy=$(sed -n 's/^PROXY_ENDPOINT=//p' "$work/proxy.env")
  note "fault proxy on $proxy in front of $upstream"
}
proxy_rate() { curl -sSf -X POST --data "$1" "$proxy/_fault_proxy/rate" >/dev/null; }
proxy_stat() { curl -sSf "$proxy/_fault_proxy/stats" | jq -r "$1"; }
# Stops the proxy; its final counters are in $work/proxy.json.
stop_proxy() {
  kill "$proxy_pid"
  wait "$proxy_pid" || fail "fault_proxy_server exited non-zero"
}

# The streaming worker, its S3 requests through the proxy when there is one; sets $run_pid and,
# once it listens, $port. The log of an earlier worker moves to runs.log.
start_worker() {
  # Moved away before the new worker starts: has_port below must not read the old log.
  if [[ -f $work/run.log ]]; then
    cat "$work/run.log" >>"$work/runs.log"
    rm "$work/run.log"
  fi
  local vars=("$@")
  [[ -z ${proxy:-} ]] || vars+=("AWS_ENDPOINT_URL=$proxy")
  env "${vars[@]}" "$TRIBUTARY" run --source "$source_uri" \
    --lake "$lake_uri" --warehouse "$state" --config "$work/config.yaml" \
    --listen 127.0.0.1:0 >"$work/run.json" 2>"$work/run.log" &
  run_pid=$!
  cleanups+=("kill -9 $run_pid 2>/dev/null")
  has_port() { grep -q '"event":"http.listening"' "$work/run.log"; }
  wait_for 30 has_port || fail "the worker does not listen: $(cat "$work/run.log")"
  port=$(sed -n 's/.*"event":"http.listening".*"port":\([0-9]*\).*/\1/p' "$work/run.log")
}
# SIGTERM: a clean stop, exit status 0, whatever the worker went through.
stop_worker() {
  kill -TERM "$run_pid"
  wait "$run_pid" || { tail -20 "$work/run.log" >&2; fail "the worker exited non-zero"; }
  run_pid=
  note "worker totals: $(cat "$work/run.json")"
}
# The sum of a metric's series on the worker's /metrics.
metric() {
  curl -sSf "http://127.0.0.1:$port/metrics" |
    awk -v m="$1" '$1 == m || index($1, m "{") == 1 { s += $2 } END { printf "%d\n", s }'
}
log_count() { grep -c "\"event\":\"$1\"" "$work/run.log" || true; }

# Uploads keys [$1, $2) of the bucket in the upload order, straight to the store (not through
# the proxy); the deleted object (first in that order, so that the database is up) is recorded,
# then removed, as in the crash test.
upload_range() {
  local i
  for ((i = $1; i < $2 && i < ${#keys[@]}; i++)); do
    "$E2E_TOOL" put "$source_uri" "${keys[i]}" "$work/bucket/${keys[i]}"
    if [[ ${keys[i]} == "$vanish" ]]; then
      "$E2E_TOOL" see "$source_uri" "$state" "$vanish"
      "$E2E_TOOL" remove "$source_uri" "$vanish"
    fi
  done
  uploaded=$(($2 < ${#keys[@]} ? $2 : ${#keys[@]}))
}
# Every uploaded object has its final ledger status, and no batch waits to be published.
caught_up() {
  [[ $(sql "$state" "SELECT count(*) FROM ingest_object
        WHERE status IN ('committed', 'vanished', 'ignored')") -ge $uploaded &&
    $(sql "$state" "SELECT count(*) FROM ingest_object WHERE status IN ('seen', 'claimed')") == 0 &&
    $(sql "$state" "SELECT count(*) FROM ingest_batch WHERE status <> 'published'") == 0 ]]
}
published_batches() { sql "$state" "SELECT count(*) FROM ingest_batch WHERE status = 'published'"; }

# No file of an uncommitted batch is visible: every file under silver/ and quarantine/ is a
# lake_file row. Listed first, rows read second, so a batch publishing in between cannot make it
# fail: its rows committed before its first file appeared.
visible_files_committed() {
  # The tables' Iceberg metadata (silver/<stream>/metadata/) is not in lake_file: the data
  # files are what a directory reader sees.
  "$E2E_TOOL" keys "$lake_uri" silver/ | grep -v '^silver/[^/]*/metadata/' >"$work/visible.txt" || true
  "$E2E_TOOL" keys "$lake_uri" quarantine/ >>"$work/visible.txt"
  sql "$state" "SELECT file_key FROM lake_file" | LC_ALL=C sort >"$work/committed.txt"
  local strays
  strays=$(LC_ALL=C sort "$work/visible.txt" | LC_ALL=C comm -23 - "$work/committed.txt")
  [[ -z $strays ]] || fail "files of an uncommitted batch are visible: $strays"
  visibility_checks=$((visibility_checks + 1))
}

# The figures of the run, from check_run's sorted identity lists, the proxy, the worker's metrics
# and the ledger.
report_figures() {
  local expected=0 found=0 distinct=0 lost=0 stream faults
  for stream in listen page_view auth status_change; do
    expected=$((expected + $(wc -l <"$work/want_$stream.txt")))
    found=$((found + $(wc -l <"$work/fact_$stream.txt")))
    distinct=$((distinct + $(LC_ALL=C sort -u "$work/fact_$stream.txt" | wc -l)))
    lost=$((lost + $(LC_ALL=C comm -23 "$work/want_$stream.txt" "$work/fact_$stream.txt" | wc -l)))
  done
  faults=${injected:?}
  local attempts allowed=${attempts_allowed:-1}
  attempts=$(sql "$state" "SELECT max(attempts) FROM ingest_object WHERE status = 'committed'")
  echo "faults test ($scenario): seed $seed; faults injected: $faults;" \
    "S3 requests $s3_requests, retried $s3_retries; batches failed and retried $batches_failed," \
    "committed but published late $publish_failures; outages waited out $outages" \
    "(database $db_outages); most attempts per object $attempts; events expected $expected," \
    "found $found, lost $lost, duplicates $((found - distinct)): ok"
  [[ $lost == 0 && $found == "$distinct" && $attempts -le $allowed ]] ||
    fail "lost $lost, duplicates $((found - distinct)), attempts $attempts (at most $allowed)"
}
# Adds the worker's counters to the run's; call before it stops.
s3_requests=0 s3_retries=0 batches_failed=0 publish_failures=0 outages=0 db_outages=0
read_worker_figures() {
  s3_requests=$((s3_requests + $(metric tributary_s3_requests_total)))
  s3_retries=$((s3_retries + $(metric tributary_s3_retries_total)))
  batches_failed=$((batches_failed + $(metric tributary_batches_failed_total)))
  publish_failures=$((publish_failures + $(metric tributary_publish_failures_total)))
  outages=$((outages + $(metric tributary_outages_total)))
  db_outages=$((db_outages + $(curl -sSf "http://127.0.0.1:$port/metrics" |
    awk '/^tributary_outages_total\{dependency="database"\}/ { s += $2 } END { printf "%d\n", s }')))
}
# "<total> (<kind> <n>, ...), <delayed> of <requests> requests delayed" from the proxy's stats.
read_proxy_figures() {
  injected=$(jq -r '"\(.faults_total) (" + ([.faults | to_entries[] | "\(.key) \(.value)"]
    | join(", ")) + "), \(.delayed) of \(.requests) requests delayed"' "$work/proxy.json")
}

# A PostgreSQL server of the test's own, to stop and start: the shared fixture's keeps serving the
# other tests.
own_postgres() {
  E2E_PG_STATE=$work/pg
  "$here/../fixtures/postgres.sh" start "$E2E_PG_STATE" >/dev/null
  cleanups+=("'$here/../fixtures/postgres.sh' stop '$E2E_PG_STATE'")
}

cat >"$work/config.yaml" <<'YAML'
ingest:
  batch_max_objects: 2
  poll_interval_ms: 100
  full_sweep_interval_s: 1
  lease_ms: 10000
  max_attempts: 1
YAML
make_bucket 8
vanish=$(expected_value vanish_key)
# The upload order: the deleted object, then the others shuffled by the seed.
mapfile -t keys < <(echo "$vanish"; bucket_keys | grep -vxF "$vanish" | shuf --random-source=<(yes "$seed"))
uploaded=0
visibility_checks=0
third=$(((${#keys[@]} + 2) / 3))

case $scenario in
  s3-faults)
    use_s3rver
    prefix="faults-s3-$$-$RANDOM"
    source_uri="s3://tributary-test/$prefix/raw"
    lake_uri="s3://tributary-test/$prefix/lake"
    state=$(new_database postgres)
    # 20% of every request (lists, GETs, PUTs, HEADs) fails, 10% wait 20-200 ms more.
    start_proxy --rate 0.2 --mix slow_down=3,server_error=2,reset=2,truncate=1,corrupt=2,drop=1 \
      --latency-rate 0.1 --latency-ms 20-200
    upload_range 0 "$((2 * third))"
    # Two attempts per request: 4% of them fail for good (0.2^2), failing their batch (or poll).
    start_worker AWS_MAX_ATTEMPTS=2
    wait_for 60 caught_up || fail "the first two thirds were not ingested within 60 s"
    note "two thirds ingested through the faults ($(proxy_stat .faults_total) so far)"
    upload_range "$((2 * third))" "${#keys[@]}"  # fluentd keeps writing
    wait_for 60 caught_up || fail "the last third was not ingested within 60 s"
    read_worker_figures
    stop_worker
    stop_proxy
    read_proxy_figures
    ((s3_retries > 0 && outages > 0)) ||
      fail "the faults did not bite: $s3_retries retries, $outages outages"
    ;;

  lake-write-failures)
    use_s3rver
    prefix="faults-lake-$$-$RANDOM"
    source_uri="file://$work/source"
    mkdir -p "$work/source"
    lake_uri="s3://tributary-test/$prefix/lake"
    state=$(new_database postgres)
    start_proxy --rate 0 --mix slow_down=2,server_error=2,reset=1,truncate=1,drop=1 \
      --method PUT --path-prefix "/tributary-test/$prefix/lake/"
    upload_range 0 "$third"
    start_worker AWS_MAX_ATTEMPTS=2
    has_published() { (($(published_batches) > 0)); }
    wait_for 60 has_published || fail "no batch published before the window"

    # Window 1: the lake refuses every write. The worker keeps trying (three times at least, its
    # waits growing) and nothing uncommitted shows.
    proxy_rate 1
    outages_before=$(log_count run.outage)
    upload_range "$third" "$((2 * third))"
    waited_thrice() {
      visible_files_committed
      (($(log_count run.outage) >= outages_before + 3))
    }
    wait_for 60 waited_thrice || fail "the worker did not wait out the refused writes"
    note "window 1: every lake PUT refused, $(proxy_stat .faults_total) refused," \
      "$(($(log_count run.outage) - outages_before)) outages waited out"
    proxy_rate 0
    wait_for 120 caught_up || fail "the worker did not catch up after window 1"
    visible_files_committed

    # Window 2: a third of the lake's writes fail, while the last part arrives.
    proxy_rate 0.33
    upload_range "$((2 * third))" "${#keys[@]}"
    caught_up_checked() {
      visible_files_committed
      caught_up
    }
    wait_for 120 caught_up_checked || fail "the worker did not catch up during window 2"
    proxy_rate 0
    read_worker_figures
    stop_worker
    stop_proxy
    read_proxy_figures
    note "lake listed $visibility_checks times during the faults: never a file of an uncommitted batch"
    ((publish_failures > 0 || batches_failed > 0)) || fail "no batch met a refused write"
    ;;

  postgres-restart)
    own_postgres
    down_ms=0
    source_uri="file://$work/source"
    lake_uri="file://$work/lake"
    mkdir -p "$work/source" "$work/lake"
    state=$(new_database postgres)
    upload_range 0 "$third"
    start_worker
    not_ready() { ! curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; }
    ready() { curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; }
    cycle=0
    for mode in immediate fast; do
      cycle=$((cycle + 1))
      before=$(published_batches)
      more_published() { (($(published_batches) > before)); }
      wait_for 60 more_published || fail "nothing published before stop $cycle"
      pending=$(sql "$state" "SELECT count(*) FROM ingest_object WHERE status IN ('seen', 'claimed')")
      outages_before=$(log_count run.outage)
      "$here/../fixtures/postgres.sh" halt "$E2E_PG_STATE" "$mode"
      down_at=$(date +%s%3N)
      # fluentd keeps writing while the database is down.
      upload_range "$((cycle * third))" "$(((cycle + 1) * third))"
      # Down until the worker has tried three times (its waits growing).
      retried() { (($(log_count run.outage) >= outages_before + 3)); }
      wait_for 60 retried || fail "the worker did not notice the stopped server"
      wait_for 30 not_ready || fail "/readyz still says ready with the database down"
      "$here/../fixtures/postgres.sh" resume "$E2E_PG_STATE"
      down_ms=$((down_ms + $(date +%s%3N) - down_at))
      note "stop $cycle ($mode) with $pending objects pending: down $(($(date +%s%3N) - down_at)) ms," \
        "$(($(log_count run.outage) - outages_before)) outages waited out"
      wait_for 60 ready || fail "/readyz does not come back after the restart"
    done
    wait_for 120 caught_up || fail "the worker did not catch up after the restarts"
    read_worker_figures
    stop_worker
    ((db_outages >= 6)) || fail "only $db_outages database outages seen"
    injected="2 server stops (immediate, fast), down $down_ms ms in all"
    ;;

  poison-object)
    use_s3rver
    prefix="faults-poison-$$-$RANDOM"
    source_uri="s3://tributary-test/$prefix/raw"
    lake_uri="s3://tributary-test/$prefix/lake"
    state=$(new_database postgres)
    echo "  max_refusals: 2" >>"$work/config.yaml"
    # A listen object with events, uploaded first: the oldest, so claimed with the first batch.
    poison=$(printf '%s\n' "${keys[@]}" | grep -vxF "$vanish" | grep -m1 '^Raw/listen_events/.*\.json$')
    mapfile -t keys < <(echo "$vanish"; echo "$poison"; printf '%s\n' "${keys[@]}" | grep -vxF -e "$vanish" -e "$poison")
    start_proxy --rate 1 --mix server_error=1 --method GET --path-prefix "/tributary-test/$prefix/raw/$poison"
    upload_range 0 "${#keys[@]}"
    start_worker AWS_MAX_ATTEMPTS=2
    poison_status() {
      sql "$state" "SELECT status || ' ' || attempts || ' ' || refusals FROM ingest_object
        WHERE object_key = '$poison'"
    }
    # Everything else final, the poison failed by its refusals: the stream did not stall on it.
    others_done_poison_failed() {
      [[ $(sql "$state" "SELECT count(*) FROM ingest_object
            WHERE status IN ('committed', 'vanished', 'ignored')") == $((uploaded - 1)) &&
        $(poison_status) == "failed 0 2" &&
        $(sql "$state" "SELECT count(*) FROM ingest_batch WHERE status <> 'published'") == 0 ]]
    }
    wait_for 60 others_done_poison_failed ||
      fail "the rest did not commit around the refused object: $(poison_status)"
    refusals_logged=$(log_count object.unreadable)
    ((refusals_logged == 2)) || fail "$refusals_logged object.unreadable lines, expected 2"
    read_worker_figures
    ((outages == 0 && batches_failed == 0)) ||
      fail "the refused object failed batches ($batches_failed) or counted as an outage ($outages)"
    note "the rest committed around $poison, failed after 2 refusals, no attempt, no outage"
    # The store serves it again; the operator gives it back (docs/operations.md, poison object).
    proxy_rate 0
    sql "$state" "UPDATE ingest_object SET status = 'seen', attempts = 0, refusals = 0
      WHERE status = 'failed'" >/dev/null
    wait_for 60 caught_up || fail "the object given back was not ingested"
    read_worker_figures
    stop_worker
    stop_proxy
    read_proxy_figures
    ;;

  soak)
    use_s3rver
    prefix="faults-soak-$$-$RANDOM"
    source_uri="s3://tributary-test/$prefix/raw"
    lake_uri="s3://tributary-test/$prefix/lake"
    own_postgres
    state=$(new_database postgres)
    # Short leases: a killed worker's claims come back quickly. Kills cost attempts.
    sed -i 's/lease_ms: .*/lease_ms: 1000/; s/max_attempts: .*/max_attempts: 5/' "$work/config.yaml"
    start_proxy --rate 0.1 --mix slow_down=3,server_error=2,reset=2,truncate=1,corrupt=2,drop=1 \
      --latency-rate 0.05 --latency-ms 10-100
    rounds=${E2E_ROUNDS:-$([[ -n ${E2E_SHORT:-} ]] && echo 4 || echo 9)}
    part=$(((${#keys[@]} + rounds - 1) / rounds))
    kills=0 pg_stops=0 s3_windows=0
    for ((r = 0; r < rounds; r++)); do
      upload_range "$((r * part))" "$(((r + 1) * part))"
      [[ -n ${run_pid:-} ]] || start_worker AWS_MAX_ATTEMPTS=2
      # A random moment of the worker's work: listing, claims, fetches, commits, publishes.
      delay_ms=$((RANDOM % 1500))
      sleep "$((delay_ms / 1000)).$(printf '%03d' $((delay_ms % 1000)))"
      outages_before=$(log_count run.outage)
      one_more_outage() { (($(log_count run.outage) > outages_before)); }
      case $(((r + seed) % 3)) in
        0)
          read_worker_figures
          kill -9 "$run_pid"
          wait "$run_pid" 2>/dev/null || true
          run_pid=
          kills=$((kills + 1))
          ;;
        1)
          halt_mode=immediate
          ((RANDOM % 2 == 0)) || halt_mode=fast
          "$here/../fixtures/postgres.sh" halt "$E2E_PG_STATE" "$halt_mode"
          wait_for 60 one_more_outage || fail "round $r: the worker did not notice PostgreSQL stop"
          "$here/../fixtures/postgres.sh" resume "$E2E_PG_STATE"
          pg_stops=$((pg_stops + 1))
          ;;
        2)
          proxy_rate 1
          wait_for 60 one_more_outage || fail "round $r: the worker did not notice S3 failing"
          proxy_rate 0.1
          s3_windows=$((s3_windows + 1))
          ;;
      esac
    done
    [[ -n ${run_pid:-} ]] || start_worker AWS_MAX_ATTEMPTS=2
    wait_for 180 caught_up || fail "the worker did not catch up after the soak"
    read_worker_figures
    stop_worker
    stop_proxy
    read_proxy_figures
    injected="$kills kills, $pg_stops PostgreSQL stops, $s3_windows S3 outage windows, S3 faults $injected"
    attempts_allowed=$((1 + kills))
    ;;

  *) fail "unknown scenario $scenario" ;;
esac

check_run "$lake_uri" "$state" warehouse
report_figures
