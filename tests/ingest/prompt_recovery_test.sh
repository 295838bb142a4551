#!/usr/bin/env bash
# Prompt recovery: a worker killed with SIGKILL while it holds a claim does not make the next run
# wait for the claim's lease (the default, 120 s). The next run sees that the claim's owner is
# gone (PostgreSQL: its session's advisory lock was released with the session; SQLite: its
# process no longer runs on this host), takes the claim over at once, and the lake and the
# warehouse end as if no crash happened (e2e_lib.sh check_run).
#
#   prompt_recovery_test.sh postgres|sqlite
set -euo pipefail
# shellcheck source=tests/ingest/e2e_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"
setup=${1:?usage: prompt_recovery_test.sh postgres|sqlite}
source_uri="file://$work/source"
lake_uri="file://$work/lake"
mkdir -p "$work/source" "$work/lake"
state=$(new_database "$setup")
# The default lease; one object per batch, so that a run holds a claim most of the time.
cat >"$work/config.yaml" <<YAML
ingest:
  batch_max_objects: 1
  poll_interval_ms: 50
YAML
make_bucket 12
while read -r key; do
  "$E2E_TOOL" put "$source_uri" "$key" "$work/bucket/$key"
done < <(bucket_keys)
# Seen by the ledger (as a listing would), then deleted before any run claims it.
vanish=$(expected_value vanish_key)
"$E2E_TOOL" see "$source_uri" "$state" "$vanish"
"$E2E_TOOL" remove "$source_uri" "$vanish"

claimed() { sql "$state" "SELECT count(*) FROM ingest_batch WHERE status = 'claimed'"; }

# Kill a streaming run while it holds a claim: it is killed as soon as the ledger shows one, and
# the round is repeated (on a fresh state of the same objects' progress) if the claim was
# committed between the look and the kill.
dead_claim=0
for ((round = 0; round < 20 && dead_claim == 0; round++)); do
  "$TRIBUTARY" run --source "$source_uri" --lake "$lake_uri" --warehouse "$state" \
    --config "$work/config.yaml" --no-http >>"$work/runs.out" 2>>"$work/runs.log" &
  pid=$!
  for ((i = 0; i < 2000; i++)); do
    [[ $(claimed) -gt 0 ]] && break
  done
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  [[ $(claimed) -gt 0 ]] && dead_claim=1
done
((dead_claim)) || fail "no run was killed while holding a claim in 20 rounds"
note "a killed run left $(claimed) claimed batch(es) behind"

start=$SECONDS
"$TRIBUTARY" run --source "$source_uri" --lake "$lake_uri" --warehouse "$state" \
  --config "$work/config.yaml" --until-idle --no-http >"$work/final.json" 2>"$work/final.log" ||
  { tail -20 "$work/final.log" >&2; fail "the run after the kill exited non-zero"; }
took=$((SECONDS - start))
grep -q '"event":"claim.owner_gone"' "$work/final.log" ||
  fail "the restarted run did not take the dead run's claim over"
# The lease is 120 s from the claim, which came moments before the kill: a run that waited for it
# would take about that long; half of it leaves room for a slow (sanitizer, loaded) build.
((took <= 60)) || fail "the restarted run took $took s: it waited for the dead run's lease"
[[ $(claimed) == 0 ]] || fail "claims left after the run to idle"
check_run "$lake_uri" "$state" warehouse
echo "prompt recovery ($setup): a dead run's claim taken over, finished in $took s: ok"
