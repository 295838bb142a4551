#!/usr/bin/env bash
# `tributary run --until-idle` on a file:// source with objects that cannot be ingested: a file
# the worker may not read and a symbolic link out of the source's directory are each that
# object's failure (the good object still commits, the link's target never reaches the lake), and
# the run exits 2 with a one-line summary; a run with nothing failing exits 0; a source directory
# that exists but cannot be read fails the run with one line instead of passing for empty. The
# lake's orphaned temporary files (a put killed by kill -9 between its write and its rename) are
# removed by the run's first write, and only those.
#
# Run as root, tributary runs as nobody (setpriv): root reads every file whatever its mode.
set -euo pipefail
bin=$1
data=$2
work=$(mktemp -d)
trap 'chmod -R u+rwX "$work"; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

as_worker=()
if (( EUID == 0 )); then
  as_worker=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  chmod 755 "$work"
fi
unreadable() { if (( EUID == 0 )); then chmod 600 "$1"; else chmod 000 "$1"; fi; }

raw=$work/raw/Raw/listen_events
mkdir -p "$raw" "$work/lake" "$work/state"
chmod 777 "$work/lake" "$work/state"
chmod -R a+rX "$work/raw"
cp "$data/listen_events.jsonl" "$raw/2023061719_0.json"
head -n 1 "$data/listen_events.jsonl" | sed 's/"Sam Sparro"/"OUTSIDE-THE-ROOT"/' > "$work/secret.json"
chmod 644 "$raw/2023061719_0.json" "$work/secret.json"
ln -s "$work/secret.json" "$raw/2023061719_1.json"
sed 's/"sessionId":\([0-9]*\)/"sessionId":7\1/' "$data/listen_events.jsonl" > "$raw/2023061719_2.json"
unreadable "$raw/2023061719_2.json"
printf 'ingest:\n  max_refusals: 2\n  poll_interval_ms: 50\n' > "$work/config.yaml"
mkdir -p "$work/lake/.tributary-tmp"
chmod 777 "$work/lake/.tributary-tmp"
echo orphan > "$work/lake/.tributary-tmp/put-4242-0-1"
touch -d '2 hours ago' "$work/lake/.tributary-tmp/put-4242-0-1"
echo "in flight" > "$work/lake/.tributary-tmp/put-4242-1-2"
chmod 644 "$work/config.yaml"

run() {
  "${as_worker[@]}" "$bin" run --source "file://$work/raw" --lake "file://$work/lake" \
    --state "sqlite://$work/state/state.db" --config "$work/config.yaml" --until-idle \
    >"$work/out" 2>"$work/err"
}

rc=0
run || rc=$?
(( rc == 2 )) || fail "exit $rc with failed objects, want 2: $(tail -n 3 "$work/err")"
summary=$(tail -n 1 "$work/err")
[[ $summary == "tributary: 2 objects failed: Raw/listen_events/2023061719_1.json ("*"symbolic link that leads out of the store's root"*"); Raw/listen_events/2023061719_2.json ("*"Permission denied"* ]] \
  || fail "summary: $summary"
grep -q '"objects":1,' "$work/out" || fail "the good object did not commit: $(cat "$work/out")"
grep -q '"failed_objects":2' "$work/out" || fail "totals: $(cat "$work/out")"
if grep -rlq "OUTSIDE-THE-ROOT" "$work/lake" "$work/state"; then
  fail "the link's target reached the lake or the state: $(grep -rl "OUTSIDE-THE-ROOT" "$work/lake" "$work/state")"
fi
[[ -n $(find "$work/lake/silver" -name '*.parquet') ]] || fail "no silver files"
[[ ! -e $work/lake/.tributary-tmp/put-4242-0-1 ]] || fail "the orphaned temporary file is still there"
[[ -e $work/lake/.tributary-tmp/put-4242-1-2 ]] || fail "a recent temporary file was removed"

# The failures belong to the run that met them: the next run has nothing new and exits 0.
run || fail "a run with nothing failing exited $?: $(tail -n 3 "$work/err")"
grep -q '"failed_objects":0' "$work/out" || fail "totals: $(cat "$work/out")"

# A source directory that exists but cannot be read is no empty bucket.
unreadable "$work/raw"
rc=0
run || rc=$?
(( rc == 1 )) || fail "exit $rc with an unreadable source, want 1"
[[ $(tail -n 1 "$work/err") == "tributary: file://$work/raw: the root directory cannot be read: Permission denied" ]] \
  || fail "message: $(tail -n 1 "$work/err")"
echo "ok"
