#!/usr/bin/env bash
# bench/soak: hours of `tributary generate --realtime` through a streaming `tributary run`, to see
# that throughput keeps up, freshness holds and memory stays flat. Not in CI.
#
#   bench/soak/soak.sh [--duration 2h] [--interval 60] [--speed 600] [--users 20000]
#                      [--flush-interval 5] [--postgres URI] [--work DIR] [--tributary PATH]
#                      [--rss-threshold 10]
#
# The generator ships fluentd-style objects to a file:// raw bucket at --speed simulated seconds
# per wall-clock second (the site's daily rhythm makes the load rise and fall) for --duration;
# `tributary run --listen 127.0.0.1:0` follows it into a file:// lake and a SQLite warehouse
# (or the fresh PostgreSQL database --postgres names). Every --interval seconds one row:
#   events     new events committed so far (/metrics, tributary_events_total{outcome="new"})
#   ev/s       over the interval
#   objects    raw objects committed so far
#   fresh p50/max  PUT-to-queryable of the objects published in the interval: the batch's
#              published_ms in the ledger (rows in the warehouse, silver files in the lake) minus
#              the raw file's modification time (when the generator's PUT completed)
#   lag        tributary_lag_seconds: age of the oldest object not yet committed
#   RSS        VmRSS of the run process (/proc/PID/status)
# Then a summary: events generated and committed (equal: nothing lost), throughput, freshness
# percentiles, and the RSS of the first and last quarter of the samples (means) with the verdict
# "RSS flat: yes" when the last quarter is at most --rss-threshold percent above the first.
# Durations: 2h, 90m, 600s or seconds.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

duration=2h interval=60 speed=600 users=20000 flush=5 postgres="" work="" rss_threshold=10
tributary=$here/../../build/release/src/cli/tributary
usage() { sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while (($# > 0)); do
  case $1 in
    --duration) duration=$2 ;;
    --interval) interval=$2 ;;
    --speed) speed=$2 ;;
    --users) users=$2 ;;
    --flush-interval) flush=$2 ;;
    --postgres) postgres=$2 ;;
    --work) work=$2 ;;
    --tributary) tributary=$2 ;;
    --rss-threshold) rss_threshold=$2 ;;
    *) usage ;;
  esac
  shift 2 || usage
done
seconds_of() {
  case $1 in
    *h) echo $((${1%h} * 3600)) ;;
    *m) echo $((${1%m} * 60)) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}
duration_s=$(seconds_of "$duration")
((duration_s >= 4 * interval)) || { echo "soak: --duration must cover at least 4 intervals" >&2; exit 2; }
[[ -x $tributary ]] || { echo "soak: no tributary binary at $tributary (scripts/build release)" >&2; exit 1; }
[[ -n $work ]] || work=$(mktemp -d "${TMPDIR:-/tmp}/tributary-soak.XXXXXX")
mkdir -p "$work"
raw=$work/raw
mkdir -p "$raw"
warehouse=${postgres:-sqlite://$work/warehouse.db}

ledger() { # SQL -> rows "a b" on the state database
  if [[ -n $postgres ]]; then
    psql -X -q -A -t -F ' ' "$postgres" -c "$1"
  else
    sqlite3 -separator ' ' "$work/warehouse.db" "$1"
  fi
}

pids=()
cleanup() { local p; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

"$tributary" generate --store "file://$raw" --realtime --speed "$speed" --duration "$duration_s" \
  --users "$users" --from-days 0.001 --flush-interval "$flush" --seed 1 \
  >"$work/generate.json" 2>"$work/generate.log" &
gen_pid=$!
pids+=("$gen_pid")
"$tributary" run --source "file://$raw" --lake "file://$work/lake" --warehouse "$warehouse" \
  --listen 127.0.0.1:0 >"$work/run.json" 2>"$work/run.log" &
run_pid=$!
pids+=("$run_pid")
start_ms=$(date +%s%3N)

port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*"event":"http.listening".*"port":\([0-9]*\).*/\1/p' "$work/run.log")
  [[ -n $port ]] && break
  kill -0 "$run_pid" 2>/dev/null || { cat "$work/run.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n $port ]] || { echo "soak: tributary run did not listen" >&2; exit 1; }

metric_sum() { awk -v name="$1" -v filter="${2:-}" \
  'index($0, name) == 1 && index($0, filter) > 0 { s += $NF } END { printf "%d", s }'; }
metric_value() { awk -v name="$1" '$1 == name { print $2 }'; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$run_pid/status"; }
quantile() { # q file -> the q-quantile of the numbers in file (nearest rank)
  sort -g "$2" | awk -v q="$1" '{ v[NR] = $1 } END {
    if (NR == 0) { print "-"; exit } i = int(q * NR + 0.999999); if (i < 1) i = 1; printf "%.2f", v[i] }'
}

: >"$work/freshness.txt"
: >"$work/samples.txt"
prev_ms=$start_ms prev_events=0
echo "soak: work dir $work, warehouse ${postgres:+PostgreSQL}${postgres:-SQLite}, listening on 127.0.0.1:$port"
echo "soak: --duration ${duration_s}s --interval ${interval}s --speed $speed --users $users --flush-interval $flush"
printf '%8s %12s %9s %9s %11s %11s %8s %9s\n' minute events ev/s objects "fresh p50" "fresh max" lag "RSS MiB"

# One row of the table; $1 = "final" for the last one, taken after the run has caught up.
sample() {
  local now_ms metrics events objects lag rss elapsed rate
  now_ms=$(date +%s%3N)
  metrics=$(curl -sS --max-time 10 "http://127.0.0.1:$port/metrics")
  events=$(metric_sum tributary_events_total 'outcome="new"' <<<"$metrics")
  objects=$(metric_sum tributary_objects_committed_total <<<"$metrics")
  lag=$(metric_value tributary_lag_seconds <<<"$metrics")
  rss=$(rss_kb)
  : >"$work/interval.txt"
  while read -r key published; do
    modified=$(stat -c %.3Y "$raw/$key")
    awk -v p="$published" -v m="$modified" 'BEGIN { printf "%.3f\n", p / 1000 - m }' |
      tee -a "$work/freshness.txt" >>"$work/interval.txt"
  done < <(ledger "SELECT o.object_key, b.published_ms FROM ingest_object o
             JOIN ingest_batch b ON b.batch_id = o.batch_id
             WHERE o.status = 'committed' AND b.published_ms > $((prev_ms))
               AND b.published_ms <= $((now_ms))")
  elapsed=$(((now_ms - start_ms) / 1000))
  rate=$(awk -v e=$((events - prev_events)) -v t=$((now_ms - prev_ms)) 'BEGIN { printf "%.0f", e * 1000 / t }')
  printf '%8.1f %12d %9s %9d %11s %11s %8s %9.1f%s\n' "$(awk -v s="$elapsed" 'BEGIN { print s / 60 }')" \
    "$events" "$rate" "$objects" "$(quantile 0.5 "$work/interval.txt")" \
    "$(quantile 1 "$work/interval.txt")" "${lag:-0}" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" \
    "${1:+  ($1)}"
  echo "$elapsed $rss $events" >>"$work/samples.txt"
  prev_ms=$now_ms prev_events=$events
}

next=$((SECONDS + interval))
while ((SECONDS < duration_s)); do
  # The sampling period itself: this is a benchmark's clock, not a wait for a condition.
  sleep $((next - SECONDS > 0 ? next - SECONDS : 0))
  next=$((next + interval))
  kill -0 "$run_pid" 2>/dev/null || { tail -5 "$work/run.log" >&2; echo "soak: run died" >&2; exit 1; }
  sample
done

# The generator stops at --duration; then the run gets a bounded time to commit what is left.
gen_status=0
wait "$gen_pid" || gen_status=$?
((gen_status == 0)) || { tail -5 "$work/generate.log" >&2; echo "soak: generate failed" >&2; exit 1; }
generated=$(sed -n 's/^{[^{]*"lines":\([0-9]*\),.*/\1/p' "$work/generate.json")
caught_up() { [[ $(curl -sS --max-time 10 "http://127.0.0.1:$port/metrics" |
  metric_sum tributary_events_total 'outcome="new"') -ge $generated ]]; }
deadline=$((SECONDS + 300))
until caught_up || ((SECONDS > deadline)); do sleep 1; done
sample final
kill -TERM "$run_pid"
run_status=0
wait "$run_pid" || run_status=$?
((run_status == 0)) || { tail -5 "$work/run.log" >&2; echo "soak: run exited $run_status" >&2; exit 1; }

committed=$(awk 'END { print $3 }' "$work/samples.txt")
failed=$(ledger "SELECT count(*) FROM ingest_object WHERE status = 'failed'")
echo
echo "summary"
echo "  events: $generated generated, $committed committed, $((generated - committed)) missing; objects failed: $failed"
awk -v d="$duration_s" '{ t = $1; e = $3 } END { printf "  throughput: %.0f events/s on average over %d s\n", e / t, t }' "$work/samples.txt"
awk 'NR > 1 { r = ($3 - e) / ($1 - t); if (r > m) m = r } { t = $1; e = $3 } END { printf "  peak interval: %.0f events/s\n", m }' "$work/samples.txt"
echo "  freshness (PUT to queryable, $(wc -l <"$work/freshness.txt") objects): p50 $(quantile 0.5 "$work/freshness.txt") s, p95 $(quantile 0.95 "$work/freshness.txt") s, p99 $(quantile 0.99 "$work/freshness.txt") s, max $(quantile 1 "$work/freshness.txt") s"
# RSS: the samples of the first and last quarter of the run (the final one excluded), by time.
grep -v "^$" "$work/samples.txt" | head -n -1 | awk -v d="$duration_s" -v pct="$rss_threshold" '
  $1 <= d / 4 { f += $2; nf++ } $1 >= 3 * d / 4 { l += $2; nl++ } { if ($2 > peak) peak = $2 }
  END {
    f /= nf * 1024; l /= nl * 1024; change = (l - f) / f * 100
    printf "  RSS: first quarter %.1f MiB (%d samples), last quarter %.1f MiB (%d samples), peak %.1f MiB\n", f, nf, l, nl, peak / 1024
    printf "  RSS slope: %+.1f %% (%+.2f MiB/hour between the quarters)\n", change, (l - f) / (0.75 * d / 3600)
    printf "  RSS flat: %s (threshold: last quarter at most %s %% above the first)\n", change <= pct ? "yes" : "no", pct
  }'
# Page caches and allocator arenas fill during a warm-up; the second half's trend (least squares)
# tells a plateau from a leak when the run is too short for the quarters to.
grep -v "^$" "$work/samples.txt" | head -n -1 | awk -v d="$duration_s" '
  $1 >= d / 2 { n++; x = $1 / 3600; y = $2 / 1024; sx += x; sy += y; sxx += x * x; sxy += x * y }
  END { if (n > 1) printf "  RSS trend over the second half: %+.1f MiB/hour (%d samples)\n",
        (n * sxy - sx * sy) / (n * sxx - sx * sx), n }'
echo "  files: $work (samples.txt, freshness.txt, run.log, generate.json)"
