#!/usr/bin/env bash
# Scale-out: two `tributary run --until-idle` workers (different --worker-id) on one source and
# one PostgreSQL state database, at the same time. Nothing may be committed twice (the ledger:
# every object in exactly one published batch, decoded events summed over batches equal to the
# raw valid lines), no fact row may be duplicated and nothing missed (the oracle, check_run).
#
#   two_workers_test.sh            both run to idle
#   two_workers_test.sh kill-one   worker-a is killed (SIGKILL) at a random moment and never comes
#                                  back: worker-b must take over its claims (at once: its session
#                                  ended) and finish everything alone (E2E_SEED as in crash_test.sh)
set -euo pipefail
# shellcheck source=tests/ingest/e2e_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"
mode=${1:-both}
seed=${E2E_SEED:-$(date +%s)}
RANDOM=$seed

source_uri="file://$work/source"
lake_uri="file://$work/lake"
mkdir -p "$work/source" "$work/lake"
state=$(new_database postgres)
# Small batches: many claims, so the two workers interleave. A lease long enough that no batch
# outlives it on a loaded machine: a killed worker's claims pass on because its session ended,
# not because their lease did (ledger.h).
printf 'ingest:\n  batch_max_objects: 2\n  poll_interval_ms: 50\n  lease_ms: 30000\n' >"$work/config.yaml"

make_bucket 20
upload_bucket "$source_uri"
vanish=$(expected_value vanish_key)
"$E2E_TOOL" see "$source_uri" "$state" "$vanish"
"$E2E_TOOL" remove "$source_uri" "$vanish"
# The schema is created before the workers start, as a deployment's first run would.
"$TRIBUTARY" status --warehouse "$state" >/dev/null

pids=()
for worker in worker-a worker-b; do
  "$TRIBUTARY" run --source "$source_uri" --lake "$lake_uri" --warehouse "$state" \
    --config "$work/config.yaml" --worker-id "$worker" --until-idle \
    >"$work/$worker.json" 2>"$work/$worker.log" &
  pids+=($!)
done
first=0
if [[ $mode == kill-one ]]; then
  # Kill worker-a while it works: once it has claimed a batch (polled, with a deadline), after a
  # random extra delay. A fixed delay from the start raced with fast machines finishing first.
  deadline=$((SECONDS + 60))
  until [[ $(sql "$state" "SELECT count(*) FROM ingest_batch WHERE worker = 'worker-a'") -gt 0 ]]; do
    ((SECONDS < deadline)) || fail "worker-a claimed nothing within 60 s"
  done
  delay_ms=$((RANDOM % 200))
  sleep "0.$(printf '%03d' "$delay_ms")"
  kill -9 "${pids[0]}" 2>/dev/null || fail "worker-a finished before the kill: nothing to take over"
  wait "${pids[0]}" 2>/dev/null || true
  note "worker-a killed $delay_ms ms after its first claim (seed $seed)"
  first=1
fi
for ((i = first; i < 2; i++)); do
  wait "${pids[i]}" || { tail -20 "$work"/worker-*.log >&2; fail "worker $i exited non-zero"; }
done
[[ $mode == kill-one ]] || note "worker-a: $(cat "$work/worker-a.json")"
note "worker-b: $(cat "$work/worker-b.json")"
# A batch that fails is retried, but only max_attempts times: contention between workers must
# not fail batches.
if grep -h '"event":"batch.failed"' "$work"/worker-*.log >&2; then fail "batches failed"; fi

check_run "$lake_uri" "$state" warehouse

# The ledger: both workers did part of the work; every committed object belongs to exactly one
# published batch, and no object was decoded twice.
workers=$(sql "$state" "SELECT count(DISTINCT worker) FROM ingest_batch WHERE status = 'published'")
[[ $workers == 2 || $mode == kill-one ]] ||
  fail "only $workers worker committed batches: the test did not run them concurrently"
orphans=$(sql "$state" "SELECT count(*) FROM ingest_object o LEFT JOIN ingest_batch b
  ON b.batch_id = o.batch_id AND b.status = 'published' WHERE o.status = 'committed' AND b.batch_id IS NULL")
[[ $orphans == 0 ]] || fail "$orphans committed objects are not in a published batch"
decoded=$(sql "$state" "SELECT sum(events) FROM ingest_batch WHERE status = 'published'")
raw_valid=$(wc -l < <(cat "$work"/oracle/clean/*.jsonl))
[[ $decoded == "$raw_valid" ]] || fail "batches decoded $decoded events; the raw objects hold $raw_valid valid lines"
batches=$(sql "$state" "SELECT worker || ':' || count(*) FROM ingest_batch GROUP BY worker ORDER BY worker" | paste -sd ' ')
echo "two workers ($mode): $batches batches, $decoded events decoded once each, no duplicates: ok"
