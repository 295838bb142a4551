#!/usr/bin/env bash
# Contract tests for `tributary run`'s start-up: options that contradict each other are refused
# in one line before anything is opened, and a file:// source that does not exist yet is waited
# for (an outage), so starting the generator and `run` together works; a run to idle reports it
# and exits instead.
#   run_options_test.sh TRIBUTARY DATA_DIR
set -euo pipefail
bin=$1
data=$2
work=$(mktemp -d)
run_pid=
cleanup() {
  if [[ -n $run_pid ]]; then kill "$run_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$work"
here=$(pwd -P)

# refused NAME PATTERN ARGS...: `run ARGS` must exit non-zero before doing anything, with one
# line on stderr matching PATTERN that names both options.
refused() {
  local name=$1 pattern=$2 out status=0
  shift 2
  out=$("$bin" run --source "file://$here/raw" --lake "file://$here/lake" "$@" 2>&1 >/dev/null) ||
    status=$?
  ((status != 0)) || fail "$name: accepted"
  [[ $(grep -c . <<<"$out") == 1 ]] || fail "$name: not one line: $out"
  [[ $out =~ $pattern ]] || fail "$name: the error does not say '$pattern': $out"
  [[ ! -e $here/lake && ! -e $here/w.db && ! -e $here/s.db && ! -e $here/tributary-state.db ]] ||
    fail "$name: created files: $(ls "$here")"
}
refused no-http+listen '--no-http.*--listen|--listen.*--no-http' --no-http --listen 127.0.0.1:0
refused listen+no-http '--no-http.*--listen|--listen.*--no-http' --listen 127.0.0.1:0 --no-http
refused warehouse+state '--warehouse.*--state|--state.*--warehouse' \
  --warehouse "sqlite://$here/w.db" --state "sqlite://$here/s.db"
refused warehouse+state-until-idle '--warehouse.*--state|--state.*--warehouse' --until-idle \
  --state "sqlite://$here/s.db" --warehouse "sqlite://$here/w.db"

# A run to idle with no source yet: it says what is missing, in its last line, and fails.
status=0
"$bin" run --source "file://$here/raw" --lake "file://$here/lake" \
  --warehouse "sqlite://$here/idle.db" --until-idle >idle.out 2>idle.log || status=$?
((status == 1)) || fail "--until-idle without a source: exit $status: $(tail -3 idle.log)"
last=$(tail -1 idle.log)
[[ $last == "tributary: file://$here/raw: the root directory does not exist"* ]] ||
  fail "--until-idle without a source: $last"

# A streaming run started before its source exists waits for it, says so, and ingests what
# appears there.
"$bin" run --source "file://$here/raw" --lake "file://$here/lake" \
  --warehouse "sqlite://$here/w.db" --no-http >run.out 2>run.log &
run_pid=$!
# wait_for SECONDS COMMAND...: polls COMMAND until it succeeds; fails if the run exits meanwhile.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    kill -0 "$run_pid" 2>/dev/null || fail "run exited: $(tail -5 run.log)"
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}
waiting() { grep 'run.outage' run.log | grep -q '"dependency":"source"'; }
wait_for 30 waiting || fail "no run.outage for the missing source: $(tail -5 run.log)"
grep 'run.outage' run.log | grep -q 'the root directory does not exist' ||
  fail "the outage does not say why: $(grep run.outage run.log | head -1)"
mkdir -p raw/Raw/listen_events
cp "$data/listen_events.jsonl" raw/Raw/listen_events/2023061719_0.json
committed() { "$bin" status --warehouse "sqlite://$here/w.db" 2>/dev/null | grep -q '"committed":1,'; }
wait_for 60 committed || fail "the object was not committed: $(tail -5 run.log)"
# run.recovered is logged when the pass that committed the object ends, after the commit itself.
recovered() { grep -q 'run.recovered' run.log; }
wait_for 30 recovered || fail "no run.recovered once the source appeared"
kill -TERM "$run_pid"
status=0
wait "$run_pid" || status=$?
run_pid=
((status == 0)) || fail "run exited $status on SIGTERM: $(tail -5 run.log)"
echo "run options contract: ok"
