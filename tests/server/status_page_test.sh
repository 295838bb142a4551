#!/usr/bin/env bash
# The observability surface of `tributary run` on a known input (4 objects: listens twice, so
# 76 duplicates; page views; auth events with two bad lines):
#  - /metrics parses as Prometheus text (tests/js/metrics_check.mjs) and its counters equal the run;
#  - the status page in headless Chromium shows the run's numbers, quarantine samples and the
#    warehouse's top lists, and links to the report (tests/js/status_page_check.mjs);
#  - `run --until-idle --progress` writes plain progress lines when stderr is not a terminal;
#  - `report --format html` renders in Chromium with numbers equal to `--format json`
#    (tests/js/report_html_check.mjs).
# Screenshots go to OUT_DIR for people to look at.
#
#   status_page_test.sh TRIBUTARY DATA_DIR JS_DIR OUT_DIR
set -euo pipefail
bin=$1
data=$2
js=$3
out=$4
work=$(mktemp -d)
pid=
fail() {
  echo "FAIL: $*" >&2
  [[ -f $work/run.log ]] && tail -n 20 "$work/run.log" >&2
  exit 1
}
cleanup() {
  if [[ -n $pid ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
[[ -d $js/node_modules/playwright-core ]] || fail "tests/js/node_modules missing: run scripts/install-deps"
mkdir -p "$out"

raw=$work/raw/Raw
mkdir -p "$raw/listen_events" "$raw/page_view_events" "$raw/auth_events"
cp "$data/listen_events.jsonl" "$raw/listen_events/2023122417_0.json"
cp "$data/listen_events.jsonl" "$raw/listen_events/2023122417_1.json"
cp "$data/page_view_events.jsonl" "$raw/page_view_events/2023122417_0.json"
{
  cat "$data/auth_events.jsonl"
  echo 'this is not json'
  echo '{"ts":1}'
} >"$raw/auth_events/2023122417_0.json"

lines() { grep -c '' "$1"; }
size() { stat -c %s "$1"; }
listens=$(lines "$data/listen_events.jsonl")
page_views=$(lines "$data/page_view_events.jsonl")
auths=$(lines "$data/auth_events.jsonl")
jq -n --argjson l "$listens" --argjson p "$page_views" --argjson a "$auths" \
  --argjson lb "$(($(size "$raw/listen_events/2023122417_0.json") * 2))" \
  --argjson pb "$(size "$raw/page_view_events/2023122417_0.json")" \
  --argjson ab "$(size "$raw/auth_events/2023122417_0.json")" '{
  discovered: 4,
  per_stream: {
    listen_events: {objects: 2, lines: (2 * $l), new: $l, duplicates: $l, bytes_read: $lb},
    page_view_events: {objects: 1, lines: $p, new: $p, duplicates: 0, bytes_read: $pb},
    auth_events: {objects: 1, lines: ($a + 2), new: $a, duplicates: 0, bytes_read: $ab}
  },
  quarantined: {invalid_json: 1},
  samples: {invalid_json: "this is not json"},
  quarantined_total: 2
}' >"$work/expect.json"

warehouse="sqlite://$work/warehouse.db"
"$bin" run --source "file://$work/raw" --lake "file://$work/lake" --warehouse "$warehouse" \
  --listen 127.0.0.1:0 >"$work/run.json" 2>"$work/run.log" &
pid=$!

# Wait (bounded) for the server's port, then for the run to have committed all four objects.
port=
for _ in $(seq 300); do
  port=$(jq -r 'select(.event == "http.listening") | .port' "$work/run.log" 2>/dev/null | head -n 1)
  [[ -n $port ]] && break
  kill -0 "$pid" 2>/dev/null || fail "tributary run exited"
  sleep 0.1
done
[[ -n $port ]] || fail "no http.listening line"
base="http://127.0.0.1:$port"
for _ in $(seq 300); do
  status=$(curl -fsS "$base/status.json") || fail "GET /status.json"
  [[ $(jq '.totals.objects' <<<"$status") == 4 && $(jq '.backlog.pending_objects' <<<"$status") == 0 ]] && break
  sleep 0.1
done
[[ $(jq '.totals.objects' <<<"$status") == 4 ]] || fail "run did not commit 4 objects: $status"

curl -fsS "$base/metrics" >"$work/metrics.txt" || fail "GET /metrics"
node "$js/metrics_check.mjs" --metrics "$work/metrics.txt" --expect "$work/expect.json"
node "$js/status_page_check.mjs" --url "$base/" --expect "$work/expect.json" --tributary "$bin" \
  --warehouse "$warehouse" --screenshot "$out/status_page.png" \
  --report-screenshot "$out/status_report_page.png"

# Self-contained: the page names no other origin (the SVG namespace is an identifier, not a fetch).
page=$(curl -fsS "$base/") || fail "GET /"
[[ $page == *'<title>tributary status</title>'* ]] || fail "GET / is not the status page"
foreign=$(grep -o 'https\?://[^"]*' <<<"$page" | grep -v '^http://www.w3.org/2000/svg$' || true)
[[ -z $foreign ]] || fail "the status page refers to another origin: $foreign"

kill -TERM "$pid"
wait "$pid" || fail "tributary run did not exit 0 on SIGTERM"
pid=
# The run's own totals agree with the counters checked above.
jq -e --slurpfile e "$work/expect.json" '
  .objects == 4 and .vanished == 0 and .failed_batches == 0 and .quarantined == 2 and
  .new_events == ([$e[0].per_stream[].new] | add) and
  .duplicates == ([$e[0].per_stream[].duplicates] | add)' "$work/run.json" >/dev/null ||
  fail "run totals: $(cat "$work/run.json")"

# Progress of a one-shot run, to a file (not a terminal): plain lines on stderr, the last one
# complete; stdout keeps only the JSON totals.
"$bin" run --source "file://$work/raw" --lake "file://$work/lake2" --state "sqlite://$work/state2.db" \
  --until-idle --progress >"$work/once.json" 2>"$work/once.log" || fail "run --until-idle --progress"
grep -q '^ingest: 4/4 objects (100%), [0-9.,]* objects/s$' "$work/once.log" ||
  fail "no final progress line: $(grep -v '^{' "$work/once.log")"
jq -e '.objects == 4' "$work/once.json" >/dev/null || fail "--progress changed stdout: $(cat "$work/once.json")"

# `report --format html` against `--format json`, in Chromium.
"$bin" report --warehouse "$warehouse" --from 2022-01-01 --to 2025-01-01 --top 10 --format json >"$work/report.json"
"$bin" report --warehouse "$warehouse" --from 2022-01-01 --to 2025-01-01 --top 10 --format html \
  --out "$work/report.html"
cp "$work/report.html" "$out/report.html"
node "$js/report_html_check.mjs" --html "$work/report.html" --json "$work/report.json" \
  --screenshot "$out/report_html.png"
echo "status page, metrics and HTML report: ok (screenshots in $out)"
