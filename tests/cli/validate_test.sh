#!/usr/bin/env bash
# Contract tests for `tributary validate` and the CLI's --help and error conventions.
set -euo pipefail
bin=$1
data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The real fluentd object: 867 events, nothing quarantined.
out=$("$bin" validate --stream listen_events "$data/fluentd-s3-object_2023061719_20.json")
expected='{"file":"'"$data"'/fluentd-s3-object_2023061719_20.json","stream":"listen_events","lines":867,"events":867,"quarantined":0,"reasons":{}}'
[[ $out == "$expected" ]] || fail "fluentd object: $out"

# Stream from the path; gzip detected by content even under a .json name.
mkdir -p "$work/Raw/listen_events"
gzip -c "$data/fluentd-s3-object_2023061719_20.json" > "$work/Raw/listen_events/2023061719_21.json"
out=$("$bin" validate "$work/Raw/listen_events/2023061719_21.json")
[[ $out == *'"stream":"listen_events","lines":867,"events":867,"quarantined":0'* ]] || fail "gzip: $out"

# Bad lines are counted by reason, and exit status stays 0.
{ head -n 2 "$data/listen_events.jsonl"; echo 'not json'; echo '[1]'; } > "$work/listen_events.jsonl"
out=$("$bin" validate "$work/listen_events.jsonl")
[[ $out == *'"lines":4,"events":2,"quarantined":2,"reasons":{"invalid_json":1,"not_an_object":1}}' ]] \
  || fail "reasons: $out"
out=$("$bin" validate --show-quarantine "$work/listen_events.jsonl")
[[ $(grep -c '"source_key"' <<<"$out") == 2 ]] || fail "show-quarantine: $out"
[[ $out == *'"line_number":3,'*'"reason":"invalid_json","line_bytes":8,"line":"not json"'* ]] \
  || fail "quarantine record: $out"

# One JSON object per file, in order.
out=$("$bin" validate "$data/page_view_events.jsonl" "$data/auth_events.jsonl")
[[ $(wc -l <<<"$out") == 2 ]] || fail "two files: $out"
[[ $(sed -n 2p <<<"$out") == *'"stream":"auth_events","lines":4,"events":4,'* ]] || fail "auth: $out"

# An unreadable file: clear message, non-zero, the other files still reported.
set +e
out=$("$bin" validate "$data/auth_events.jsonl" "$work/auth_events/missing.json" 2>"$work/err")
rc=$?
set -e
[[ $rc == 2 ]] || fail "missing file exit code $rc"
[[ $out == *'"stream":"auth_events"'* ]] || fail "other file not reported: $out"
grep -q "cannot open $work/auth_events/missing.json: No such file or directory" "$work/err" \
  || fail "message: $(cat "$work/err")"

# A file whose stream cannot be told.
if "$bin" validate "$data/fluentd-s3-object_2023061719_20.json" 2>"$work/err"; then
  fail "unknown stream accepted"
fi
grep -q "cannot tell the stream" "$work/err" || fail "stream message: $(cat "$work/err")"
if "$bin" validate --stream nope "$data/auth_events.jsonl" 2>"$work/err"; then fail "bad --stream"; fi
grep -q "unknown stream 'nope'" "$work/err" || fail "bad stream message: $(cat "$work/err")"

# --help on the binary and every subcommand; unknown subcommands fail.
"$bin" --help | grep -q "validate" || fail "--help lists no validate"
for cmd in $("$bin" --help | awk '/^SUBCOMMANDS:/{on=1;next} on && NF {print $1}'); do
  "$bin" "$cmd" --help >/dev/null || fail "$cmd --help"
done
if "$bin" frobnicate 2>/dev/null; then fail "unknown subcommand accepted"; fi
echo "validate contract: ok"
