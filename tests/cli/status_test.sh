#!/usr/bin/env bash
# Contract tests for `tributary status`: its default state database is the one `run` uses without
# a warehouse, tributary-state.db in the working directory, and a database that does not exist is
# an error (a mistyped path must not read as an empty ledger); that default is found only when
# it is used.
#   status_test.sh TRIBUTARY DATA_DIR
set -euo pipefail
bin=$1
data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$work"
here=$(pwd -P)

"$bin" status --help | grep -q -- '--state' || fail "--help"
if out=$("$bin" status 2>&1); then fail "status without a state database: $out"; fi
[[ $out == "tributary: no SQLite warehouse at $here/tributary-state.db" ]] || fail "message: $out"
if out=$("$bin" status --warehouse "sqlite://$here/typo.db" 2>&1); then fail "accepted: $out"; fi
[[ $out == "tributary: no SQLite warehouse at $here/typo.db" ]] || fail "message: $out"
[[ ! -e $here/tributary-state.db && ! -e $here/typo.db ]] || fail "status created a database"

mkdir -p raw/Raw/listen_events
cp "$data/listen_events.jsonl" raw/Raw/listen_events/2023061719_0.json
"$bin" run --source "file://$here/raw" --lake "file://$here/lake" --until-idle >/dev/null 2>run.log \
  || fail "run: $(tail -3 run.log)"
[[ -f $here/tributary-state.db ]] || fail "run kept its state elsewhere: $(ls "$here")"
out=$("$bin" status)
[[ $out == *'"committed":1,'* ]] || fail "status: $out"
# Times for programs (epoch ms) and for people (UTC), the same instant.
ms=$(jq -r .newest_committed_event_ms <<<"$out")
((ms > 1500000000000)) || fail "newest_committed_event_ms: $out"
utc="$(date -u -d "@$((ms / 1000))" +%Y-%m-%dT%H:%M:%S).$(printf %03d $((ms % 1000)))Z"
[[ $(jq -r .newest_committed_event_utc <<<"$out") == "$utc" ]] || fail "newest_committed_event_utc: $out"
[[ $(jq -c '[.oldest_unprocessed_landed_ms, .oldest_unprocessed_landed_utc]' <<<"$out") == '[null,null]' ]] \
  || fail "nothing waits, yet: $out"

# The default is resolved only where it is used: from a working directory that was removed, other
# commands still start, and status says why it cannot in one line (it aborted at start-up).
mkdir gone
out=$(cd gone && rmdir "$here/gone" && "$bin" report --help) || fail "report --help from a removed directory"
[[ $out == *--warehouse* ]] || fail "report --help: $out"
if out=$(cd "$here" && mkdir gone && cd gone && rmdir "$here/gone" && "$bin" status 2>&1); then
  fail "status from a removed directory: $out"
fi
[[ $out == "tributary: "*"current path"* && $(wc -l <<<"$out") == 1 ]] || fail "status from a removed directory: $out"
echo "status contract: ok"
