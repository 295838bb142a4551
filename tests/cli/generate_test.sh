#!/usr/bin/env bash
# Contract tests for `tributary generate`: fluentd-style objects in a file store that
# `tributary validate` reads back with nothing quarantined, determinism, options and errors.
set -euo pipefail
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
now=2023-06-17T19:00:00.902Z

# Prints a stream's objects in fluentd order (slice, then index numerically), decompressed.
contents() {
  local dir=$1/Raw/$2 f
  [[ -d $dir ]] || return 0
  while read -r f; do
    if [[ $f == *.gz ]]; then gzip -dc "$dir/$f"; else cat "$dir/$f"; fi
  done < <(find "$dir" -type f -printf '%f\n' | sort -t_ -k1,1 -k2,2n)
}

# A batch run: summary line, key names, and every object valid for the ingester's decoder.
out=$("$bin" generate --store "file://$work/a" --users 200 --from-days 4 --now "$now" \
  --chunk-bytes 65536)
[[ $out == '{"store":"file://'"$work"'/a","prefix":"Raw/","page_views":'* ]] || fail "summary: $out"
lines=$(jq -r .lines <<<"$out")
((lines > 3000)) || fail "too few lines: $out"
for s in listen_events page_view_events auth_events status_change_events; do
  n=$(find "$work/a/Raw/$s" -type f | wc -l)
  [[ $n == "$(jq -r ".streams.$s.objects" <<<"$out")" ]] || fail "$s object count"
done
while read -r key; do
  [[ $key =~ ^Raw/(listen|page_view|auth|status_change)_events/[0-9]{10}_(0|[1-9][0-9]*)\.json$ ]] \
    || fail "key name: $key"
  (($(stat -c %s "$work/a/$key") <= 65536)) || fail "object over --chunk-bytes: $key"
done < <(cd "$work/a" && find Raw -type f)
mapfile -t objects < <(find "$work/a/Raw" -type f)
report=$("$bin" validate "${objects[@]}")
[[ $(jq -s 'map(.quarantined) | add' <<<"$report") == 0 ]] || fail "quarantined: $report"
[[ $(jq -s 'map(.events) | add' <<<"$report") == "$lines" ]] || fail "events != lines"

# Same seed and --now: the same events; another seed: others.
"$bin" generate --store "file://$work/b" --users 200 --from-days 4 --now "$now" --gzip >/dev/null
"$bin" generate --store "file://$work/c" --users 200 --from-days 4 --now "$now" --seed 2 >/dev/null
for s in listen_events page_view_events auth_events; do
  cmp -s <(contents "$work/a" $s) <(contents "$work/b" $s) || fail "$s differs for the same seed"
done
cmp -s <(contents "$work/a" listen_events) <(contents "$work/c" listen_events) \
  && fail "seeds 1 and 2 gave the same listens"
# --gzip: valid gzip objects named .gz.
while read -r f; do
  [[ $f == *.gz ]] || fail "gzip object named $f"
  gzip -t "$f" || fail "invalid gzip: $f"
done < <(find "$work/b/Raw" -type f)
# The ts of every event keeps --now's milliseconds, as eventsim's do.
contents "$work/a" listen_events | jq -e 'select(.ts % 1000 != 902)' >/dev/null \
  && fail "ts milliseconds"

# --streams and --loop: only the named streams, each event as many times as loops.
out=$("$bin" generate --store "file://$work/d" --users 50 --from-days 2 --now "$now" \
  --streams listen_events,auth_events --loop 2)
[[ -d $work/d/Raw/listen_events && ! -e $work/d/Raw/page_view_events ]] || fail "--streams"
total=$(contents "$work/d" listen_events | wc -l)
unique=$(contents "$work/d" listen_events | sort -u | wc -l)
((total == 2 * unique && unique > 0)) || fail "--loop 2: $total lines, $unique unique"

# --realtime: paced to the clock; one simulated hour in about a second.
start=$(date +%s%N)
out=$("$bin" generate --store "file://$work/e" --users 2000 --from-days 0.01 --realtime \
  --speed 3600 --duration 1 --streams page_view_events --flush-interval 0.25)
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
((elapsed_ms >= 500)) || fail "--realtime returned after ${elapsed_ms} ms"
(($(jq -r .page_views <<<"$out") > 0)) || fail "--realtime emitted nothing: $out"

# A realtime run shows its progress while it runs (a plain line every 10 s when stderr is not a
# terminal), in events, at the rate its summary reports. 15 s, not 11: under ASan on a loaded
# machine the run's setup ate the one-second margin and the periodic line never came.
out=$("$bin" generate --store "file://$work/f" --users 3000 --from-days 0.001 --realtime \
  --speed 30 --duration 15 --flush-interval 1 2>"$work/progress")
mapfile -t progress <"$work/progress"
((${#progress[@]} >= 2)) || fail "realtime progress: $(cat "$work/progress")"
for line in "${progress[@]}"; do
  [[ $line =~ ^generate:\ [0-9,]+\ events,\ [0-9.]+\ events/s$ ]] || fail "progress line: $line"
done
last=${progress[-1]//,/}
[[ $last =~ ^generate:\ ([0-9]+)\ events\ ([0-9.]+)\ events/s$ ]] || fail "last line: $last"
[[ ${BASH_REMATCH[1]} == "$(jq -r .lines <<<"$out")" ]] || fail "events: $last vs $out"
awk -v a="${BASH_REMATCH[2]}" -v b="$(jq -r .lines_per_second <<<"$out")" 'BEGIN { exit !(a > 0.8 * b && a < 1.25 * b) }' \
  || fail "rate: $last vs $out"

# Bad input: one clear line and a non-zero exit.
expect_error() {
  local message=$1
  shift
  if "$bin" generate "$@" >/dev/null 2>"$work/err"; then fail "accepted: $*"; fi
  [[ $(wc -l <"$work/err") == 1 ]] || fail "more than one line for $*: $(cat "$work/err")"
  grep -qF -- "$message" "$work/err" || fail "message for $*: $(cat "$work/err")"
}
expect_error "--store is required" --users 5
expect_error "tributary: The following argument was not expected: --bogus (see --help)" \
  --store "file://$work/x" --bogus
expect_error "invalid store URI 'relative/dir'" --store relative/dir
expect_error "--streams: unknown stream 'nope'" --store "file://$work/x" --streams listen_events,nope
expect_error "--from-days must be greater than --to-days" --store "file://$work/x" --from-days 1 --to-days 2
expect_error "--now: expected a UTC time" --store "file://$work/x" --now yesterday
expect_error "--chunk-bytes must be at least 1024" --store "file://$work/x" --chunk-bytes 10
expect_error "--loop must be at least 1" --store "file://$work/x" --loop 0
expect_error "--duration needs --realtime" --store "file://$work/x" --duration 3
expect_error "--speed must be positive" --store "file://$work/x" --realtime --speed -1
expect_error "--speed needs --realtime" --store "file://$work/x" --speed 10
expect_error "--config: cannot open $work/none.json" --store "file://$work/x" --config "$work/none.json"
expect_error "cannot write to the store: " --store "file:///proc/tributary-no-such-dir" --users 50 --from-days 1 --now "$now"
[[ ! -e $work/x ]] || fail "a rejected run wrote to the store"
"$bin" generate --help | grep -q -- "--chunk-bytes" || fail "generate --help"
echo "generate contract: ok"
