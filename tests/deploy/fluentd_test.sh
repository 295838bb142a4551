#!/usr/bin/env bash
# deploy/fluentd/*.conf: both variants tail and ship all four eventsim streams to Raw/<stream>/
# with fluentd-s3 key names, hourly UTC time slices and 3 MB chunks; one writes plain JSON, the
# other gzip. tributary's discovery depends on exactly this layout (docs/operations.md).
set -euo pipefail
root=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
streams=(listen_events page_view_events auth_events status_change_events)
declare -A store=([fluent.conf]=json [fluent-gzip.conf]=gzip)
for conf in "${!store[@]}"; do
  f=$root/deploy/fluentd/$conf
  [[ -f $f ]] || fail "missing $f"
  body=$(grep -v '^[[:space:]]*#' "$f")
  for s in "${streams[@]}"; do
    grep -Eq "^[[:space:]]*path /opt/eventsim/output/$s\$" <<<"$body" || fail "$conf: does not tail $s"
    grep -Eq "^[[:space:]]*tag eventsim\.$s\$" <<<"$body" || fail "$conf: no tag for $s"
    grep -Eq "^[[:space:]]*pos_file /fluentd/state/$s\.pos\$" <<<"$body" || fail "$conf: no pos_file for $s"
  done
  [[ $(grep -c '@type tail' <<<"$body") == 4 ]] || fail "$conf: expected exactly 4 tail sources"
  want() { grep -Eq "^[[:space:]]*$1\$" <<<"$body" || fail "$conf: expected '$1'"; }
  want '@type s3'
  want "store_as ${store[$conf]}"
  want 'path Raw/\$\{tag\[1\]\}/'
  want 's3_object_key_format %\{path\}%\{time_slice\}_%\{index\}\.%\{file_extension\}'
  want '<buffer tag,time>'
  want 'timekey 1h'
  want 'timekey_use_utc true'
  want 'chunk_limit_size 3m'
  want 'force_path_style true'
  grep -Eq 'aws_sec_key "#\{ENV' <<<"$body" || fail "$conf: the secret key must come from the environment"
  echo "$conf: 4 streams, store_as ${store[$conf]}"
done
grep -q 'fluent-plugin-s3' "$root/deploy/fluentd/Dockerfile" || fail "fluentd image lacks fluent-plugin-s3"
