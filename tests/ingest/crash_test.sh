#!/usr/bin/env bash
# Crash safety: `tributary run` is killed with SIGKILL at random moments, many times, restarted
# each time, then run to idle; the lake and the warehouse must be as if no crash happened (the
# oracle of e2e_lib.sh check_run: no lost event, no duplicate row, no file outside lake_file, no
# batch left claimed or committed-unpublished, and every silver Iceberg table, read by icebird
# through version-hint.text and by DuckDB over the files its manifests list, holds exactly the
# committed events, each once).
#
#   crash_test.sh postgres|sqlite      file:// source and lake, that state database
#   crash_test.sh s3-postgres          source and lake on s3rver, PostgreSQL
# Environment: E2E_SEED (default: the clock; printed, so a failure can be replayed), E2E_KILLS
# (default 20; 6 when E2E_SHORT is set, as under ASan).
set -euo pipefail
# shellcheck source=tests/ingest/e2e_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"
setup=${1:?usage: crash_test.sh postgres|sqlite|s3-postgres}
seed=${E2E_SEED:-$(date +%s)}
kills=${E2E_KILLS:-$([[ -n ${E2E_SHORT:-} ]] && echo 6 || echo 20)}
echo "crash test ($setup): seed $seed, $kills kills (replay with E2E_SEED=$seed)"
RANDOM=$seed

if [[ $setup == s3-* ]]; then
  use_s3rver
  prefix="e2e-crash-$$-$RANDOM"
  source_uri="s3://tributary-test/$prefix/raw"
  lake_uri="s3://tributary-test/$prefix/lake"
else
  source_uri="file://$work/source"
  lake_uri="file://$work/lake"
  mkdir -p "$work/source" "$work/lake"
fi
state=$(new_database "${setup#s3-}")
# Short leases so that the claims of a killed run are taken over quickly; small batches so that
# a run goes through many claim/commit/publish cycles a kill can interrupt.
cat >"$work/config.yaml" <<YAML
ingest:
  lease_ms: 400
  batch_max_objects: 3
  poll_interval_ms: 50
YAML
run_args=(run --source "$source_uri" --lake "$lake_uri" --warehouse "$state"
  --config "$work/config.yaml" --until-idle)

make_bucket 12
mapfile -t keys < <(bucket_keys)
vanish=$(expected_value vanish_key)
note "${#keys[@]} objects, uploaded in $kills parts: fluentd keeps writing while runs are killed"

# Each round: the next part of the bucket arrives, a run starts, and is killed at a random moment
# within max_delay_ms (startup, listing, claims, fetches, commits, publishes). When the run was
# already done at the kill, max_delay_ms shrinks, so kills keep landing in the middle of work
# whatever the build's speed.
killed_busy=0
max_delay_ms=800
for ((k = 0; k < kills; k++)); do
  for ((i = k; i < ${#keys[@]}; i += kills)); do
    "$E2E_TOOL" put "$source_uri" "${keys[i]}" "$work/bucket/${keys[i]}"
    if [[ ${keys[i]} == "$vanish" ]]; then
      # Seen by the ledger (as a listing would), then deleted before any run claims it.
      "$E2E_TOOL" see "$source_uri" "$state" "$vanish"
      "$E2E_TOOL" remove "$source_uri" "$vanish"
    fi
  done
  "$TRIBUTARY" "${run_args[@]}" >>"$work/runs.out" 2>>"$work/runs.log" &
  pid=$!
  delay_ms=$((RANDOM % max_delay_ms))
  sleep "$((delay_ms / 1000)).$(printf '%03d' $((delay_ms % 1000)))"
  if kill -9 "$pid" 2>/dev/null; then
    killed_busy=$((killed_busy + 1))
  else
    max_delay_ms=$((max_delay_ms * 2 / 3 + 20))
  fi
  wait "$pid" 2>/dev/null || true
done
note "$kills kills injected, $killed_busy while the run was still going"

# Finish: runs to idle until the ledger has nothing left (a killed run's claims become claimable
# again when their lease ends), within a deadline.
deadline=$((SECONDS + 120))
"$TRIBUTARY" "${run_args[@]}" >"$work/final.json" 2>"$work/final.log" ||
  { tail -20 "$work/final.log" >&2; fail "the final run exited non-zero"; }
note "final run: $(cat "$work/final.json")"
# What the kills interrupted, as the restarted runs saw it.
republished=$(cat "$work/runs.log" "$work/final.log" | grep -c '"event":"batch.republished"' || true)
taken_over=$(cat "$work/runs.log" "$work/final.log" | grep -c '"event":"run.waiting_for_claims"' || true)
note "batches committed but not published at a kill, republished afterwards: $republished;" \
  "runs that waited for a dead run's claims: $taken_over"
((SECONDS < deadline)) || fail "the final run took more than 120 s"
check_run "$lake_uri" "$state" warehouse
events=$(sql "$state" "SELECT (SELECT count(*) FROM fact_listen) + (SELECT count(*) FROM fact_page_view)
  + (SELECT count(*) FROM fact_auth) + (SELECT count(*) FROM fact_status_change)")
echo "crash test ($setup): seed $seed, kills $kills ($killed_busy mid-run), events $events, lost 0, duplicates 0: ok"
